#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A DPoP client (RFC 9449 §4) written apart from jot, on Python's `cryptography` only: the end-to-end demo sends
# its proofs to the API, so jot's checks are tested against proofs jot did not make.
#   dpop_client.py keygen KEY.pem                              a new P-256 key
#   dpop_client.py proof KEY.pem METHOD URL [ACCESS_TOKEN]     prints a DPoP proof (ES256) for one request
#   dpop_client.py thumbprint KEY.pem                          prints the key's RFC 7638 SHA-256 thumbprint
import base64
import hashlib
import json
import secrets
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load(path: str) -> ec.EllipticCurvePrivateKey:
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def public_jwk(key: ec.EllipticCurvePrivateKey) -> dict:
    numbers = key.public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big"))}


def thumbprint(key: ec.EllipticCurvePrivateKey) -> str:
    jwk = public_jwk(key)
    # RFC 7638 §3.2: the required members in lexicographic order, no whitespace
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def proof(key: ec.EllipticCurvePrivateKey, method: str, url: str, access_token: str = "") -> str:
    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": public_jwk(key)}
    claims = {"jti": secrets.token_urlsafe(16), "htm": method, "htu": url.split("?")[0].split("#")[0],
              "iat": int(time.time())}
    if access_token:  # RFC 9449 §4.2: "ath", base64url of the SHA-256 of the token's ASCII octets
        claims["ath"] = b64url(hashlib.sha256(access_token.encode("ascii")).digest())
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))  # JWS: r||s, not DER


def main(argv: list) -> int:
    if len(argv) == 3 and argv[1] == "keygen":
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        with open(argv[2], "wb") as f:
            f.write(pem)
        return 0
    if len(argv) == 3 and argv[1] == "thumbprint":
        print(thumbprint(load(argv[2])))
        return 0
    if len(argv) in (5, 6) and argv[1] == "proof":
        print(proof(load(argv[2]), argv[3], argv[4], argv[5] if len(argv) == 6 else ""))
        return 0
    print(__doc__ if __doc__ else "usage: see the header of this file", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
