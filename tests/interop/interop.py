#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Interoperability checks: tokens exchanged both ways between jot (its `jot` CLI), PyJWT and golang-jwt's `jwt`.
"""Usage: interop.py --jot PATH/TO/jot [--golang-jwt PATH/TO/jwt] --work DIR GROUP

GROUP is one of:
  keys     make every key (jot keygen, and Python's cryptography for the other side) under DIR/keys; run first
  pyjwt    jot <-> PyJWT for every algorithm both implement, keys exchanged as PEM, JWK and JWK Set
  golang   jot <-> golang-jwt's `jwt` tool for every algorithm both implement, keys exchanged as PEM
  claims   claims survive each trip exactly: unicode, large integers, fractional NumericDates, nesting, aud
  edge     tokens one implementation accepts and another rejects, each verdict checked against its expectation

Each group writes DIR/results/GROUP.json (read by make_doc.py, which writes docs/interop.md) and exits 1 when a
check failed, 77 (ctest's "skipped") when the group cannot run here. Run by tests/interop/CMakeLists.txt.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time

import jwt
from jwt.algorithms import get_default_algorithms
import cryptography
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

SKIP = 77

# One row per algorithm of the matrix: (label, JOSE alg, `jot keygen --alg`, key kind for Python, golang-jwt has it)
ROWS = [
    ("HS256", "HS256", "HS256", ("oct", 32), True),
    ("HS384", "HS384", "HS384", ("oct", 48), True),
    ("HS512", "HS512", "HS512", ("oct", 64), True),
    ("RS256", "RS256", "RS256", ("rsa", 2048), True),
    ("RS384", "RS384", "RS384", ("rsa", 2048), True),
    ("RS512", "RS512", "RS512", ("rsa", 2048), True),
    ("PS256", "PS256", "PS256", ("rsa", 2048), True),
    ("PS384", "PS384", "PS384", ("rsa", 2048), True),
    ("PS512", "PS512", "PS512", ("rsa", 2048), True),
    ("ES256", "ES256", "ES256", ("ec", "P-256"), True),
    ("ES384", "ES384", "ES384", ("ec", "P-384"), True),
    ("ES512", "ES512", "ES512", ("ec", "P-521"), True),
    ("ES256K", "ES256K", "ES256K", ("ec", "secp256k1"), False),
    ("EdDSA (Ed25519)", "EdDSA", "EdDSA", ("okp", "Ed25519"), True),
    ("EdDSA (Ed448)", "EdDSA", "Ed448", ("okp", "Ed448"), False),
]
CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1, "secp256k1": ec.SECP256K1}

ISSUER = "https://issuer.example"
AUDIENCE = "interop"

JOT = None
GOLANG_JWT = None
WORK = None         # --work: keys/, results/ and scratch/ live here
KEYS = None         # WORK/keys, made by the keys group and read by the others
RESULTS_DIR = None  # WORK/results, one GROUP.json per group
SCRATCH = None      # WORK/scratch/GROUP: files of one group only, so that groups can run in parallel


# ----------------------------------------------------------------------------------------------------------------
# Results

class Group:
    """The checks of one group: each is recorded (for the report) and, when it fails, printed at once."""

    def __init__(self, name):
        self.name = name
        self.records = []
        self.failed = 0

    def record(self, kind, ok, what, **fields):
        rec = dict(kind=kind, ok=bool(ok), what=what, **fields)
        self.records.append(rec)
        if not ok:
            self.failed += 1
            where = " ".join(f"{k}={fields[k]}" for k in ("impl", "alg", "direction", "keys", "case") if k in fields)
            print(f"FAIL [{self.name}] {where}: {what}" + (f"\n    {fields['detail']}" if fields.get("detail") else ""),
                  flush=True)
        return ok

    def save(self, **extra):
        os.makedirs(RESULTS_DIR, exist_ok=True)
        with open(os.path.join(RESULTS_DIR, self.name + ".json"), "w", encoding="utf-8") as f:
            json.dump(dict(group=self.name, failed=self.failed, records=self.records, **extra), f, indent=1,
                      ensure_ascii=False)

    def finish(self):
        self.save()
        print(f"[{self.name}] {len(self.records)} checks, {self.failed} failed", flush=True)
        return 1 if self.failed else 0

    def skip(self, reason):
        self.save(skipped=reason)
        print(f"skipped: {reason}", flush=True)
        return SKIP


# ----------------------------------------------------------------------------------------------------------------
# Helpers: base64url, exact JSON comparison, tampering

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_uint(n):
    return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def same_json(a, b):
    """Equality that also tells int from float and bool from int (Python's == says 1 == 1.0 == True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return a == b


def json_differences(expected, got):
    """Top-level members whose values differ (strictly), as 'name: expected -> got'."""
    out = []
    for k in sorted(set(expected) | set(got)):
        if k not in got:
            out.append(f"{k}: missing")
        elif k not in expected:
            out.append(f"{k}: unexpected {json.dumps(got[k], ensure_ascii=False)}")
        elif not same_json(expected[k], got[k]):
            was, now = json.dumps(expected[k], ensure_ascii=False), json.dumps(got[k], ensure_ascii=False)
            out.append(f"{k}: {was} -> {now}")
    return out


B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def change_char(segment, i):
    """`segment` with the character at i replaced by another base64url character. Away from the last character
    every bit of a character is used, so the decoded bytes change too."""
    c = segment[i]
    return segment[:i] + ("A" if c != "A" else "B") + segment[i + 1:]


def tamper(token, part):
    """The token with one character in the middle of its payload (part 1) or signature (part 2) changed."""
    segs = token.split(".")
    segs[part] = change_char(segs[part], len(segs[part]) // 2)
    return ".".join(segs)


def canonical_tail(segment):
    """The other spelling of a segment's last character that decodes to the same bytes (non-zero unused bits),
    or None when the segment has no unused bits."""
    if len(segment) % 4 not in (2, 3):  # the last character carries 4 or 2 unused bits; its lowest is one
        return None
    return segment[:-1] + B64_ALPHABET[B64_ALPHABET.index(segment[-1]) | 1]


def rfc7638_thumbprint(jwk):
    """RFC 7638 §3: SHA-256 over the required members, sorted, no whitespace."""
    required = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x"),
                "oct": ("k", "kty")}[jwk["kty"]]
    text = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    return b64(hashlib.sha256(text.encode()).digest())


# ----------------------------------------------------------------------------------------------------------------
# Driving the three implementations. A verdict is a dict: accepted, payload (when accepted), code (when not).

def run(argv, stdin=b""):
    return subprocess.run([str(a) for a in argv], input=stdin, capture_output=True, timeout=60)


JOT_ERROR = re.compile(rb"^error: ([a-z0-9_:]+): ")


def jot_sign(alg, key, claims, kid=None):
    """Signs exactly `claims` (no iat added) with `jot sign`; returns the token."""
    path = os.path.join(SCRATCH, "claims.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(claims, f, ensure_ascii=False)
    argv = [JOT, "sign", "--alg", alg, "--key", key, "--claims", "@" + path, "--no-iat"]
    argv += ["--kid", kid] if kid else []
    p = run(argv)
    if p.returncode != 0:
        raise RuntimeError(f"jot sign {alg} failed ({p.returncode}): {p.stderr.decode(errors='replace').strip()}")
    return p.stdout.decode().strip()


def jot_verify(token, alg, key=None, jwks=None, extra=()):
    """`jot verify`: exit 0 accepts (one JSON document out), 1 rejects the token, 2 refuses the setup (key)."""
    argv = [JOT, "verify", "--alg", alg] + (["--key", key] if key else []) + (["--jwks", jwks] if jwks else [])
    p = run(argv + list(extra) + ["-"], stdin=token.encode() + b"\n")
    m = JOT_ERROR.match(p.stderr)
    code = m.group(1).decode() if m else p.stderr.decode(errors="replace").strip()[:120]
    if p.returncode == 0:
        return {"accepted": True, "payload": json.loads(p.stdout), "code": None}
    if p.returncode == 2:
        code = "key:" + code
    return {"accepted": False, "payload": None, "code": code if p.returncode in (1, 2) else f"exit {p.returncode}"}


def pyjwt_verify(token, alg, key, audience=None, issuer=None):
    """jwt.decode with PyJWT's defaults (signature, exp, nbf, iat and aud checked). `key` may be a function
    making the key, so that PyJWT refusing a key (PyJWK) counts as rejecting the token."""
    try:
        if callable(key):
            key = key()
        payload = jwt.decode(token, key, algorithms=[alg], audience=audience, issuer=issuer)
        return {"accepted": True, "payload": payload, "code": None}
    except Exception as e:  # every PyJWT rejection, and errors from the key it was given
        return {"accepted": False, "payload": None, "code": type(e).__name__}


def golang_sign(alg, key, claims):
    path = os.path.join(SCRATCH, "claims-golang.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(claims, f, ensure_ascii=False)
    p = run([GOLANG_JWT, "-alg", alg, "-key", key, "-sign", path])
    if p.returncode != 0:
        raise RuntimeError(f"jwt -sign {alg} failed: {p.stderr.decode(errors='replace').strip()}")
    return p.stdout.decode().strip()


def golang_verify(token, alg, key):
    """`jwt -verify -`: exit 0 and the claims as JSON when the token verifies (it checks exp, nbf, iat too)."""
    p = run([GOLANG_JWT, "-alg", alg, "-key", key, "-verify", "-"], stdin=token.encode() + b"\n")
    if p.returncode == 0:
        return {"accepted": True, "payload": json.loads(p.stdout), "code": None}
    msg = p.stderr.decode(errors="replace").strip().splitlines()
    msg = msg[-1] if msg else f"exit {p.returncode}"
    return {"accepted": False, "payload": None, "code": msg.replace("Error: couldn't parse token: ", "")}


def describe(v):
    if v["accepted"]:
        return "accepted"
    return "rejected: " + v["code"]


# ----------------------------------------------------------------------------------------------------------------
# Keys: jot's (jot keygen) and the other side's (Python's cryptography, exported by PyJWT)

def slug(label):
    return re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")


def jot_key(label, what):
    """A file jot made for the row: secret.bin, secret.jwk.json, private.pem, public.pem, public.jwk.json."""
    return os.path.join(KEYS, "jot", f"{slug(label)}.{what}")


def py_key(label, what):
    return os.path.join(KEYS, "py", f"{slug(label)}.{what}")


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def new_private_key(kind):
    family, param = kind
    if family == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=param)
    if family == "ec":
        return ec.generate_private_key(CURVES[param]())
    return ed25519.Ed25519PrivateKey.generate() if param == "Ed25519" else ed448.Ed448PrivateKey.generate()


def pem_private(k):
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                           serialization.NoEncryption())


def pem_public(k):
    return k.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def pyjwt_jwk(alg, key):
    """PyJWT's own JWK export (Algorithm.to_jwk) as a dict."""
    return json.loads(get_default_algorithms()[alg].to_jwk(key))


def coordinate_size(curve):
    return (curve.key_size + 7) // 8


def full_size_coordinates(jwk):
    """True unless PyJWT 2.6's to_jwk dropped leading zero octets of an EC coordinate (it encodes x and y as
    minimal integers; RFC 7518 §6.2.1.2 wants the full coordinate size, and PyJWT's own from_jwk insists)."""
    if jwk.get("kty") != "EC":
        return True
    size = {"P-256": 32, "P-384": 48, "P-521": 66, "secp256k1": 32}[jwk["crv"]]
    return all(len(base64.urlsafe_b64decode(jwk[c] + "==")) == size for c in ("x", "y"))


def rfc_jwk(pub):
    """The required members of a public key's JWK, written here from RFC 7518 §6 (and RFC 8037 §2)."""
    if isinstance(pub, rsa.RSAPublicKey):
        n = pub.public_numbers()
        return {"kty": "RSA", "n": b64_uint(n.n), "e": b64_uint(n.e)}
    if isinstance(pub, ec.EllipticCurvePublicKey):
        n, size = pub.public_numbers(), coordinate_size(pub.curve)
        crv = {v.name: k for k, v in CURVES.items()}[pub.curve.name]
        return {"kty": "EC", "crv": crv, "x": b64(n.x.to_bytes(size, "big")), "y": b64(n.y.to_bytes(size, "big"))}
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519" if isinstance(pub, ed25519.Ed25519PublicKey) else "Ed448", "x": b64(raw)}


def spki(pub):
    return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def group_keys():
    g = Group("keys")
    if os.path.isdir(KEYS):
        shutil.rmtree(KEYS)
    shutil.rmtree(RESULTS_DIR, ignore_errors=True)
    os.makedirs(os.path.join(KEYS, "jot"))
    os.makedirs(os.path.join(KEYS, "py"))
    py_set = []
    for label, alg, keygen_alg, kind, _ in ROWS:
        # jot's keys, exactly as `jot keygen` writes them.
        p = run([JOT, "keygen", "--alg", keygen_alg, "--out", os.path.join(KEYS, "jot", slug(label))])
        g.record("key", p.returncode == 0, "jot keygen writes the key files", alg=label,
                 detail=p.stderr.decode(errors="replace").strip())
        if kind[0] == "okp" and keygen_alg != alg:
            # `jot keygen --alg Ed448` binds the JWK to the fully-specified "Ed448" (RFC 9864); for the EdDSA row
            # the key is published bound to "EdDSA", as `jot jwks --alg EdDSA` does.
            p = run([JOT, "jwks", "--alg", alg, jot_key(label, "public.pem")])
            write(jot_key(label, "public.jwk.json"), json.dumps(json.loads(p.stdout)["keys"][0], indent=2))
        # The other side's keys: made by cryptography, exported as PKCS#8 / SPKI PEM and as PyJWT's JWK.
        if kind[0] == "oct":
            secret = secrets.token_bytes(kind[1])
            write(py_key(label, "secret.bin"), secret)
            write(py_key(label, "secret.jwk.json"), json.dumps(pyjwt_jwk(alg, secret)))
            continue
        # PyJWT 2.6 exports some EC keys with short coordinates (see the edge case pyjwt-short-coordinate);
        # the matrix exchanges keys it exports correctly.
        while True:
            k = new_private_key(kind)
            jwk = pyjwt_jwk(alg, k.public_key())
            if full_size_coordinates(jwk):
                break
        write(py_key(label, "private.pem"), pem_private(k))
        write(py_key(label, "public.pem"), pem_public(k))
        jwk["kid"] = rfc7638_thumbprint(jwk)
        write(py_key(label, "public.jwk.json"), json.dumps(jwk))
        py_set.append(jwk)
        # jot's public key read elsewhere: its JWK has the members written here from RFC 7518 for the key in
        # its PEM, PyJWK reads that JWK to the same key, and the thumbprint is RFC 7638's.
        ours = json.loads(read(jot_key(label, "public.jwk.json")))
        pub = serialization.load_pem_public_key(read(jot_key(label, "public.pem")))
        expected = rfc_jwk(pub)
        same = all(ours.get(m) == v for m, v in expected.items())
        g.record("key", same, "jot's JWK holds the RFC 7518 members of the key in jot's PEM", alg=label,
                 detail="" if same else f"jot {ours} / expected {expected}")
        try:
            read_back = spki(jwt.PyJWK(ours).key) == spki(pub)
        except Exception as e:  # PyJWK refusing the JWK is what this check is for
            read_back = False
            expected["error"] = repr(e)
        g.record("key", read_back, "PyJWK reads jot's JWK to the key in jot's PEM", alg=label,
                 detail="" if read_back else str(expected.get("error", "different key")))
        thumb = run([JOT, "thumbprint", jot_key(label, "public.pem")]).stdout.decode().strip()
        g.record("key", thumb == rfc7638_thumbprint(expected) == ours.get("kid"),
                 "jot thumbprint and the JWK's kid equal the RFC 7638 thumbprint computed here", alg=label,
                 detail=f"jot thumbprint {thumb}, kid {ours.get('kid')}, here {rfc7638_thumbprint(expected)}")
    write(os.path.join(KEYS, "py", "jwks.json"), json.dumps({"keys": py_set}, indent=1))
    # The JWK Set jot publishes for all of its public keys (what a service would serve at its jwks_uri).
    files = [jot_key(label, "public.jwk.json") for label, _, _, kind, _ in ROWS if kind[0] != "oct"]
    p = run([JOT, "jwks"] + files)
    g.record("key", p.returncode == 0 and len(json.loads(p.stdout or b"{}").get("keys", [])) == len(files),
             "jot jwks makes one JWK Set of every public key", detail=p.stderr.decode(errors="replace").strip())
    write(os.path.join(KEYS, "jot", "jwks.json"), p.stdout)
    g.record("env", True, "versions", env=environment())
    return g.finish()


def environment():
    env = {"jot": run([JOT, "--version"]).stdout.decode().strip(), "PyJWT": jwt.__version__,
           "cryptography": cryptography.__version__}
    ssl = shutil.which("openssl")
    env["OpenSSL"] = run([ssl, "version"]).stdout.decode().split(" (")[0].strip() if ssl else "unknown"
    if GOLANG_JWT:
        q = shutil.which("dpkg-query") and run(["dpkg-query", "-W", "-f=${Version}", "jwt"])
        env["golang-jwt"] = ("golang-jwt (Debian package jwt " + q.stdout.decode() + ")" if q and q.returncode == 0
                             else "golang-jwt (version unknown)")
    return env


# ----------------------------------------------------------------------------------------------------------------
# The matrix: a standard claim set signed on one side, verified on the other, and tampered

def standard_claims():
    now = int(time.time())
    return {"iss": ISSUER, "sub": "user-42", "aud": AUDIENCE, "iat": now, "nbf": now - 60, "exp": now + 3600,
            "jti": secrets.token_urlsafe(12), "scope": "orders:read orders:write", "n": 42}


JOT_POLICY = ["--iss", ISSUER, "--aud", AUDIENCE]


def exchange(g, impl, label, direction, keys, token, claims, verify_other, verify_signer):
    """The checks of one token: the other side accepts it with the same claims, and a token with one character
    of its payload or signature changed is rejected by the other side and by the signer's side."""
    where = dict(impl=impl, alg=label, direction=direction, keys=keys)
    v = verify_other(token)
    g.record("matrix", v["accepted"] and same_json(v["payload"], claims), "accepted with the same claims",
             detail="" if v["accepted"] and same_json(v["payload"], claims) else
             describe(v) + ("; " + "; ".join(json_differences(claims, v["payload"])) if v["accepted"] else ""),
             **where)
    for part, name in ((1, "payload"), (2, "signature")):
        bad = tamper(token, part)
        other, own = verify_other(bad), verify_signer(bad)
        g.record("matrix", not other["accepted"] and not own["accepted"],
                 f"one {name} character changed: rejected by both sides",
                 detail=f"verifier {describe(other)}; signer's side {describe(own)}", **where)


def group_pyjwt():
    g = Group("pyjwt")
    jot_set = jwt.PyJWKSet.from_json(read(os.path.join(KEYS, "jot", "jwks.json"), "r"))
    for label, alg, _, kind, _ in ROWS:
        hmac_row = kind[0] == "oct"
        claims = standard_claims()

        def by_pyjwt(key):
            return lambda t: pyjwt_verify(t, alg, key, audience=AUDIENCE, issuer=ISSUER)

        def by_jot(**kw):
            return lambda t: jot_verify(t, alg, extra=JOT_POLICY, **kw)

        # jot signs, PyJWT verifies: with jot's key as PEM (raw bytes for HMAC), as a JWK (PyJWK), and through
        # the JWK Set `jot jwks` made (PyJWKSet, key chosen by the token's kid).
        d = "jot → PyJWT"
        if hmac_row:
            secret = jot_key(label, "secret.bin")
            t = jot_sign(alg, secret, claims)
            exchange(g, "PyJWT", label, d, "raw secret", t, claims, by_pyjwt(read(secret)), by_jot(key=secret))
            jwk = jwt.PyJWK.from_json(read(jot_key(label, "secret.jwk.json"), "r"))
            t = jot_sign(alg, jot_key(label, "secret.jwk.json"), claims)
            exchange(g, "PyJWT", label, d, "JWK", t, claims, by_pyjwt(jwk.key), by_jot(key=secret))
        else:
            private, public = jot_key(label, "private.pem"), jot_key(label, "public.pem")
            t = jot_sign(alg, private, claims)
            exchange(g, "PyJWT", label, d, "PEM", t, claims, by_pyjwt(read(public)), by_jot(key=public))
            jwk_doc = json.loads(read(jot_key(label, "public.jwk.json")))
            jwk = jwt.PyJWK(jwk_doc)
            exchange(g, "PyJWT", label, d, "JWK", t, claims, by_pyjwt(jwk.key), by_jot(key=public))
            t = jot_sign(alg, private, claims, kid=jwk_doc["kid"])
            try:
                from_set = jot_set[jwt.get_unverified_header(t)["kid"]]
            except KeyError as e:  # PyJWKSet skipped the key, or the kid differs
                g.record("matrix", False, "PyJWKSet has a usable key for the token's kid", impl="PyJWT",
                         alg=label, direction=d, keys="JWKS", detail=str(e))
            else:
                exchange(g, "PyJWT", label, d, "JWKS", t, claims, by_pyjwt(from_set.key), by_jot(key=public))

        # PyJWT signs, jot verifies: with PyJWT's key as PEM (raw bytes for HMAC), as PyJWT's JWK export, and
        # through a JWK Set of PyJWT's exports (jot verify --jwks, key chosen by kid).
        d = "PyJWT → jot"
        if hmac_row:
            secret = py_key(label, "secret.bin")
            t = jwt.encode(claims, read(secret), algorithm=alg)
            exchange(g, "PyJWT", label, d, "raw secret", t, claims, by_jot(key=secret), by_pyjwt(read(secret)))
            exchange(g, "PyJWT", label, d, "JWK", t, claims, by_jot(key=py_key(label, "secret.jwk.json")),
                     by_pyjwt(read(secret)))
        else:
            private, public = read(py_key(label, "private.pem")), read(py_key(label, "public.pem"))
            t = jwt.encode(claims, private, algorithm=alg)
            exchange(g, "PyJWT", label, d, "PEM", t, claims, by_jot(key=py_key(label, "public.pem")),
                     by_pyjwt(public))
            exchange(g, "PyJWT", label, d, "JWK", t, claims, by_jot(key=py_key(label, "public.jwk.json")),
                     by_pyjwt(public))
            kid = json.loads(read(py_key(label, "public.jwk.json")))["kid"]
            t = jwt.encode(claims, private, algorithm=alg, headers={"kid": kid})
            exchange(g, "PyJWT", label, d, "JWKS", t, claims, by_jot(jwks=os.path.join(KEYS, "py", "jwks.json")),
                     by_pyjwt(public))
            # PyJWT signing with the PKCS#8 private key `jot keygen` wrote.
            t = jwt.encode(claims, read(jot_key(label, "private.pem")), algorithm=alg)
            exchange(g, "PyJWT", label, d, "jot PKCS#8", t, claims,
                     by_jot(key=jot_key(label, "public.pem")), by_pyjwt(read(jot_key(label, "public.pem"))))
    return g.finish()


def group_golang():
    g = Group("golang")
    if not GOLANG_JWT:
        return g.skip("golang-jwt's jwt tool is not installed (Debian: apt-get install jwt)")
    for label, alg, _, kind, in_golang in ROWS:
        if not in_golang:
            continue
        claims = standard_claims()
        hmac_row = kind[0] == "oct"

        def by_golang(key):
            return lambda t: golang_verify(t, alg, key)

        def by_jot(key):
            return lambda t: jot_verify(t, alg, key=key, extra=JOT_POLICY)

        if hmac_row:
            secret = jot_key(label, "secret.bin")
            t = jot_sign(alg, secret, claims)
            exchange(g, "golang-jwt", label, "jot → golang-jwt", "raw secret", t, claims, by_golang(secret),
                     by_jot(secret))
            t = golang_sign(alg, secret, claims)
            exchange(g, "golang-jwt", label, "golang-jwt → jot", "raw secret", t, claims, by_jot(secret),
                     by_golang(secret))
            exchange(g, "golang-jwt", label, "golang-jwt → jot", "JWK", t, claims,
                     by_jot(jot_key(label, "secret.jwk.json")), by_golang(secret))
            continue
        # jot signs with its PKCS#8 key, golang-jwt verifies with jot's SPKI public key; then golang-jwt signs
        # with jot's PKCS#8 private key and jot verifies with its public PEM and its JWK.
        private, public = jot_key(label, "private.pem"), jot_key(label, "public.pem")
        t = jot_sign(alg, private, claims)
        exchange(g, "golang-jwt", label, "jot → golang-jwt", "PEM", t, claims, by_golang(public), by_jot(public))
        t = golang_sign(alg, private, claims)
        exchange(g, "golang-jwt", label, "golang-jwt → jot", "PEM", t, claims, by_jot(public), by_golang(public))
        exchange(g, "golang-jwt", label, "golang-jwt → jot", "JWK", t, claims,
                 by_jot(jot_key(label, "public.jwk.json")), by_golang(public))
        # The other side's PEM keys too (PKCS#8 from Python's cryptography), read by both tools.
        t = golang_sign(alg, py_key(label, "private.pem"), claims)
        exchange(g, "golang-jwt", label, "golang-jwt → jot", "cryptography PEM", t, claims,
                 by_jot(py_key(label, "public.pem")), by_golang(py_key(label, "public.pem")))
    return g.finish()


# ----------------------------------------------------------------------------------------------------------------
# Claims: every kind of value survives the trip exactly

RICH = {
    "iss": "https://issuer.example/ü",
    "sub": "ユーザー-42",
    "exp": 4102444800.5,           # 2100-01-01T00:00:00.5Z
    "nbf": 1000000000.5,
    "iat": 1000000000.25,
    "name": "Zoë Ångström",
    "emoji": "😀 🇺🇳 (outside the BMP)",
    "rtl": "עברית",
    "escapes": "quote \" backslash \\ slash / newline \n tab \t U+0001 \u0001 U+2028 \u2028 U+FEFF \ufeff",
    "int_2_53_plus_1": 2 ** 53 + 1,
    "int64_max": 2 ** 63 - 1,
    "int64_min": -2 ** 63,
    "uint64_max": 2 ** 64 - 1,
    "float_one": 1.0,
    "float_tenth": 0.1,
    "float_tiny": 1.5e-7,
    "nested": {"roles": ["admin", {"scopes": ["a", "b"], "level": 3}], "empty_object": {}, "empty_array": [],
               "null": None, "flags": [True, False], "deeper": {"a": {"b": {"c": {"d": "e"}}}}},
}

# What the report's rows are made of: (row, claim names, which token)
CLAIM_ROWS = [
    ("unicode strings (é, CJK, RTL, emoji outside the BMP, escapes, U+2028)",
     ["iss", "sub", "name", "emoji", "rtl", "escapes"], "array"),
    ("integer 2^53+1", ["int_2_53_plus_1"], "array"),
    ("integer 2^63-1", ["int64_max"], "array"),
    ("integer -2^63", ["int64_min"], "array"),
    ("integer 2^64-1", ["uint64_max"], "array"),
    ("fractional NumericDates (exp 4102444800.5, nbf, iat)", ["exp", "nbf", "iat"], "array"),
    ("floats 1.0, 0.1, 1.5e-7", ["float_one", "float_tenth", "float_tiny"], "array"),
    ("nested objects and arrays, null, booleans", ["nested"], "array"),
    ('aud as a string ("interop")', ["aud"], "string"),
    ('aud as an array (["interop", "orders-api"])', ["aud"], "array"),
]

# Rows where golang-jwt's `jwt` tool changes values: it decodes claims into Go's map[string]interface{}, where
# every JSON number is a float64 (the tool does not ask for json.Number), and writes them back from there.
# Go then writes a float64 with the shortest digits that round-trip, padded with zeros: -2^63 (exact in a float64)
# comes out as -9223372036854776000.
GOLANG_CHANGES = {"integer 2^53+1", "integer 2^63-1", "integer -2^63", "integer 2^64-1", "floats 1.0, 0.1, 1.5e-7"}


def as_double_outside_64_bits(value):
    """`value` with every integer outside [-2^63, 2^64-1] replaced by the nearest double."""
    if isinstance(value, dict):
        return {k: as_double_outside_64_bits(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_double_outside_64_bits(v) for v in value]
    if type(value) is int and not -2 ** 63 <= value <= 2 ** 64 - 1:
        return float(value)
    return value


def claim_sets():
    a = dict(RICH, aud=[AUDIENCE, "orders-api"])
    s = dict(RICH, aud=AUDIENCE)
    return {"array": a, "string": s}


def claim_checks(g, impl, direction, sent, received, expected_changes=()):
    """One record per row: does what the verifier reports equal what the signer was given?"""
    for row, names, which in CLAIM_ROWS:
        if received.get(which) is None:
            g.record("claims", False, "the token verifies", impl=impl, direction=direction, row=row,
                     detail=received.get(which + "_error", ""))
            continue
        diffs = json_differences({n: sent[which][n] for n in names},
                                 {n: received[which][n] for n in names if n in received[which]})
        expect_change = row in expected_changes
        g.record("claims", bool(diffs) == expect_change,
                 "changed as documented" if expect_change else "survives exactly",
                 impl=impl, direction=direction, row=row, exact=not diffs, changes=diffs,
                 detail="; ".join(diffs) if diffs else ("expected a change" if expect_change else ""))
    # Nothing outside the rows may change either.
    for which in ("array", "string"):
        if received.get(which) is not None:
            covered = {n for _, names, _ in CLAIM_ROWS for n in names}
            diffs = json_differences({k: v for k, v in sent[which].items() if k not in covered},
                                     {k: v for k, v in received[which].items() if k not in covered})
            g.record("claims", not diffs, "no other claim appears, disappears or changes", impl=impl,
                     direction=direction, row=None, detail="; ".join(diffs))


def group_claims():
    g = Group("claims")
    sets = claim_sets()
    alg, label = "ES256", "ES256"
    jot_private, jot_public = jot_key(label, "private.pem"), jot_key(label, "public.pem")
    py_private = read(py_key(label, "private.pem"))
    policy = ["--aud", AUDIENCE]

    def collect(verify, tokens):
        out = {}
        for which, t in tokens.items():
            v = verify(t)
            out[which] = v["payload"] if v["accepted"] else None
            out[which + "_error"] = describe(v)
        return out

    # jot → PyJWT and PyJWT → jot
    tokens = {w: jot_sign(alg, jot_private, c) for w, c in sets.items()}
    claim_checks(g, "PyJWT", "jot → PyJWT", sets,
                 collect(lambda t: pyjwt_verify(t, alg, read(jot_public), audience=AUDIENCE), tokens))
    tokens = {w: jwt.encode(c, py_private, algorithm=alg) for w, c in sets.items()}
    claim_checks(g, "PyJWT", "PyJWT → jot", sets,
                 collect(lambda t: jot_verify(t, alg, key=py_key(label, "public.pem"), extra=policy), tokens))

    # The claims `jot sign` writes from its own options, read by PyJWT: one --aud gives a string, several an
    # array; --exp relative to --now; iat is now; a --claim VALUE is JSON when it parses, else a string.
    now = int(time.time())
    for auds in ([AUDIENCE], [AUDIENCE, "orders-api"]):
        argv = [JOT, "sign", "--alg", alg, "--key", jot_private, "--iss", RICH["iss"], "--sub", RICH["sub"],
                "--exp", "+1h", "--nbf", str(now - 60), "--jti", "id-1", "--claim", "n=9007199254740993",
                "--claim", "name=Zoë", "--claim", 'obj={"a":[1,2.5]}', "--now", str(now)]
        for a in auds:
            argv += ["--aud", a]
        expected = {"iss": RICH["iss"], "sub": RICH["sub"], "aud": auds[0] if len(auds) == 1 else auds,
                    "exp": now + 3600, "nbf": now - 60, "iat": now, "jti": "id-1", "n": 9007199254740993,
                    "name": "Zoë", "obj": {"a": [1, 2.5]}}
        p = run(argv)
        v = pyjwt_verify(p.stdout.decode().strip(), alg, read(jot_public), audience=AUDIENCE) if p.returncode == 0 \
            else {"accepted": False, "code": "jot sign: " + p.stderr.decode(errors="replace").strip()}
        ok = v["accepted"] and same_json(expected, v["payload"])
        g.record("claims", ok, f"the claims jot sign's options write ({len(auds)} --aud) reach PyJWT exactly",
                 impl="PyJWT", direction="jot sign options → PyJWT", row=None,
                 detail="" if ok else ("; ".join(json_differences(expected, v["payload"])) if v["accepted"]
                                       else describe(v)))

    if GOLANG_JWT:
        tokens = {w: jot_sign(alg, jot_private, c) for w, c in sets.items()}
        claim_checks(g, "golang-jwt", "jot → golang-jwt", sets,
                     collect(lambda t: golang_verify(t, alg, jot_public), tokens), GOLANG_CHANGES)
        tokens = {w: golang_sign(alg, jot_private, c) for w, c in sets.items()}
        claim_checks(g, "golang-jwt", "golang-jwt → jot", sets,
                     collect(lambda t: jot_verify(t, alg, key=jot_public, extra=policy), tokens), GOLANG_CHANGES)
        # Whatever golang-jwt signed, jot reports as it was signed, but for integers outside [-2^63, 2^64-1]
        # (golang-jwt writes -2^63 as -9223372036854776000 and 2^64-1 as 18446744073709552000): nlohmann::json,
        # and so jot, holds those as doubles (RFC 8259 §6 lets implementations limit the range of numbers).
        for which, t in tokens.items():
            signed = json.loads(base64.urlsafe_b64decode(t.split(".")[1] + "=="))
            v = jot_verify(t, alg, key=jot_public, extra=policy)
            expected = as_double_outside_64_bits(signed)
            ok = v["accepted"] and same_json(expected, v["payload"])
            g.record("claims", ok, "jot reports golang-jwt's payload as signed (integers beyond 64 bits as doubles)",
                     impl="golang-jwt", direction="golang-jwt → jot (as signed)", row=None, aud=which,
                     changes=json_differences(signed, v["payload"]) if v["accepted"] else [describe(v)],
                     detail="" if ok else "; ".join(json_differences(expected, v["payload"] or {})) or describe(v))
    return g.finish()


# ----------------------------------------------------------------------------------------------------------------
# Edge cases: where the implementations' verdicts differ (or, for a few baselines, agree)

def hs_token(header, payload, secret, alg="HS256"):
    """A JWS with exactly these header and payload bytes, MACed here with Python's hmac."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    si = b64(header) + "." + b64(payload)
    return si + "." + b64(hmac.new(secret, si.encode(), digest).digest())


def jdump(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


class Case:
    """One edge case: a token, the key each implementation is given, and the verdicts expected of each.
    jot's expectation is "accepted", the error code of a rejected token, or "key:<code>" for a refused key;
    PyJWT's is "accepted" or the exception it raises; golang-jwt's is "accepted" or "rejected"."""

    def __init__(self, cid, title, rfc, note, expect, alg="HS256"):
        self.id, self.title, self.rfc, self.note, self.expect, self.alg = cid, title, rfc, note, expect, alg
        self.token = None
        self.jot_key = self.py_key = self.golang_key = None


def edge_cases(secret_path):
    secret = read(secret_path)
    far = 4102444800
    now = int(time.time())
    header = jdump({"alg": "HS256", "typ": "JWT"})
    cases = []

    def hs_case(c, payload=None, hdr=header, key=secret, key_path=secret_path, token=None):
        c.token = token or hs_token(hdr, payload, key)
        c.jot_key = c.golang_key = key_path
        c.py_key = key
        cases.append(c)

    hs_case(Case("baseline", "a valid HS256 token (baseline)", "RFC 7519 §7.2", "All accept.",
                 {"jot": "accepted", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            jdump({"sub": "a", "exp": far}))

    # Keys weaker than JWA allows
    short = os.path.join(SCRATCH, "short.secret")
    write(short, secrets.token_bytes(16))
    hs_case(Case("hmac-short-key", "HS256 with a 16-byte secret", "RFC 7518 §3.2: a key of the same size as the "
                 "hash output (or larger) MUST be used",
                 "jot refuses the key before reading the token; PyJWT 2.6 and golang-jwt accept any length.",
                 {"jot": "key:key_too_short", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            jdump({"sub": "a", "exp": far}), key=read(short), key_path=short)

    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    weak_pub = os.path.join(SCRATCH, "rsa1024.public.pem")
    write(weak_pub, pem_public(weak))
    c = Case("rsa-1024", "RS256 with a 1024-bit RSA key", "RFC 7518 §3.3: a key of size 2048 bits or larger MUST "
             "be used", "jot refuses the key; PyJWT and golang-jwt accept it.",
             {"jot": "key:key_too_weak", "PyJWT": "accepted", "golang-jwt": "accepted"}, alg="RS256")
    c.token = jwt.encode({"sub": "a", "exp": far}, pem_private(weak), algorithm="RS256")
    c.jot_key = c.golang_key = weak_pub
    c.py_key = pem_public(weak)
    cases.append(c)

    p384 = ec.generate_private_key(ec.SECP384R1())
    p384_pub = os.path.join(SCRATCH, "p384.public.pem")
    write(p384_pub, pem_public(p384))
    c = Case("es256-p384", '"alg":"ES256" signed with a P-384 key (SHA-256, 96-byte signature)',
             "RFC 7518 §3.4: ES256 is ECDSA using P-256 and SHA-256",
             "PyJWT 2.6 signs and verifies ES256 with any curve; jot binds ES256 to P-256 and refuses the key; "
             "golang-jwt rejects the 96-byte signature (ES256 signatures are 64 bytes).",
             {"jot": "key:key_algorithm_mismatch", "PyJWT": "accepted", "golang-jwt": "rejected"}, alg="ES256")
    c.token = jwt.encode({"sub": "a", "exp": far}, pem_private(p384), algorithm="ES256")
    c.jot_key = c.golang_key = p384_pub
    c.py_key = pem_public(p384)
    cases.append(c)

    pss = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pss_pub = os.path.join(SCRATCH, "pss.public.pem")
    write(pss_pub, pem_public(pss))
    c = Case("pss-salt", "PS256 with the maximum PSS salt length (222 bytes, not 32)",
             "RFC 7518 §3.5: the size of the salt value is the same size as the hash function output",
             "jot and PyJWT verify with a salt as long as the hash; golang-jwt accepts any salt length.",
             {"jot": "signature_invalid", "PyJWT": "InvalidSignatureError", "golang-jwt": "accepted"}, alg="PS256")
    si = b64(jdump({"alg": "PS256", "typ": "JWT"})) + "." + b64(jdump({"sub": "a", "exp": far}))
    sig = pss.sign(si.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),
                   hashes.SHA256())
    c.token = si + "." + b64(sig)
    c.jot_key = c.golang_key = pss_pub
    c.py_key = pem_public(pss)
    cases.append(c)

    # A P-521 key whose y (or x) is below 2^520: PyJWT 2.6 exports the coordinate in 65 octets, not 66.
    while True:
        short_key = ec.generate_private_key(ec.SECP521R1())
        short_jwk = pyjwt_jwk("ES512", short_key.public_key())
        if not full_size_coordinates(short_jwk):
            break
    short_jwk_path = os.path.join(SCRATCH, "p521-short.jwk.json")
    write(short_jwk_path, json.dumps(short_jwk))
    c = Case("pyjwt-short-coordinate", "a P-521 public JWK as PyJWT 2.6 exports it when a coordinate is below 2^520 "
             "(65 octets instead of 66)", "RFC 7518 §6.2.1.2 and §6.2.1.3: x and y MUST be the full coordinate size "
             "(66 octets for P-521)",
             "PyJWT 2.6's to_jwk drops leading zero octets (about 3 P-521 keys in 4, 1 P-256 key in 128) and its "
             "own PyJWK then refuses the JWK; jot refuses it too. golang-jwt's tool reads no JWKs.",
             {"jot": "key:key_invalid", "PyJWT": "InvalidKeyError", "golang-jwt": None}, alg="ES512")
    c.token = jwt.encode({"sub": "a", "exp": far}, pem_private(short_key), algorithm="ES512")
    c.jot_key = short_jwk_path
    c.py_key = lambda: jwt.PyJWK(short_jwk).key
    cases.append(c)

    # JSON
    hs_case(Case("duplicate-claim", 'a claim named twice: {"sub":"alice","sub":"admin",...}',
                 "RFC 7519 §4: parsers MUST either reject duplicate claim names or take the lexically last one",
                 "Both behaviours conform; jot rejects, PyJWT and golang-jwt take the last (sub = admin).",
                 {"jot": "json_duplicate_member", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            b'{"sub":"alice","sub":"admin","exp":%d}' % far)
    hs_case(Case("duplicate-alg", 'a header naming "alg" twice: {"alg":"none","alg":"HS256"}',
                 "RFC 7515 §4: reject duplicate header names or take the lexically last one",
                 "Both behaviours conform; jot rejects, PyJWT and golang-jwt take the last.",
                 {"jot": "json_duplicate_member", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            jdump({"sub": "a", "exp": far}), hdr=b'{"alg":"none","alg":"HS256","typ":"JWT"}')
    hs_case(Case("lone-surrogate", 'a claim holding an unpaired surrogate escape ("\\ud800")',
                 "RFC 8259 §8.2: such strings are not interoperable; RFC 7519 §7.2: the claims set is UTF-8",
                 "jot rejects text that has no UTF-8 form; PyJWT keeps the surrogate, golang-jwt replaces it "
                 "with U+FFFD.",
                 {"jot": "json_invalid", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            b'{"sub":"\\ud800","exp":%d}' % far)
    hs_case(Case("deep-nesting", "a claim nested 40 arrays deep",
                 "RFC 8259 §9: a parser may limit the depth of nesting",
                 "jot stops at 32 levels (decode_options::max_json_depth); PyJWT and golang-jwt accept.",
                 {"jot": "json_too_deep", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            b'{"exp":%d,"deep":%s%s}' % (far, b"[" * 40, b"]" * 40))

    # Header
    hs_case(Case("crit-unknown", 'a header with "crit":["x-ext"] naming an extension nobody implements',
                 "RFC 7515 §4.1.11: if any listed extension is not understood, the JWS is invalid",
                 "jot rejects as the RFC requires; PyJWT 2.6 and golang-jwt ignore crit.",
                 {"jot": "crit_unsupported", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            jdump({"sub": "a", "exp": far}), hdr=jdump({"alg": "HS256", "crit": ["x-ext"], "x-ext": 1}))
    hs_case(Case("typ-at-jwt", 'a header "typ":"at+jwt" given to a verifier expecting a plain JWT',
                 "RFC 8725 §3.11 (explicit typing); RFC 7519 §5.1 leaves typ optional",
                 'jot accepts only an absent or "JWT" typ unless told otherwise (--typ, --ignore-typ); PyJWT and '
                 "golang-jwt do not look at typ.",
                 {"jot": "type_mismatch", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            jdump({"sub": "a", "exp": far}), hdr=jdump({"alg": "HS256", "typ": "at+jwt"}))
    hs_case(Case("alg-none", 'an unsecured token ("alg":"none", empty signature)',
                 "RFC 8725 §3.1; RFC 7518 §3.6", "All reject.",
                 {"jot": "unsecured_token", "PyJWT": "InvalidAlgorithmError", "golang-jwt": "rejected"}),
            token=b64(jdump({"alg": "none", "typ": "JWT"})) + "." + b64(jdump({"sub": "a", "exp": far})) + ".")

    # base64url
    base = hs_token(header, jdump({"sub": "a", "exp": far}), secret)
    h, p, s = base.split(".")
    hs_case(Case("padding", 'a signature segment with "=" padding', "RFC 7515 §2: base64url with all trailing '=' "
                 "characters omitted", "jot and golang-jwt reject; PyJWT decodes it.",
                 {"jot": "base64_padding", "PyJWT": "accepted", "golang-jwt": "rejected"}), token=f"{h}.{p}.{s}=")
    hs_case(Case("non-canonical", "a signature whose last character has non-zero unused bits (same bytes)",
                 "RFC 4648 §3.5: decoders MAY reject non-zero pad bits; RFC 7515 §2 defines one spelling",
                 "jot accepts only the one canonical spelling of a signature, so a token cannot be altered and still "
                 "verify; PyJWT and golang-jwt accept the variant.",
                 {"jot": "base64_non_canonical", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            token=f"{h}.{p}.{canonical_tail(s)}")

    # Claims
    hs_case(Case("exp-string", 'exp as a numeric string: "exp":"4102444800"',
                 "RFC 7519 §4.1.4 and §2: exp is a NumericDate, a JSON numeric value",
                 "PyJWT 2.6 converts the string with int() and accepts; jot rejects the type; golang-jwt's v4 "
                 "claims fail the exp check for anything but a number (and call the token expired).",
                 {"jot": "claim_wrong_type", "PyJWT": "accepted", "golang-jwt": "rejected"}),
            jdump({"sub": "a", "exp": str(far)}))
    hs_case(Case("exp-missing", "no exp claim", "RFC 7519 §4.1.4: exp is OPTIONAL",
                 "jot requires exp by default (--allow-missing-exp, allow_missing_expiration()); PyJWT and "
                 "golang-jwt accept a token that never expires.",
                 {"jot": "expiration_missing", "PyJWT": "accepted", "golang-jwt": "accepted"}),
            jdump({"sub": "a"}))
    hs_case(Case("aud-unexpected", 'an "aud" claim, and a verifier that expects no audience',
                 "RFC 7519 §4.1.3: if the processor does not identify itself with a value in aud, the JWT MUST be "
                 "rejected", "jot and PyJWT reject; golang-jwt's tool does not check aud.",
                 {"jot": "audience_unexpected", "PyJWT": "InvalidAudienceError", "golang-jwt": "accepted"}),
            jdump({"sub": "a", "aud": "someone-else", "exp": far}))
    hs_case(Case("expired", "exp an hour ago", "RFC 7519 §4.1.4", "All reject.",
                 {"jot": "token_expired", "PyJWT": "ExpiredSignatureError", "golang-jwt": "rejected"}),
            jdump({"sub": "a", "exp": now - 3600}))
    hs_case(Case("nbf-future", "nbf an hour ahead", "RFC 7519 §4.1.5", "All reject.",
                 {"jot": "token_not_yet_valid", "PyJWT": "ImmatureSignatureError", "golang-jwt": "rejected"}),
            jdump({"sub": "a", "nbf": now + 3600, "exp": far}))
    hs_case(Case("iat-future", "iat an hour ahead", "RFC 7519 §4.1.6 sets no rule; all three choose to reject",
                 "All reject.",
                 {"jot": "issued_in_future", "PyJWT": "ImmatureSignatureError", "golang-jwt": "rejected"}),
            jdump({"sub": "a", "iat": now + 3600, "exp": far}))

    # Algorithm confusion: an HS256 token MACed with the bytes of a public key the verifier is given as its key.
    rsa_pub = py_key("RS256", "public.pem")
    hs_case(Case("hmac-with-pem", "HS256 MACed with the bytes of an RSA public key PEM, and that PEM file given "
                     "as the verifier's HS256 key", "RFC 8725 §2.1 and §3.1 (algorithm confusion)",
                     "jot refuses a PEM file as an HMAC secret (unless --key-format raw) and PyJWT refuses PEM "
                     "secrets; golang-jwt's tool uses the file's bytes as the secret, as -alg HS256 asked.",
                     {"jot": "key:key_algorithm_mismatch", "PyJWT": "InvalidKeyError", "golang-jwt": "accepted"}),
                jdump({"sub": "a", "exp": far}), key=read(rsa_pub), key_path=rsa_pub)
    return cases


def fractional_cases(secret_path):
    """exp and nbf a fraction of a second away, verified by all three within the same second: run at the start
    of a fresh second, and repeated (up to 3 times) when a run does not finish within that second."""
    secret = read(secret_path)
    header = jdump({"alg": "HS256", "typ": "JWT"})
    specs = [
        ("exp-fraction", "exp 0.999 s after the start of the current second (not yet passed)",
         "RFC 7519 §2: a NumericDate may be non-integer; §4.1.4: reject only once now is on or after exp",
         "PyJWT 2.6 and golang-jwt truncate NumericDates (and now) to whole seconds and call the token expired; "
         "jot compares with microsecond precision.",
         {"jot": "accepted", "PyJWT": "ExpiredSignatureError", "golang-jwt": "rejected"}, "exp"),
        ("nbf-fraction", "nbf 0.999 s after the start of the current second (not yet reached)",
         "RFC 7519 §4.1.5: reject while now is before nbf (RFC 7519 §4.1.5 allows a small leeway for clock skew)",
         "PyJWT and golang-jwt truncate nbf to whole seconds and accept early; jot accepts too, because by default "
         "it tolerates nbf and iat up to 60 s ahead of its clock (jot::default_future_leeway); with --leeway 0 it "
         "rejects until nbf.",
         {"jot": "accepted", "PyJWT": "accepted", "golang-jwt": "accepted"}, "nbf"),
    ]
    for attempt in range(3):
        time.sleep(1 - (time.time() % 1) + 0.01)
        second = int(time.time())
        cases = []
        for cid, title, rfc, note, expect, claim in specs:
            c = Case(cid, title, rfc, note, expect)
            payload = {"sub": "a", claim: second + 0.999}
            if claim == "nbf":
                payload["exp"] = second + 3600
            c.token = hs_token(header, jdump(payload), secret)
            c.jot_key = c.golang_key = secret_path
            c.py_key = secret
            cases.append(c)
        verdicts = [verify_case(c) for c in cases]
        if int(time.time()) == second:
            return list(zip(cases, verdicts))
        print(f"edge: fractional cases overran their second (attempt {attempt + 1}); again", flush=True)
    return list(zip(cases, verdicts))


def verify_case(c):
    out = {"jot": jot_verify(c.token, c.alg, key=c.jot_key)}
    out["PyJWT"] = pyjwt_verify(c.token, c.alg, c.py_key)
    if GOLANG_JWT and c.expect["golang-jwt"] is not None:
        out["golang-jwt"] = golang_verify(c.token, c.alg, c.golang_key)
    return out


def verdict_matches(impl, expected, v):
    if expected == "accepted":
        return v["accepted"]
    if v["accepted"]:
        return False
    if impl == "golang-jwt":
        return expected == "rejected"
    return v["code"] == expected


def group_edge():
    g = Group("edge")
    secret_path = jot_key("HS256", "secret.bin")
    pairs = [(c, verify_case(c)) for c in edge_cases(secret_path)]
    pairs += fractional_cases(secret_path)
    for c, verdicts in pairs:
        for impl, v in verdicts.items():
            want = c.expect[impl]
            ok = verdict_matches(impl, want, v)
            g.record("edge", ok, f"{impl}: expected {want}", case=c.id, title=c.title, rfc=c.rfc, note=c.note,
                     impl=impl, accepted=v["accepted"], code=v["code"], expected=want,
                     detail="" if ok else f"got {describe(v)}")
    return g.finish()


# ----------------------------------------------------------------------------------------------------------------

GROUPS = {"keys": group_keys, "pyjwt": group_pyjwt, "golang": group_golang, "claims": group_claims,
          "edge": group_edge}


def main():
    global JOT, GOLANG_JWT, WORK, KEYS, RESULTS_DIR, SCRATCH
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jot", required=True)
    ap.add_argument("--golang-jwt", default="")
    ap.add_argument("--work", required=True)
    ap.add_argument("group", choices=sorted(GROUPS))
    a = ap.parse_args()
    JOT, GOLANG_JWT, WORK = os.path.abspath(a.jot), a.golang_jwt or None, os.path.abspath(a.work)
    KEYS = os.path.join(WORK, "keys")
    RESULTS_DIR = os.path.join(WORK, "results")
    SCRATCH = os.path.join(WORK, "scratch", a.group)
    os.makedirs(SCRATCH, exist_ok=True)
    if a.group != "keys" and not os.path.isdir(KEYS):
        print(f"no keys under {KEYS}: run the keys group first", file=sys.stderr)
        return 1
    return GROUPS[a.group]()


if __name__ == "__main__":
    sys.exit(main())
