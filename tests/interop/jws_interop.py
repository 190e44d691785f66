#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# JWS interoperability: the JSON serializations, detached content and RFC 7797 unencoded payloads, exchanged both
# ways between the jot tool and Python's jwcrypto.
"""jws_interop.py --jot PATH --work DIR jwcrypto

For every algorithm both sides implement: jot signs (flattened JSON, unencoded JSON, detached JSON, detached
compact) and jwcrypto verifies and gives the payload back; jwcrypto signs (general JSON with a second signature
by a key jot does not have, unencoded flattened JSON, JSON with the payload removed) and jot verifies, printing
the payload exactly. jot must refuse jwcrypto's unencoded JWS unless --allow-unencoded is given, and its
two-signature JWS unless --any-signature is. Exit 0 when all passed, 1 otherwise, 77 (skipped) without jwcrypto.
"""

import argparse
import base64
import json
import os
import subprocess
import sys

ALGS = ["HS256", "HS384", "HS512", "RS256", "PS384", "ES256", "ES384", "ES512", "EdDSA"]
BINARY = b'{"not":"a claim set"}\x00 binary \xff\xfe . dots . \xc3\xa9\n'
TEXT = "unencoded, with dots . and \u00e9, no newline"  # a JSON string, so UTF-8

JOT = WORK = None
failures = []
checks = 0


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def run(argv, stdin=b""):
    p = subprocess.run(argv, input=stdin, capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def check(ok, what, detail=""):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print(f"FAIL {what} {detail}", flush=True)
    return ok


def write(name, data):
    path = os.path.join(WORK, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


class Key:
    """A key made by `jot keygen`, the files jot reads and the same key as a jwcrypto JWK."""

    def __init__(self, alg):
        from jwcrypto import jwk
        self.alg = alg
        self.prefix = os.path.join(WORK, "jws-" + alg)
        code, _, err = run([JOT, "keygen", "--alg", alg, "--out", self.prefix, "--force"])
        if code != 0:
            raise RuntimeError(f"jot keygen {alg}: {err.decode()}")
        if os.path.exists(self.prefix + ".secret.bin"):
            self.sign_file = self.verify_file = self.prefix + ".secret.bin"
            with open(self.sign_file, "rb") as f:
                self.private = self.public = jwk.JWK(kty="oct", k=b64u(f.read()))
        else:
            self.sign_file, self.verify_file = self.prefix + ".private.pem", self.prefix + ".public.pem"
            with open(self.sign_file, "rb") as f:
                self.private = jwk.JWK.from_pem(f.read())
            self.public = jwk.JWK()
            self.public.import_key(**json.loads(self.private.export_public()))


def jot_sign(key, payload_file, *flags):
    code, out, err = run([JOT, "sign", "--alg", key.alg, "--key", key.sign_file, "--payload", payload_file] +
                         list(flags))
    check(code == 0, f"jot sign {key.alg} {' '.join(flags)}", err.decode())
    return out.decode().rstrip("\n")


def jot_verify(key, token, *flags):
    return run([JOT, "verify", "--alg", key.alg, "--key", key.verify_file] + list(flags) + [token])


def jwcrypto_verify(key, text, detached=None):
    """The payload jwcrypto verified, or None."""
    from jwcrypto import jws
    try:
        obj = jws.JWS()
        if detached is None:
            obj.deserialize(text, key.public)
        else:
            # jwcrypto 1.1 has no detached API: the payload is put back before verifying.
            obj.deserialize(text)
            obj.objects["payload"] = detached
            obj.verify(key.public)
        payload = obj.payload
        return payload if isinstance(payload, bytes) else payload.encode()
    except Exception as e:  # jwcrypto raises several types; any is a failure here
        print(f"  jwcrypto: {type(e).__name__}: {e}")
        return None


def jot_to_jwcrypto(key, binary_file, text_file):
    flat = jot_sign(key, binary_file, "--json")
    check(jwcrypto_verify(key, flat) == BINARY, f"{key.alg}: jot flattened JSON -> jwcrypto")
    unencoded = jot_sign(key, text_file, "--json", "--unencoded")
    check(json.loads(unencoded)["payload"] == TEXT, f"{key.alg}: jot writes the unencoded payload as it is")
    check(jwcrypto_verify(key, unencoded) == TEXT.encode(), f"{key.alg}: jot unencoded JSON -> jwcrypto")
    detached = jot_sign(key, binary_file, "--json", "--detached")
    check(jwcrypto_verify(key, detached, BINARY) == BINARY, f"{key.alg}: jot detached JSON -> jwcrypto")
    compact = jot_sign(key, binary_file, "--detached")
    check(jwcrypto_verify(key, compact, BINARY) == BINARY, f"{key.alg}: jot detached compact -> jwcrypto")


def jwcrypto_to_jot(key, other, binary_file, text_file):
    from jwcrypto import jws
    # General JSON, two signatures: this key's and one by a key jot is not given.
    obj = jws.JWS(BINARY)
    obj.add_signature(key.private, None, json.dumps({"alg": key.alg}), json.dumps({"kid": "mine"}))
    obj.add_signature(other.private, None, json.dumps({"alg": other.alg, "kid": "other"}))
    general = obj.serialize()
    code, out, err = jot_verify(key, general)
    check(code == 1 and b"error: " in err, f"{key.alg}: jot refuses jwcrypto's two signatures by default",
          err.decode())
    code, out, err = jot_verify(key, general, "--any-signature")
    check(code == 0 and out == BINARY, f"{key.alg}: jwcrypto general JSON -> jot --any-signature", err.decode())

    # Unencoded flattened JSON (RFC 7797): refused unless allowed.
    obj = jws.JWS(TEXT)  # jwcrypto 1.1 writes an unencoded payload only from a str
    obj.add_signature(key.private, None, json.dumps({"alg": key.alg, "b64": False, "crit": ["b64"]}))
    flat = obj.serialize()
    check(json.loads(flat)["payload"] == TEXT, f"{key.alg}: jwcrypto writes the unencoded payload as it is")
    code, out, err = jot_verify(key, flat)
    check(code == 1 and b"crit_unsupported" in err, f"{key.alg}: jot refuses b64:false without --allow-unencoded",
          err.decode())
    code, out, err = jot_verify(key, flat, "--allow-unencoded")
    check(code == 0 and out == TEXT.encode(), f"{key.alg}: jwcrypto unencoded JSON -> jot", err.decode())

    # Detached: jwcrypto's JSON with "payload" removed, verified over the file.
    obj = jws.JWS(BINARY)
    obj.add_signature(key.private, None, json.dumps({"alg": key.alg}))
    detached = json.loads(obj.serialize())
    del detached["payload"]
    code, out, err = jot_verify(key, json.dumps(detached), "--payload", binary_file)
    check(code == 0 and json.loads(out)["verified"] is True, f"{key.alg}: jwcrypto detached JSON -> jot",
          err.decode())
    code, out, err = jot_verify(key, json.dumps(detached), "--payload", text_file)
    check(code == 1 and b"signature_invalid" in err, f"{key.alg}: jot refuses the detached JWS over other bytes",
          err.decode())


def main():
    global JOT, WORK
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jot", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("other", choices=["jwcrypto"])
    args = ap.parse_args()
    JOT = os.path.abspath(args.jot)
    WORK = os.path.join(os.path.abspath(args.work), "jws")
    os.makedirs(WORK, exist_ok=True)
    try:
        import jwcrypto.jws  # noqa: F401
    except ImportError:
        print("skipped: jwcrypto is not installed (Debian: python3-jwcrypto)")
        return 77
    binary_file = write("binary.payload", BINARY)
    text_file = write("text.payload", TEXT.encode())
    other = Key("HS512")
    for alg in ALGS:
        key = Key(alg)
        jot_to_jwcrypto(key, binary_file, text_file)
        jwcrypto_to_jot(key, other if alg != "HS512" else Key("HS256"), binary_file, text_file)
    print(f"jws interop with jwcrypto: {checks} checks, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
