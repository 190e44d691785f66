#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# JWE interoperability: compact JWEs exchanged both ways between the jot tool and Python's jwcrypto or C cjose.
"""jwe_interop.py --jot PATH --work DIR [--cjose PATH] {jwcrypto,cjose}

For every key management and content encryption pair the other library supports, a plaintext with NUL and
non-ASCII bytes is encrypted by jot and decrypted by the other side, and encrypted by the other side and decrypted
by jot; both must give the plaintext back exactly. For cjose, a pair counts as supported when cjose decrypts its
own token; every pair it supports must then work both ways. Exit 0 when every supported pair passed, 1 otherwise,
77 (skipped) when the other library is not installed.
"""

import argparse
import base64
import json
import os
import subprocess
import sys

ENCS = ["A128GCM", "A192GCM", "A256GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"]
# (alg, curve or None): every key management algorithm jot implements, each ECDH one on the curves it is run on.
ALGS = [("RSA-OAEP", None), ("RSA-OAEP-256", None),
        ("ECDH-ES", "P-256"), ("ECDH-ES", "P-384"), ("ECDH-ES", "P-521"), ("ECDH-ES", "X25519"),
        ("ECDH-ES+A128KW", "P-256"), ("ECDH-ES+A192KW", "P-384"), ("ECDH-ES+A256KW", "P-521"),
        ("ECDH-ES+A128KW", "X25519"), ("ECDH-ES+A256KW", "X25519"),
        ("A128KW", None), ("A192KW", None), ("A256KW", None),
        ("A128GCMKW", None), ("A192GCMKW", None), ("A256GCMKW", None), ("dir", None)]
PLAINTEXT = b'{"sub":"alice","note":"\xc3\xa9t\xc3\xa9"}\x00 and binary \xff\xfe after a NUL\n'

JOT = WORK = CJOSE = None


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def run(argv, stdin=b""):
    p = subprocess.run(argv, input=stdin, capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


class Key:
    """One key pair (or secret) made by `jot keygen`, with the files each side reads."""

    def __init__(self, alg, crv, enc):
        name = f"{alg}-{crv or ''}-{enc if alg == 'dir' else ''}".replace("+", "_")
        self.prefix = os.path.join(WORK, name)
        extra = ["--crv", crv] if crv else (["--enc", enc] if alg == "dir" else [])
        code, _, err = run([JOT, "keygen", "--alg", alg, "--out", self.prefix, "--force"] + extra)
        if code != 0:
            raise RuntimeError(f"jot keygen {alg}: {err.decode()}")
        self.symmetric = os.path.exists(self.prefix + ".secret.bin")
        if self.symmetric:
            self.jot_enc = self.jot_dec = self.prefix + ".secret.bin"
            with open(self.jot_enc, "rb") as f:
                self.secret = f.read()
            self.jwk_private = self.jwk_public = {"kty": "oct", "k": b64u(self.secret)}
        else:
            self.jot_enc, self.jot_dec = self.prefix + ".public.pem", self.prefix + ".private.pem"
            with open(self.jot_dec, "rb") as f:
                pem = f.read()
            if crv == "X25519":
                # jwcrypto 1.1 reads no X25519 PEM: the JWK (RFC 8037 §2) is built from the raw octets.
                from cryptography.hazmat.primitives import serialization as ser
                priv = ser.load_pem_private_key(pem, None)
                raw = dict(encoding=ser.Encoding.Raw, format=ser.PublicFormat.Raw)
                self.jwk_public = {"kty": "OKP", "crv": "X25519", "x": b64u(priv.public_key().public_bytes(**raw))}
                d = priv.private_bytes(ser.Encoding.Raw, ser.PrivateFormat.Raw, ser.NoEncryption())
                self.jwk_private = dict(self.jwk_public, d=b64u(d))
            else:
                from jwcrypto import jwk
                k = jwk.JWK.from_pem(pem)
                self.jwk_private = json.loads(k.export_private())
                self.jwk_public = json.loads(k.export_public())
        for kind in ("private", "public"):
            with open(f"{self.prefix}.{kind}.jwk.json", "w") as f:
                json.dump(getattr(self, "jwk_" + kind), f)


def jot_encrypt(key, alg, enc):
    code, out, err = run([JOT, "encrypt", "--alg", alg, "--enc", enc, "--key", key.jot_enc], PLAINTEXT)
    return out.strip().decode() if code == 0 else None


def jot_decrypt(key, alg, enc, token):
    code, out, err = run([JOT, "decrypt", "--key", key.jot_dec, "--alg", alg, "--enc", enc], token.encode())
    return out if code == 0 else err


# ---------------------------------------------------------------------------------------------------------------

def jwcrypto_encrypt(key, alg, enc):
    from jwcrypto import jwe, jwk
    t = jwe.JWE(PLAINTEXT, json.dumps({"alg": alg, "enc": enc}))
    t.add_recipient(jwk.JWK(**key.jwk_public))
    return t.serialize(compact=True)


def jwcrypto_decrypt(key, token):
    from jwcrypto import jwe, jwk
    t = jwe.JWE()
    t.deserialize(token, key=jwk.JWK(**key.jwk_private))
    return t.payload


def cjose_encrypt(key, alg, enc):
    code, out, err = run([CJOSE, "encrypt", alg, enc, key.prefix + ".public.jwk.json"], PLAINTEXT)
    return out.decode() if code == 0 else None


def cjose_decrypt(key, token):
    code, out, err = run([CJOSE, "decrypt", key.prefix + ".private.jwk.json"], token.encode())
    if code != 0:
        raise RuntimeError(f"cjose decrypt exited {code}: {err.decode(errors='replace').strip()}")
    return out


def main():
    global JOT, WORK, CJOSE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jot", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cjose", default="")
    ap.add_argument("other", choices=["jwcrypto", "cjose"])
    a = ap.parse_args()
    JOT, WORK, CJOSE = os.path.abspath(a.jot), os.path.join(a.work, "jwe-" + a.other), a.cjose
    os.makedirs(WORK, exist_ok=True)
    try:
        import jwcrypto  # noqa: F401  (also converts PEM keys to JWKs for cjose)
    except ImportError:
        print("skipped: python3-jwcrypto is not installed")
        return 77
    if a.other == "cjose" and not (CJOSE and os.access(CJOSE, os.X_OK)):
        print("skipped: the cjose helper is not built (Debian: libcjose-dev, libjansson-dev)")
        return 77
    encrypt, decrypt = (jwcrypto_encrypt, jwcrypto_decrypt) if a.other == "jwcrypto" else (cjose_encrypt, cjose_decrypt)

    rows, details, failures, unsupported = [], [], 0, 0
    keys = {}
    for alg, crv in ALGS:
        for enc in ENCS:
            k = (alg, crv, enc if alg == "dir" else None)
            if k not in keys:
                keys[k] = Key(alg, crv, enc)
            key = keys[k]
            label = f"{alg}{' ' + crv if crv else ''} + {enc}"
            # The other side's own round trip says whether it supports the pair at all.
            try:
                theirs = encrypt(key, alg, enc)
                supported = theirs is not None and decrypt(key, theirs) == PLAINTEXT
            except Exception as e:  # jwcrypto raises for what it does not implement
                theirs, supported = None, False
                why = str(e)
            if not supported:
                unsupported += 1
                rows.append((label, "not supported by " + a.other, ""))
                continue
            mine = jot_encrypt(key, alg, enc)
            why = ""
            try:
                to_them = mine is not None and decrypt(key, mine) == PLAINTEXT
            except Exception as e:
                to_them, why = False, str(e)
            back = jot_decrypt(key, alg, enc, theirs)
            to_jot = back == PLAINTEXT
            rows.append((label, "ok" if to_them else "FAIL", "ok" if to_jot else "FAIL"))
            failures += (not to_them) + (not to_jot)
            # A failure says why, with the token, so that a rare one can be replayed.
            if not to_them:
                details.append(f"{label}: jot -> {a.other}: {why if mine else 'jot encrypt failed'}; token {mine}")
            if not to_jot:
                details.append(f"{label}: {a.other} -> jot: {back.decode(errors='replace').strip()}; token {theirs}")
    width = max(len(r[0]) for r in rows)
    print(f"{'pair'.ljust(width)}  jot -> {a.other:10}  {a.other} -> jot")
    for label, there, back in rows:
        print(f"{label.ljust(width)}  {there:17}  {back}")
    for d in details:
        print("FAIL " + d)
    checked = len(rows) - unsupported
    print(f"{checked} pairs both ways, {unsupported} not supported by {a.other}, {failures} failures")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
