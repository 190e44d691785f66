#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# End-to-end tests of the `jot` command-line tool: every rule of its contract, and docs/cli.md's examples as written.
"""Usage: test_cli.py PATH/TO/jot [GROUP ...]

Runs the named groups (all when none is named) and exits 1 if any check failed. Groups: see GROUPS below.
Tokens are made and checked here independently of jot where Python's standard library allows (HMAC, base64url,
RFC 7638 thumbprints), so the tool is not only tested against itself.
"""

import base64
import hashlib
import hmac
import json
import os
import pty
import re
import secrets
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "tests", "data")
GUIDE = os.path.join(ROOT, "docs", "cli.md")

NOW = 1700000000  # 2023-11-14T22:13:20Z, the --now of most checks
ALL_ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
            "ES512", "ES256K", "EdDSA", "Ed25519", "Ed448"]
HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}

JOT = None
WORK = None
group = "-"
checks = 0
failures = []


# ----------------------------------------------------------------------------------------------------------------
# Running jot and checking what it did

class Run:
    def __init__(self, argv, code, out, err):
        self.argv, self.code, self.out, self.err = argv, code, out, err

    def describe(self):
        cmd = " ".join(a if re.fullmatch(r"[\w@%+=:,./-]+", a) else repr(a) for a in self.argv)
        return (f"\n    command: {cmd}\n    exit:    {self.code}\n    stdout:  {self.out[:700]!r}"
                f"\n    stderr:  {self.err[:700]!r}")


def jot(*args, stdin=b"", env_add=None, env_remove=("NO_COLOR",), cwd=None, umask=None):
    env = {k: v for k, v in os.environ.items() if k not in env_remove}
    env.update(env_add or {})
    argv = [JOT] + [str(a) for a in args]
    pre = (lambda: os.umask(umask)) if umask is not None else None
    p = subprocess.run(argv, input=stdin, capture_output=True, env=env, cwd=cwd or WORK, timeout=120,
                       preexec_fn=pre)
    return Run(argv[1:], p.returncode, p.stdout, p.stderr)


def check(ok, what, run=None):
    global checks
    checks += 1
    if not ok:
        failures.append(f"[{group}] {what}")
        print(f"FAIL [{group}] {what}" + (run.describe() if run else ""), flush=True)
    return ok


ERROR_LINE = re.compile(rb"error: ([a-z0-9_:]+): [^\n]+\n")


def error_code(run):
    """The code of the one 'error: <code>: <message>' line on stderr, or None if stderr is anything else."""
    m = ERROR_LINE.fullmatch(run.err)
    return m.group(1).decode() if m else None


def expect_ok(run, what):
    return check(run.code == 0 and run.err == b"", f"{what}: exits 0 with nothing on stderr", run)


def expect_rejected(run, code, what):
    """Exit 1, nothing on stdout, one stderr line naming `code` (or one of the codes of a tuple)."""
    codes = code if isinstance(code, tuple) else (code,)
    return check(run.code == 1 and run.out == b"" and error_code(run) in codes,
                 f"{what}: exits 1 with 'error: {'|'.join(codes)}: ...' as its only stderr line", run)


def expect_refused(run, code, what):
    """Exit 2 (usage or key problem), nothing on stdout, one stderr line naming `code` (any code if None)."""
    got = error_code(run)
    return check(run.code == 2 and run.out == b"" and got is not None and (code is None or got == code),
                 f"{what}: exits 2 with 'error: {code or '<code>'}: ...' as its only stderr line", run)


def payload_of_stdout(run):
    """The single JSON document verify prints, or None."""
    text = run.out.decode("utf-8", "replace")
    if not text.endswith("\n") or text.count("\n") != 1:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def expect_verified(run, payload, what):
    ok = expect_ok(run, what)
    if ok:
        check(payload_of_stdout(run) == payload, f"{what}: stdout is one line, the verified payload as JSON", run)


def exits_before_reading_stdin(args, code, what):
    """Runs jot with a stdin pipe that is never written nor closed: a key problem must end it (exit 2) anyway."""
    p = subprocess.Popen([JOT] + [str(a) for a in args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=WORK)
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        p.stdin.close()
        check(False, f"{what}: exits without waiting for a token on stdin (it blocked)")
        return
    out, err = p.stdout.read(), p.stderr.read()
    p.stdin.close()
    p.stdout.close()
    p.stderr.close()
    expect_refused(Run([str(a) for a in args], p.returncode, out, err), code, f"{what} (stdin left open)")


# ----------------------------------------------------------------------------------------------------------------
# JOSE pieces made with Python's standard library only

def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compact_json(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def hs_token(secret, payload, header=None, alg="HS256"):
    header = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing_input = b64u(compact_json(header)) + "." + b64u(compact_json(payload))
    mac = hmac.new(secret, signing_input.encode(), HASHES[alg[2:]]).digest()
    return signing_input + "." + b64u(mac)


def hs_signature_ok(token, secret, alg):
    signing_input, _, sig = token.rpartition(".")
    return hmac.compare_digest(unb64u(sig), hmac.new(secret, signing_input.encode(), HASHES[alg[2:]]).digest())


def token_parts(token):
    h, p, s = token.split(".")
    return json.loads(unb64u(h)), json.loads(unb64u(p)), unb64u(s)


def thumbprint(jwk):
    """RFC 7638 §3: SHA-256 over the required members, sorted, no whitespace."""
    members = {"RSA": ["e", "kty", "n"], "EC": ["crv", "kty", "x", "y"], "OKP": ["crv", "kty", "x"],
               "oct": ["k", "kty"]}[jwk["kty"]]
    text = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64u(hashlib.sha256(text.encode()).digest())


def write(name, data, mode=None):
    path = os.path.join(WORK, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    if mode is not None:
        os.chmod(path, mode)
    return path


def read(name):
    with open(os.path.join(WORK, name), "rb") as f:
        return f.read()


NO_EXP_WARNING = (b'warning: no --exp: verifiers (jot verify included) refuse a token without "exp" by default; '
                  b"pass --exp 15m, or --no-exp to leave it out on purpose\n")


def sign_token(*args, stdin=b""):
    """jot sign ... and the token it printed (checked to be exactly one line). Without --exp or --no-exp (or an
    "exp" given through --claim or --claims), stderr must be exactly the warning that the token has no "exp"."""
    r = jot("sign", *args, stdin=stdin)
    texts = [str(a) for a in args]
    quiet = "--no-exp" in texts or any(t.startswith("--exp") for t in texts) or any(
        t.startswith("exp=") for t in texts) or "--claims" in texts
    if quiet:
        expect_ok(r, "sign " + " ".join(texts))
    else:
        check(r.code == 0 and r.err == NO_EXP_WARNING,
              "sign " + " ".join(texts) + ": exits 0 and warns on stderr that the token has no exp", r)
    text = r.out.decode()
    check(re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n", text) is not None,
          "sign prints exactly one line: the compact token", r)
    return text.strip()


_keys = {}


def key(alg):
    """PREFIX of a key pair made by jot keygen (made once per run; one RSA key serves RS* and PS*)."""
    family = "RS256" if alg[:2] in ("RS", "PS") else alg
    if family not in _keys:
        prefix = os.path.join(WORK, "key-" + family)
        r = jot("keygen", "--alg", family, "--out", prefix)
        expect_ok(r, f"keygen --alg {family}")
        _keys[family] = prefix
    return _keys[family]


SECRET = b"\x00\x01 a secret with NUL bytes,\n and a final newline\n"  # 49 bytes: fits HS256 and HS384


# ----------------------------------------------------------------------------------------------------------------
# Groups

def test_usage():
    for args, what in [((), "no command"), (("frobnicate",), "an unknown command"),
                       (("verify", "x.y.z"), "verify without --alg"),
                       (("verify", "--alg", "HS256", "x.y.z"), "verify without --key or --jwks"),
                       (("sign", "--alg", "HS256"), "sign without --key"),
                       (("keygen", "--alg", "ES256"), "keygen without --out"),
                       (("jwks",), "jwks without files"), (("thumbprint",), "thumbprint without a file"),
                       (("decode", "--bogus", "x"), "an unknown option"),
                       (("decode", "a", "b"), "two tokens")]:
        expect_refused(jot(*args), "usage", what)
    r = jot("--help")
    check(r.code == 0 and b"verify" in r.out and b"keygen" in r.out, "--help lists the commands and exits 0", r)
    r = jot("verify", "--help")
    check(r.code == 0 and b"--leeway" in r.out and b"--ignore-aud" in r.out, "verify --help lists its options", r)
    r = jot("--version")
    check(r.code == 0 and re.fullmatch(rb"jot \d+\.\d+\.\d+\n", r.out) is not None, "--version prints jot X.Y.Z", r)

    write("hs.key", SECRET)
    token = hs_token(SECRET, {"exp": NOW + 60})
    expect_refused(jot("verify", "--alg", "none", "--key", "hs.key", token), "unsecured_token", "--alg none")
    expect_refused(jot("verify", "--alg", "hs256", "--key", "hs.key", token), "unsupported_algorithm",
                   "--alg in the wrong case")
    expect_refused(jot("verify", "--alg", "HS256", "--key", "hs.key", "--leeway", "601", token), "leeway_too_large",
                   "--leeway 601")
    expect_refused(jot("verify", "--alg", "HS256", "--key", "hs.key", "--leeway", "99999999999999999999999", token),
                   "usage", "--leeway too large to be a number")
    for bad in ["-1", "1.5", "abc", ""]:
        expect_refused(jot("verify", "--alg", "HS256", "--key", "hs.key", f"--leeway={bad}", token), "usage",
                       f"--leeway '{bad}'")
    expect_refused(jot("verify", "--alg", "HS256", "--key", "hs.key", "--aud", "a", "--ignore-aud", token), "usage",
                   "--aud with --ignore-aud")
    expect_refused(jot("verify", "--alg", "HS256", "--key", "hs.key", "--typ", "JWT", "--ignore-typ", token), "usage",
                   "--typ with --ignore-typ")
    expect_refused(jot("verify", "--alg", "HS256", "--key", "hs.key", "--key-format", "pkcs12", token), "usage",
                   "--key-format pkcs12")
    expect_refused(jot("verify", "--alg", "HS256", "--jwks", "hs.key", "--key-format", "raw", token), "usage",
                   "--key-format without --key")
    expect_refused(jot("sign", "--alg", "HS256", "--key", "hs.key", "--jti", "a", "--jti-random"), "usage",
                   "--jti with --jti-random")
    for bad in ["abc", "-1", "1.5", "99999999999", "-5m", "+5x", "2023-11-14", "2023-02-29T00:00:00Z",
                "2023-11-14T22:13:20", "9999-12-31T23:59:59Z"]:
        expect_refused(jot("decode", f"--now={bad}", token), "usage", f"--now '{bad}'")
    # A token after the options is fine; one that starts with '-' needs '--' before it, as usual.
    r = jot("verify", "--alg", "HS256", "--key", "hs.key", "--now", NOW, "--", token)
    expect_verified(r, {"exp": NOW + 60}, "a token after --")


def test_stdin():
    write("hs.key", SECRET)
    payload = {"sub": "alice", "exp": NOW + 60}
    token = hs_token(SECRET, payload)
    verify = ["verify", "--alg", "HS256", "--key", "hs.key", "--now", NOW]
    t = token.encode()
    for data, what in [(t, "no newline"), (t + b"\n", "one LF"), (t + b"\r\n", "one CRLF")]:
        expect_verified(jot(*verify, stdin=data), payload, f"token on stdin (argument absent) with {what}")
        expect_verified(jot(*verify, "-", stdin=data), payload, f"token on stdin ('-') with {what}")
    for data, what in [(t + b"\n\n", "two LFs"), (t + b"\r\n\r\n", "two CRLFs"), (t + b"\n\r\n", "LF then CRLF"),
                       (t + b"\r", "a lone CR"), (t + b" \n", "a space before the LF"), (b" " + t, "a leading space"),
                       (b"\n" + t, "a leading LF"), (t + b"\t", "a tab")]:
        # The code depends on the segment the byte lands in: a bad character, or a length no base64 can have.
        expect_rejected(jot(*verify, stdin=data), ("base64_invalid_character", "base64_invalid_length"),
                        f"stdin token with {what}: only one trailing LF or CRLF is removed")
    # A NUL byte reaches the verifier: a tool that stopped at it (C strings) would accept these.
    expect_rejected(jot(*verify, stdin=t + b"\x00garbage\n"), "base64_invalid_character",
                    "a NUL byte after the token is kept")
    expect_rejected(jot(*verify, stdin=t + b"\x00"), "base64_invalid_character", "a final NUL byte is kept")
    expect_rejected(jot(*verify, stdin=t[:11] + b"\x00" + t[12:]), "base64_invalid_character",
                    "a NUL byte inside the token is kept")
    expect_rejected(jot(*verify, stdin=b""), "token_not_compact", "empty stdin")
    expect_rejected(jot(*verify, stdin=b"\n"), "token_not_compact", "stdin holding only a newline")
    expect_rejected(jot(*verify, token + "\n"), "base64_invalid_character",
                    "a token given as an argument is taken as is (no newline stripping)")
    expect_rejected(jot(*verify, stdin=b"a" * 70000), "token_too_large", "a huge token on stdin")
    expect_rejected(jot(*verify, "x.y.z", stdin=t), "base64_invalid_length",
                    "an argument token is used even when stdin holds a valid one")

    r = jot("decode", "--json", stdin=t + b"\r\n")
    check(r.code == 0 and json.loads(r.out)["payload"] == payload, "decode reads stdin and removes a CRLF", r)
    expect_rejected(jot("decode", stdin=t + b"\n\n"), "base64_invalid_character", "decode keeps a second LF")
    expect_rejected(jot("decode", "-", stdin=t + b"\x00\n"), "base64_invalid_character", "decode keeps a NUL byte")


def test_policy():
    write("hs.key", SECRET)
    verify = ["verify", "--alg", "HS256", "--key", "hs.key", "--now", NOW]
    base = {"iss": "https://issuer.example", "sub": "alice", "iat": NOW - 10, "exp": NOW + 60}

    expect_verified(jot(*verify, hs_token(SECRET, base)), base, "a valid token")
    # exp: expired at now >= exp; leeway forgives up to 600 s.
    expired = dict(base, exp=NOW - 30)
    expect_rejected(jot(*verify, hs_token(SECRET, expired)), "token_expired", "an expired token")
    expect_rejected(jot(*verify, hs_token(SECRET, dict(base, exp=NOW))), "token_expired", "exp equal to now")
    expect_verified(jot(*verify, "--leeway", "31", hs_token(SECRET, expired)), expired, "--leeway 31 forgives 30 s")
    expect_rejected(jot(*verify, "--leeway", "30", hs_token(SECRET, expired)), "token_expired",
                    "--leeway 30 does not forgive exp = now - 30")
    far = dict(base, exp=NOW - 599)
    expect_verified(jot(*verify, "--leeway", "600", hs_token(SECRET, far)), far, "--leeway 600 is allowed")
    # --now moves the clock.
    expect_rejected(jot("verify", "--alg", "HS256", "--key", "hs.key", "--now", NOW + 61, hs_token(SECRET, base)),
                    "token_expired", "--now after exp")
    expect_verified(jot("verify", "--alg", "HS256", "--key", "hs.key", "--now", NOW - 100,
                        hs_token(SECRET, dict(base, iat=NOW - 200))), dict(base, iat=NOW - 200), "--now before exp")
    # Without --now the system clock is used: this token expired in 2023.
    expect_rejected(jot("verify", "--alg", "HS256", "--key", "hs.key", hs_token(SECRET, base)), "token_expired",
                    "without --now, the system clock")
    # nbf and iat may be 60 s ahead by default (the library's default_future_leeway); beyond that they are refused.
    early = dict(base, nbf=NOW + 30, iat=NOW + 30)
    expect_verified(jot(*verify, hs_token(SECRET, early)), early, "nbf and iat 30 s ahead pass by default")
    expect_rejected(jot(*verify, hs_token(SECRET, dict(base, nbf=NOW + 61))), "token_not_yet_valid", "nbf 61 s ahead")
    expect_rejected(jot(*verify, hs_token(SECRET, dict(base, iat=NOW + 61))), "issued_in_future", "iat 61 s ahead")
    expect_rejected(jot(*verify, "--leeway", "0", hs_token(SECRET, dict(base, iat=NOW + 30))), "issued_in_future",
                    "--leeway 0 is exactly 0 on both sides")
    no_exp = {k: v for k, v in base.items() if k != "exp"}
    expect_rejected(jot(*verify, hs_token(SECRET, no_exp)), "expiration_missing", "no exp (required by default)")
    expect_verified(jot(*verify, "--allow-missing-exp", hs_token(SECRET, no_exp)), no_exp, "--allow-missing-exp")
    expect_rejected(jot(*verify, hs_token(SECRET, dict(base, exp="soon"))), "claim_wrong_type", "exp not a number")

    # aud: a token that has one fails unless --aud names it or --ignore-aud is given.
    with_aud = dict(base, aud="orders-api")
    expect_rejected(jot(*verify, hs_token(SECRET, with_aud)), "audience_unexpected", "aud without --aud")
    expect_verified(jot(*verify, "--aud", "orders-api", hs_token(SECRET, with_aud)), with_aud, "--aud matching")
    expect_verified(jot(*verify, "--ignore-aud", hs_token(SECRET, with_aud)), with_aud, "--ignore-aud")
    expect_rejected(jot(*verify, "--aud", "billing", hs_token(SECRET, with_aud)), "audience_mismatch", "--aud other")
    expect_rejected(jot(*verify, "--aud", "ORDERS-API", hs_token(SECRET, with_aud)), "audience_mismatch",
                    "--aud compares exactly (case-sensitive)")
    multi = dict(base, aud=["billing", "orders-api"])
    expect_verified(jot(*verify, "--aud", "x", "--aud", "orders-api", hs_token(SECRET, multi)), multi,
                    "repeated --aud accepts any of them")
    expect_rejected(jot(*verify, "--aud", "orders-api", hs_token(SECRET, base)), "claim_missing", "--aud, no aud")

    expect_verified(jot(*verify, "--iss", base["iss"], hs_token(SECRET, base)), base, "--iss matching")
    expect_rejected(jot(*verify, "--iss", "https://evil.example", hs_token(SECRET, base)), "issuer_mismatch",
                    "--iss other")
    expect_verified(jot(*verify, "--sub", "alice", hs_token(SECRET, base)), base, "--sub matching")
    expect_rejected(jot(*verify, "--sub", "bob", hs_token(SECRET, base)), "subject_mismatch", "--sub other")

    at = hs_token(SECRET, base, header={"alg": "HS256", "typ": "at+jwt"})
    expect_rejected(jot(*verify, at), "type_mismatch", "typ at+jwt without --typ")
    expect_verified(jot(*verify, "--typ", "at+jwt", at), base, "--typ at+jwt")
    expect_verified(jot(*verify, "--ignore-typ", at), base, "--ignore-typ")
    expect_rejected(jot(*verify, "--typ", "at+jwt", hs_token(SECRET, base)), "type_mismatch", "--typ, typ JWT")

    good = hs_token(SECRET, base)
    forged = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]
    expect_rejected(jot(*verify, forged), "signature_invalid", "a changed signature")
    expect_rejected(jot(*verify, hs_token(b"another secret of at least 32 bytes!", base)), "signature_invalid",
                    "another key's token")
    expect_rejected(jot(*verify, hs_token(SECRET, base, alg="HS384")), "algorithm_not_allowed", "an HS384 token")
    none = b64u(b'{"alg":"none"}') + "." + b64u(compact_json(base)) + "."
    expect_rejected(jot(*verify, none), "unsecured_token", "alg none")
    expect_rejected(jot(*verify, "not-a-token"), "token_not_compact", "not a token")
    expect_rejected(jot(*verify, good + "="), "base64_padding", "a padded signature")
    crit = hs_token(SECRET, base, header={"alg": "HS256", "crit": ["exp"], "exp": 1})
    expect_rejected(jot(*verify, crit), "crit_unsupported", "an unknown crit extension")

    # Key ids: a JWK with a kid only checks tokens with that kid (or none).
    write("hs.jwk", json.dumps({"kty": "oct", "k": b64u(SECRET), "kid": "k1"}))
    kid_token = hs_token(SECRET, base, header={"alg": "HS256", "kid": "k2"})
    expect_rejected(jot("verify", "--alg", "HS256", "--key", "hs.jwk", "--now", NOW, kid_token), "key_not_found",
                    "a token whose kid the key does not have")

    # RFC vectors (asymmetric algorithms checked against data from outside jot).
    vectors = {"rfc7515-A.1": ("rfc7515_A1_hs256.json", "HS256"), "rfc7515-A.2": ("rfc7515_A2_rs256.json", "RS256"),
               "rfc7515-A.3": ("rfc7515_A3_es256.json", "ES256"), "rfc7515-A.4": ("rfc7515_A4_es512.json", "ES512")}
    # A.4's payload is the text "Payload", not JSON: the signature verifies, then the payload is refused.
    for vid, (name, alg) in vectors.items():
        with open(os.path.join(DATA, "rfc", name)) as f:
            v = json.load(f)
        jwk = v.get("derived", {}).get("jwk_public", v["jwk"])
        write("vector.jwk", json.dumps(jwk))
        r = jot("verify", "--alg", alg, "--key", "vector.jwk", "--now", 1300819000, v["compact"])
        if v["payload"].startswith("{"):
            expect_verified(r, json.loads(v["payload"]), f"vector {vid} verifies")
            r = jot("verify", "--alg", alg, "--key", "vector.jwk", "--now", 1300819380, v["compact"])
            expect_rejected(r, "token_expired", f"vector {vid} at its exp")
        else:
            expect_rejected(r, "json_invalid", f"vector {vid}: signature verifies, the payload is not JSON")
        forged = v["compact"][:-6] + ("AAAAAA" if not v["compact"].endswith("AAAAAA") else "BBBBBB")
        r = jot("verify", "--alg", alg, "--key", "vector.jwk", "--now", 1300819000, forged)
        expect_rejected(r, ("signature_invalid", "base64_non_canonical"), f"vector {vid} with a changed signature")
    with open(os.path.join(DATA, "rfc", "rfc7515_A5_none.json")) as f:
        v = json.load(f)
    write("hs.key", SECRET)
    expect_rejected(jot("verify", "--alg", "HS256", "--key", "hs.key", v["compact"]), "unsecured_token",
                    "vector rfc7515-A.5 (alg none)")


def test_keys():
    # HS*: raw bytes exactly (NUL bytes and a final newline included), or an oct JWK.
    write("raw.key", SECRET)
    write("raw-no-newline.key", SECRET[:-1])
    write("oct.jwk", json.dumps({"kty": "oct", "k": b64u(SECRET)}))
    payload = {"sub": "alice", "exp": NOW + 60}
    token = hs_token(SECRET, payload)
    hs = ["verify", "--alg", "HS256", "--now", NOW]
    expect_verified(jot(*hs, "--key", "raw.key", token), payload, "a raw secret with NUL bytes and a final newline")
    expect_verified(jot(*hs, "--key", "raw.key", "--key-format", "raw", token), payload, "--key-format raw")
    expect_rejected(jot(*hs, "--key", "raw-no-newline.key", token), "signature_invalid",
                    "the secret's final newline is part of it (never stripped)")
    expect_verified(jot(*hs, "--key", "oct.jwk", token), payload, "an oct JWK is recognised")
    expect_verified(jot(*hs, "--key", "oct.jwk", "--key-format", "jwk", token), payload, "--key-format jwk")
    signed = sign_token("--alg", "HS256", "--key", "raw.key", "--now", NOW)
    check(hs_signature_ok(signed, SECRET, "HS256"), "sign with a raw secret uses its bytes exactly (checked with "
                                                    "Python's hmac)")
    # A JSON object with "kty" is a JWK unless --key-format raw says its bytes are the secret.
    jwk_text = read("oct.jwk")
    as_raw = hs_token(jwk_text, payload)
    expect_verified(jot(*hs, "--key", "oct.jwk", "--key-format", "raw", as_raw), payload,
                    "--key-format raw takes a JWK file's bytes as the secret")
    expect_rejected(jot(*hs, "--key", "oct.jwk", as_raw), "signature_invalid", "without it the file is a JWK")
    # A JSON object without "kty" is not a JWK: its bytes are the secret.
    no_kty = b'{"secret": "0123456789abcdef0123456789abcdef"}'
    write("no-kty.json", no_kty)
    expect_verified(jot(*hs, "--key", "no-kty.json", hs_token(no_kty, payload)), payload,
                    "a JSON object without kty is raw bytes")
    expect_refused(jot(*hs, "--key", "no-kty.json", "--key-format", "jwk", token), "key_invalid",
                   "--key-format jwk on a JSON object without kty")
    expect_refused(jot(*hs, "--key", "raw.key", "--key-format", "jwk", token), "key_invalid",
                   "--key-format jwk on bytes that are not JSON")
    # A JSON text followed by a NUL byte is not JSON (nlohmann would stop at the NUL): raw bytes.
    nul_json = json.dumps({"kty": "oct", "k": b64u(SECRET)}).encode() + b"\x00tail"
    write("nul.json", nul_json)
    expect_verified(jot(*hs, "--key", "nul.json", hs_token(nul_json, payload)), payload,
                    "JSON followed by a NUL byte is raw bytes, not a JWK")

    # HS* never takes a PEM file unless --key-format raw: a public key must not become an HMAC secret.
    pem_like = b"-----BEGIN SECRET-----\n" + secrets.token_bytes(40) + b"\n"
    write("pem-like.key", pem_like)
    expect_refused(jot(*hs, "--key", "pem-like.key", token), "key_algorithm_mismatch", "HS256 with a PEM-looking file")
    expect_verified(jot(*hs, "--key", "pem-like.key", "--key-format", "raw", hs_token(pem_like, payload)), payload,
                    "HS256 with a PEM-looking file and --key-format raw")
    es = key("ES256")
    with open(es + ".public.pem", "rb") as f:
        public_pem = f.read()
    confused = hs_token(public_pem, payload)  # the classic forgery: HMAC keyed with the public key
    expect_refused(jot(*hs, "--key", es + ".public.pem", confused), "key_algorithm_mismatch",
                   "HS256 with a public key PEM (algorithm confusion)")
    expect_refused(jot("sign", "--alg", "HS256", "--key", es + ".public.pem"), "key_algorithm_mismatch",
                   "sign HS256 with a PEM")
    expect_refused(jot(*hs, "--key", "raw.key", "--key-format", "pem", token), "key_algorithm_mismatch",
                   "HS256 with --key-format pem")
    expect_refused(jot(*hs, "--key", es + ".public.jwk.json", token), "key_algorithm_mismatch",
                   "HS256 with an EC JWK")
    write("short.key", b"x" * 31)
    expect_refused(jot(*hs, "--key", "short.key", token), "key_too_short", "a 31-byte HS256 secret")
    write("32.key", b"y" * 32)
    expect_refused(jot("verify", "--alg", "HS512", "--key", "32.key", token), "key_too_short", "32 bytes for HS512")
    expect_refused(jot(*hs, "--key", "missing.key", token), "file_unreadable", "a missing key file")
    expect_refused(jot(*hs, "--key", WORK, token), "file_unreadable", "a directory as key file")

    # Asymmetric keys: PEM (public, private, certificate, traditional), JWK (public, private).
    for alg in ["ES256", "RS256", "EdDSA"]:
        prefix = key(alg)
        signed = sign_token("--alg", alg, "--key", prefix + ".private.pem", "--sub", "alice", "--now", NOW,
                            "--exp", "+1m")
        expected = {"sub": "alice", "iat": NOW, "exp": NOW + 60}
        for f in [".public.pem", ".private.pem", ".public.jwk.json"]:
            expect_verified(jot("verify", "--alg", alg, "--key", prefix + f, "--now", NOW, signed), expected,
                            f"{alg} verify with the {f[1:]} key")
        expect_refused(jot("sign", "--alg", alg, "--key", prefix + ".public.pem"), "key_not_private",
                       f"{alg} sign with a public PEM")
        expect_refused(jot("sign", "--alg", alg, "--key", prefix + ".public.jwk.json"), "key_not_private",
                       f"{alg} sign with a public JWK")
        expect_refused(jot("verify", "--alg", alg, "--key", "raw.key", signed), "key_invalid",
                       f"{alg} with a file that is neither PEM nor JWK")
        expect_refused(jot("verify", "--alg", alg, "--key", prefix + ".public.pem", "--key-format", "raw", signed),
                       "usage", f"{alg} with --key-format raw")
        expect_refused(jot("verify", "--alg", alg, "--key", prefix + ".public.pem", "--key-format", "jwk", signed),
                       "key_invalid", f"{alg} PEM read as --key-format jwk")
        expect_verified(jot("verify", "--alg", alg, "--key", prefix + ".public.pem", "--key-format", "pem", "--now",
                            NOW, signed), expected, f"{alg} with --key-format pem")
    # A private JWK signs; its public half verifies.
    with open(os.path.join(DATA, "rfc7517", "a2_private_keys.json")) as f:
        private_set = json.load(f)
    rsa_private = next(k for k in private_set["keys"] if k["kty"] == "RSA")
    write("rsa-private.jwk", json.dumps(rsa_private))
    own_kid = sign_token("--alg", "RS256", "--key", "rsa-private.jwk", "--now", NOW, "--exp", "+1m")
    check(token_parts(own_kid)[0].get("kid") == rsa_private["kid"], "a JWK's kid goes into the header")
    signed = sign_token("--alg", "RS256", "--key", "rsa-private.jwk", "--kid", "override", "--now", NOW, "--exp", "+1m")
    check(token_parts(signed)[0].get("kid") == "override", "--kid replaces a JWK's kid")
    write("rsa-public.jwk", json.dumps({k: rsa_private[k] for k in ("kty", "n", "e")}))
    expect_verified(jot("verify", "--alg", "RS256", "--key", "rsa-public.jwk", "--now", NOW, signed),
                    {"iat": NOW, "exp": NOW + 60}, "RS256 private JWK → public JWK")
    expect_verified(jot("verify", "--alg", "RS256", "--key", "rsa-private.jwk", "--now", NOW, own_kid),
                    {"iat": NOW, "exp": NOW + 60}, "RS256 verify with the private JWK")
    expect_rejected(jot("verify", "--alg", "RS256", "--key", "rsa-private.jwk", "--now", NOW, signed),
                    "key_not_found", "a JWK with a kid does not check a token with another kid")
    # Keys of the wrong type or size are refused before the token is read.
    expect_refused(jot("verify", "--alg", "ES256", "--key", key("ES384") + ".public.pem", "x.y.z"),
                   "key_algorithm_mismatch", "ES256 with a P-384 key")
    expect_refused(jot("verify", "--alg", "RS256", "--key", key("ES256") + ".public.pem", "x.y.z"),
                   "key_algorithm_mismatch", "RS256 with an EC key")

    openssl = shutil.which("openssl")
    if not openssl:
        print("note: no openssl command; certificate, traditional PEM and weak RSA checks skipped")
    else:
        def ossl(*args):
            p = subprocess.run([openssl, *args], cwd=WORK, capture_output=True)
            check(p.returncode == 0, "openssl " + " ".join(args) + ": " + p.stderr.decode(errors="replace"))

        es = key("ES256")
        ossl("req", "-x509", "-new", "-key", es + ".private.pem", "-subj", "/CN=jot-cli-test", "-days", "1",
             "-out", "es.cert.pem")
        signed = sign_token("--alg", "ES256", "--key", es + ".private.pem", "--now", NOW, "--exp", "+1m")
        expect_verified(jot("verify", "--alg", "ES256", "--key", "es.cert.pem", "--now", NOW, signed),
                        {"iat": NOW, "exp": NOW + 60}, "ES256 verify with a certificate PEM")
        ossl("pkey", "-in", es + ".private.pem", "-traditional", "-out", "es.traditional.pem")
        check(read("es.traditional.pem").startswith(b"-----BEGIN EC PRIVATE KEY-----"), "a traditional EC PEM")
        signed = sign_token("--alg", "ES256", "--key", "es.traditional.pem", "--now", NOW, "--exp", "+1m")
        expect_verified(jot("verify", "--alg", "ES256", "--key", es + ".public.pem", "--now", NOW, signed),
                        {"iat": NOW, "exp": NOW + 60}, "sign with a traditional EC PEM")
        ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa1024.pem")
        exits_before_reading_stdin(["verify", "--alg", "RS256", "--key", "rsa1024.pem"], "key_too_weak",
                                   "an RSA-1024 key")
        expect_refused(jot("sign", "--alg", "RS256", "--key", "rsa1024.pem"), "key_too_weak", "sign with RSA-1024")

    # An Ed25519 public key of small order is refused when the key is read (RFC 8725 §3.4): under the neutral
    # point (y = 1), R = that point and S = 0 make a signature raw OpenSSL accepts for every message.
    neutral = b"\x01" + bytes(31)
    write("neutral.jwk", json.dumps({"kty": "OKP", "crv": "Ed25519", "x": b64u(neutral)}))
    spki = bytes.fromhex("302a300506032b6570032100") + neutral  # RFC 8410 §4 SubjectPublicKeyInfo
    write("neutral.pem", "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(spki).decode() + "\n-----END PUBLIC KEY-----\n")
    forged = b64u(compact_json({"alg": "EdDSA"})) + "." + b64u(compact_json({"sub": "mallory", "exp": NOW + 60}))
    forged += "." + b64u(neutral + bytes(32))
    for f in ["neutral.jwk", "neutral.pem"]:
        for alg in ["EdDSA", "Ed25519"]:
            r = jot("verify", "--alg", alg, "--key", f, "--now", NOW, forged)
            if expect_refused(r, "key_small_order", f"{alg} verify with a small-order key ({f})"):
                check(b"small order" in r.err and f.encode() in r.err,
                      f"{alg} {f}: the message names the problem and the file", r)
    expect_refused(jot("thumbprint", "neutral.pem"), "key_small_order", "thumbprint of a small-order PEM")
    # A JWK's thumbprint hashes its members (RFC 7638 §3) without making a key, so it is still printed.
    r = jot("thumbprint", "neutral.jwk")
    check(r.code == 0 and r.out.decode() == thumbprint(json.loads(read("neutral.jwk"))) + "\n",
          "thumbprint of a small-order JWK hashes its members without making a key", r)
    write("neutral-set.json", json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64u(neutral)}]}))
    expect_refused(jot("verify", "--alg", "EdDSA", "--jwks", "neutral-set.json", "--now", NOW, forged),
                   "key_small_order", "a JWK Set whose only key is of small order")
    # y = p + 1: the neutral point again, encoded without reducing y (RFC 8032 §5.1.3).
    unreduced = bytes.fromhex("ee" + "ff" * 30 + "7f")
    write("unreduced.jwk", json.dumps({"kty": "OKP", "crv": "Ed25519", "x": b64u(unreduced)}))
    expect_refused(jot("verify", "--alg", "EdDSA", "--key", "unreduced.jwk", "--now", NOW, forged),
                   "key_not_canonical", "a non-canonically encoded Ed25519 key")
    exits_before_reading_stdin(["verify", "--alg", "EdDSA", "--key", "neutral.jwk"], "key_small_order",
                               "a small-order Ed25519 key")

    # Key problems are found before the token is read (stdin stays open and unread).
    exits_before_reading_stdin(["verify", "--alg", "HS256", "--key", "missing.key"], "file_unreadable",
                               "a missing key file")
    exits_before_reading_stdin(["verify", "--alg", "HS256", "--key", "short.key"], "key_too_short",
                               "a short secret")
    exits_before_reading_stdin(["verify", "--alg", "HS256", "--key", es + ".public.pem"], "key_algorithm_mismatch",
                               "HS256 with a PEM")
    exits_before_reading_stdin(["verify", "--alg", "ES256", "--key", key("ES384") + ".public.pem"],
                               "key_algorithm_mismatch", "ES256 with a P-384 key")
    exits_before_reading_stdin(["verify", "--alg", "HS256", "--key", "raw.key", "--leeway", "601"],
                               "leeway_too_large", "--leeway 601")
    exits_before_reading_stdin(["verify", "--alg", "PS999", "--key", "raw.key"], "unsupported_algorithm",
                               "an unknown --alg")
    exits_before_reading_stdin(["verify", "--alg", "ES256", "--jwks", "oct.jwk"], "key_set_invalid",
                               "a --jwks file that is not a JWK Set")
    # ... and win over a token that would be rejected.
    expect_refused(jot(*hs, "--key", "short.key", "garbage"), "key_too_short", "a bad key and a bad token")


def test_sign():
    write("hs.key", SECRET)
    base = ["--alg", "HS256", "--key", "hs.key", "--now", NOW]

    t = sign_token(*base)
    header, payload, _ = token_parts(t)
    check(header == {"alg": "HS256", "typ": "JWT"}, f"default header is alg and typ JWT: {header}")
    check(payload == {"iat": NOW}, f"iat is set to --now by default, nothing else: {payload}")
    check(hs_signature_ok(t, SECRET, "HS256"), "the HS256 signature checks out with Python's hmac")
    payload = token_parts(sign_token(*base, "--no-iat"))[1]
    check(payload == {}, f"--no-iat leaves iat out: {payload}")

    for spec, expected in [("+30s", NOW + 30), ("+15m", NOW + 900), ("+2h", NOW + 7200), ("+1d", NOW + 86400),
                           ("30s", NOW + 30), ("15m", NOW + 900), ("2h", NOW + 7200), ("7d", NOW + 7 * 86400),
                           ("1800000000", 1800000000), ("2027-01-15T08:00:00Z", 1800000000),
                           ("2027-01-15T10:00:00+02:00", 1800000000), ("2027-01-15t08:00:00.75z", 1800000000),
                           ("2027-01-15 03:30:00-04:30", 1800000000)]:
        p = token_parts(sign_token(*base, "--exp", spec, "--nbf", spec))[1]
        check(p.get("exp") == expected and p.get("nbf") == expected, f"--exp/--nbf {spec} → {expected}: {p}")
    for bad in ["+15", "+m", "+15x", "+-5m", "-5", "1.5", "+1.5h", "now", "+ 5m", "0x10", "15 m", "2027-01-15",
                "2027-13-01T00:00:00Z", "2027-01-15T08:00:00", "2027-01-15T08:00:00+2:00", "2027-01-15T24:00:00Z"]:
        expect_refused(jot("sign", *base, f"--exp={bad}"), "usage", f"--exp {bad}")
        expect_refused(jot("sign", *base, f"--nbf={bad}"), "usage", f"--nbf {bad}")
    expect_refused(jot("sign", *base, "--exp=+99999999999999999999d"), "usage", "--exp too large to be a number")
    for bad in ["253402300800", "+2914000000d", "+253402300799s"]:
        expect_refused(jot("sign", *base, f"--exp={bad}"), "numeric_date_out_of_range", f"--exp {bad}")
    p = token_parts(sign_token(*base, "--exp", "253402300799"))[1]
    check(p.get("exp") == 253402300799, "--exp 253402300799 (9999-12-31T23:59:59Z) is the last NumericDate")
    # Without --now, iat is the system clock.
    before = int(time.time())
    p = token_parts(sign_token("--alg", "HS256", "--key", "hs.key", "--exp", "+1m"))[1]
    after = int(time.time())
    check(before <= p["iat"] <= after and p["exp"] == p["iat"] + 60, f"without --now, iat is the system time: {p}")

    p = token_parts(sign_token(*base, "--iss", "https://issuer.example", "--sub", "alice", "--aud", "orders-api",
                               "--jti", "id-1"))[1]
    check(p == {"iss": "https://issuer.example", "sub": "alice", "aud": "orders-api", "jti": "id-1", "iat": NOW},
          f"--iss --sub --aud --jti: {p}")
    p = token_parts(sign_token(*base, "--aud", "b", "--aud", "a"))[1]
    check(p.get("aud") == ["b", "a"], f"several --aud give an array in order: {p}")

    jtis = [token_parts(sign_token(*base, "--jti-random"))[1].get("jti") for _ in range(2)]
    check(all(isinstance(j, str) and re.fullmatch(r"[A-Za-z0-9_-]{22}", j) for j in jtis),
          f"--jti-random is 16 bytes base64url (22 characters): {jtis}")
    check(len(set(jtis)) == 2 and all(len(unb64u(j)) == 16 for j in jtis), f"--jti-random differs each time: {jtis}")

    h = token_parts(sign_token(*base, "--kid", "key-1", "--typ", "at+jwt"))[0]
    check(h == {"alg": "HS256", "typ": "at+jwt", "kid": "key-1"}, f"--kid and --typ go into the header: {h}")

    claims = [("n=42", 42), ("f=1.5", 1.5), ("b=true", True), ("z=null", None), ("s=hello", "hello"),
              ('q="42"', "42"), ('o={"a":[1,2]}', {"a": [1, 2]}), ("arr=[1,\"x\"]", [1, "x"]), ("e=", ""),
              ("eq=a=b", "a=b"), ("u=gr\u00fc\u00dfe", "gr\u00fc\u00dfe"), ("broken={", "{"), ("nan=NaN", "NaN"),
              ("t=True", "True"), ("sp= 7 ", 7)]
    args = []
    for c, _ in claims:
        args += ["--claim", c]
    p = token_parts(sign_token(*base, "--no-iat", *args))[1]
    for c, value in claims:
        name = c.split("=", 1)[0]
        check(name in p and p[name] == value and type(p[name]) is type(value),
              f"--claim {c!r} gives {value!r} (JSON when it parses, else the string): got {p.get(name)!r}")
    for bad in ["novalue", "=x", ""]:
        expect_refused(jot("sign", *base, "--claim", bad), "usage", f"--claim {bad!r}")
    expect_refused(jot("sign", *base, "--claim", 'exp="soon"'), "claim_not_serializable", "--claim exp as a string")
    expect_refused(jot("sign", *base, "--claim", "aud=[1]"), "claim_not_serializable", "--claim aud=[1]")

    write("claims.json", json.dumps({"iss": "from-file", "role": "admin", "n": 1, "exp": NOW + 5}))
    p = token_parts(sign_token(*base, "--claims", "@claims.json"))[1]
    check(p == {"iss": "from-file", "role": "admin", "n": 1, "exp": NOW + 5, "iat": NOW}, f"--claims @file: {p}")
    p = token_parts(sign_token(*base, "--claims", "@claims.json", "--claim", "n=2", "--iss", "flag",
                               "--exp", "+1s"))[1]
    check(p == {"iss": "flag", "role": "admin", "n": 2, "exp": NOW + 1, "iat": NOW},
          f"--claim overrides --claims, named options override both: {p}")
    p = token_parts(sign_token(*base, "--claims", "-", "--no-exp", stdin=b'{"from": "stdin", "iat": 5}'))[1]
    check(p == {"from": "stdin", "iat": NOW}, f"--claims - reads stdin; iat is still set to now: {p}")
    p = token_parts(sign_token(*base, "--no-iat", "--claim", "iat=5"))[1]
    check(p == {"iat": 5}, f"--no-iat --claim iat=5 sets iat by hand: {p}")
    write("array.json", "[1, 2]")
    write("bad.json", "{\"a\": ")
    expect_refused(jot("sign", *base, "--claims", "@array.json"), "json_not_object", "--claims with an array")
    expect_refused(jot("sign", *base, "--claims", "@bad.json"), "json_invalid", "--claims with bad JSON")
    expect_refused(jot("sign", *base, "--claims", "@missing.json"), "file_unreadable", "--claims with no file")
    expect_refused(jot("sign", *base, "--claims", "claims.json"), "usage", "--claims without @")
    expect_refused(jot("sign", *base, "--claims", "-", stdin=b'{"a":1}\x00'), "json_invalid",
                   "--claims with a NUL byte")

    # What sign makes, verify accepts (and decode shows).
    t = sign_token(*base, "--iss", "me", "--aud", "api", "--exp", "+5m", "--claim", "scope=read write")
    expect_verified(jot("verify", "--alg", "HS256", "--key", "hs.key", "--aud", "api", "--iss", "me", "--now", NOW,
                        t), {"iss": "me", "aud": "api", "exp": NOW + 300, "iat": NOW, "scope": "read write"},
                    "sign → verify with claims")


def test_decode():
    write("hs.key", SECRET)
    header = {"alg": "HS256", "typ": "JWT", "kid": "k1"}
    payload = {"sub": "alice", "iat": NOW - 90, "nbf": NOW + 30, "exp": NOW + 900, "name": "Zo\u00eb"}
    token = hs_token(SECRET, payload, header=header)

    r = jot("decode", "--json", token)
    expect_ok(r, "decode --json")
    text = r.out.decode()
    check(text.endswith("\n") and text.count("\n") == 1, "decode --json prints one line", r)
    doc = json.loads(text)
    check(doc == {"header": header, "payload": payload, "verified": False},
          "decode --json is {header, payload, verified: false} exactly", r)

    r = jot("decode", "--now", NOW, token)
    expect_ok(r, "decode")
    text = r.out.decode()
    lines = text.split("\n")
    check("UNVERIFIED" in lines[0], "decode's first line says the token is UNVERIFIED", r)
    m = re.search(r"\nHeader:\n(.*?)\nPayload:\n(.*?)\nSignature:", text, re.S)
    check(m is not None and json.loads(m.group(1)) == header and json.loads(m.group(2)) == payload,
          "decode prints the header and payload as JSON", r)
    check(m is not None and "\n  " in m.group(2), "the payload is pretty-printed (indented)", r)
    check("Signature: 32 bytes" in text, "decode tells the signature's size", r)
    check(re.search(r"^  exp  2023-11-14T22:28:20Z  expires in 15m$", text, re.M) is not None,
          "exp as a UTC date with 'expires in'", r)
    check(re.search(r"^  nbf  2023-11-14T22:13:50Z  not valid for another 30s$", text, re.M) is not None,
          "nbf as a UTC date", r)
    check(re.search(r"^  iat  2023-11-14T22:11:50Z  issued 1m 30s ago$", text, re.M) is not None,
          "iat as a UTC date", r)
    r = jot("decode", "--now", NOW + 900 + 3 * 86400 + 7200 + 5, token)
    check(re.search(r"^  exp  2023-11-14T22:28:20Z  expired 3d 2h ago$", r.out.decode(), re.M) is not None,
          "an expired token says 'expired ... ago' (relative to --now)", r)
    check(re.search(r"^  nbf  \S+  valid since 3d 2h ago$", r.out.decode(), re.M) is not None,
          "a past nbf says 'valid since'", r)
    r = jot("decode", "--now", NOW + 900, token)
    check(re.search(r"expired 0s ago$", r.out.decode(), re.M) is not None, "exp equal to now is expired", r)

    # A fractional NumericDate is compared as the verifier compares it, not rounded first.
    half = hs_token(SECRET, {"exp": NOW + 0.5})
    r = jot("decode", "--now", NOW, half)
    check(re.search(r"^  exp  2023-11-14T22:13:20Z  expires in 0s$", r.out.decode(), re.M) is not None,
          "exp half a second ahead is not expired yet", r)
    write("hs.key", SECRET)
    expect_verified(jot("verify", "--alg", "HS256", "--key", "hs.key", "--now", NOW, half), {"exp": NOW + 0.5},
                    "verify agrees that exp half a second ahead is not expired")
    r = jot("decode", "--now", NOW, hs_token(SECRET, {"exp": "tomorrow", "sub": "x"}))
    check(r.code == 0 and re.search(r"^  exp  not a NumericDate \(claim_wrong_type\)$", r.out.decode(), re.M),
          "a malformed exp is shown as such", r)
    r = jot("decode", hs_token(SECRET, {"sub": "x"}))
    check(r.code == 0 and "Dates" not in r.out.decode(), "no dates section without dates", r)

    # decode does not verify: any signature, any algorithm.
    forged = token[:-4] + "AAAA"
    r = jot("decode", "--json", forged)
    check(r.code == 0 and json.loads(r.out)["verified"] is False, "decode shows a token with a bad signature", r)
    # A token cannot send control sequences to the terminal: C0 controls come out as JSON escapes (nlohmann), and
    # so do C1 controls (U+009B is an 8-bit CSI some terminals obey).
    hostile = hs_token(SECRET, {"sub": "\x1b]0;owned\x07\x1b[2J", "n\u009b31m": "\u009b2J", "ok": "Zo\u00eb"},
                       header={"alg": "HS256", "x\u0085": "\u0090"})
    r = jot("decode", "--now", NOW, hostile)
    check(r.code == 0 and b"\x1b" not in r.out and b"\x07" not in r.out, "decode escapes C0 control characters", r)
    check(re.search(rb"\xc2[\x80-\x9f]", r.out) is None and b"\\u009b2J" in r.out and b"\\u0085" in r.out,
          "decode escapes C1 control characters (U+0080..U+009F)", r)
    check("Zo\u00eb".encode() in r.out, "decode keeps other non-ASCII text as it is", r)
    m = re.search(r"\nPayload:\n(.*?)\nSignature:", r.out.decode(), re.S)
    check(m is not None and json.loads(m.group(1))["n\u009b31m"] == "\u009b2J", "escaped JSON means the same", r)
    expect_rejected(jot("decode", "abc"), "token_not_compact", "decode of a non-token")
    expect_rejected(jot("decode", "--json", "e30.e30.A*"), "base64_invalid_character", "decode --json of bad base64")
    expect_rejected(jot("decode", b64u(b"[1]") + ".e30.AA"), "json_not_object", "decode of a header that is an array")
    expect_rejected(jot("decode", b64u(b'{"a":1,"a":2}') + ".e30.AA"), "json_duplicate_member",
                    "decode of a duplicate member")


def run_on_terminal(args, env):
    """Runs jot with stdout on a pseudo-terminal; returns what it wrote there."""
    master, slave = pty.openpty()
    p = subprocess.Popen([JOT] + [str(a) for a in args], stdin=subprocess.DEVNULL, stdout=slave,
                         stderr=subprocess.PIPE, env=env, cwd=WORK)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 20)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=20)
    p.stderr.close()
    os.close(master)
    return p.returncode, out


def test_colour():
    token = hs_token(SECRET, {"sub": "alice", "exp": NOW - 5})
    base_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    base_env["TERM"] = "xterm-256color"
    code, out = run_on_terminal(["decode", "--now", NOW, token], base_env)
    check(code == 0 and b"\x1b[" in out and b"UNVERIFIED" in out, f"decode on a terminal uses colour: {out[:200]!r}")
    code, out = run_on_terminal(["decode", "--now", NOW, token], dict(base_env, NO_COLOR="1"))
    check(code == 0 and b"\x1b" not in out and b"UNVERIFIED" in out, f"NO_COLOR=1 turns colour off: {out[:200]!r}")
    code, out = run_on_terminal(["decode", "--now", NOW, token], dict(base_env, NO_COLOR="yes please"))
    check(code == 0 and b"\x1b" not in out, "any non-empty NO_COLOR turns colour off")
    code, out = run_on_terminal(["decode", "--now", NOW, token], dict(base_env, TERM="dumb"))
    check(code == 0 and b"\x1b" not in out, "TERM=dumb gets no colour")
    code, out = run_on_terminal(["decode", "--now", NOW, token], dict(base_env, NO_COLOR=""))
    check(code == 0 and b"\x1b[" in out, "an empty NO_COLOR does not count (no-color.org)")
    # Not a terminal: never colour, whatever else is set.
    r = jot("decode", "--now", NOW, token, env_add={"TERM": "xterm-256color", "CLICOLOR_FORCE": "1"})
    check(r.code == 0 and b"\x1b" not in r.out and b"UNVERIFIED" in r.out, "decode into a pipe has no colour", r)
    write("hs.key", SECRET)
    code, out = run_on_terminal(["verify", "--alg", "HS256", "--key", "hs.key", "--now", NOW - 10, token], base_env)
    check(code == 0 and b"\x1b" not in out, "verify's JSON output is never coloured, even on a terminal")


def test_keygen():
    for alg in ["HS256", "HS384", "HS512"]:
        prefix = os.path.join(WORK, "gen-" + alg)
        r = jot("keygen", "--alg", alg, "--out", prefix, umask=0)
        expect_ok(r, f"keygen --alg {alg}")
        check(r.out.decode() == f"{prefix}.secret.bin\n{prefix}.secret.jwk.json\n", "keygen lists the files it wrote",
              r)
        secret = read(prefix + ".secret.bin")
        size = int(alg[2:]) // 8
        check(len(secret) == size, f"{alg}: the secret has {size} random bytes (the hash output)")
        for f in [".secret.bin", ".secret.jwk.json"]:
            mode = stat.S_IMODE(os.stat(prefix + f).st_mode)
            check(mode == 0o600, f"{alg}: {f[1:]} has mode 0600 even with umask 0 (got {oct(mode)})")
        with open(prefix + ".secret.jwk.json") as fh:
            jwk = json.load(fh)
        check(jwk.get("kty") == "oct" and unb64u(jwk.get("k", "")) == secret and jwk.get("alg") == alg,
              f"{alg}: the JWK is an oct key with the same secret and alg: {jwk}")
        check(jwk.get("kid") == thumbprint(jwk), f"{alg}: the JWK's kid is its RFC 7638 thumbprint")
        t = sign_token("--alg", alg, "--key", prefix + ".secret.bin", "--now", NOW, "--exp", "+1m")
        check(hs_signature_ok(t, secret, alg), f"{alg}: a token signed with the secret file checks out in Python")
        expect_verified(jot("verify", "--alg", alg, "--key", prefix + ".secret.jwk.json", "--now", NOW, t),
                        {"iat": NOW, "exp": NOW + 60}, f"{alg}: sign with .secret.bin, verify with .secret.jwk.json")
    two = [read(os.path.join(WORK, "gen-HS256.secret.bin")), read(os.path.join(WORK, "gen-HS384.secret.bin"))[:32]]
    check(two[0] != two[1], "two secrets differ")

    for alg in ["RS256", "PS384", "ES256", "ES384", "ES512", "ES256K", "EdDSA", "Ed25519", "Ed448"]:
        prefix = os.path.join(WORK, "gen-" + alg)
        r = jot("keygen", "--alg", alg, "--out", prefix, umask=0)
        expect_ok(r, f"keygen --alg {alg}")
        check(r.out.decode() == f"{prefix}.private.pem\n{prefix}.public.pem\n{prefix}.public.jwk.json\n",
              f"{alg}: keygen lists the files it wrote", r)
        modes = {f: stat.S_IMODE(os.stat(prefix + f).st_mode) for f in
                 [".private.pem", ".public.pem", ".public.jwk.json"]}
        check(modes == {".private.pem": 0o600, ".public.pem": 0o644, ".public.jwk.json": 0o644},
              f"{alg}: the private key is 0600, the public files 0644 (umask 0): {modes}")
        check(read(prefix + ".private.pem").startswith(b"-----BEGIN PRIVATE KEY-----\n"),
              f"{alg}: the private key is PKCS#8 PEM")
        check(read(prefix + ".public.pem").startswith(b"-----BEGIN PUBLIC KEY-----\n"),
              f"{alg}: the public key is SPKI PEM")
        with open(prefix + ".public.jwk.json") as fh:
            jwk = json.load(fh)
        kty = "RSA" if alg[:2] in ("RS", "PS") else "EC" if alg.startswith("ES") else "OKP"
        check(jwk.get("kty") == kty and jwk.get("alg") == alg and not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk),
              f"{alg}: the JWK is public, kty {kty}, alg {alg}: {jwk}")
        check(jwk.get("kid") == thumbprint(jwk), f"{alg}: the JWK's kid is its RFC 7638 thumbprint (Python)")
        r = jot("thumbprint", prefix + ".public.pem")
        check(r.code == 0 and r.out.decode() == jwk.get("kid") + "\n", f"{alg}: thumbprint of the PEM = the kid", r)
        t = sign_token("--alg", alg, "--key", prefix + ".private.pem", "--now", NOW, "--exp", "+1m")
        expect_verified(jot("verify", "--alg", alg, "--key", prefix + ".public.jwk.json", "--now", NOW, t),
                        {"iat": NOW, "exp": NOW + 60}, f"{alg}: private PEM signs, public JWK verifies")
    with open(os.path.join(WORK, "gen-Ed448.public.jwk.json")) as fh:
        check(json.load(fh).get("crv") == "Ed448", "Ed448 keygen makes an Ed448 key")
    with open(os.path.join(WORK, "gen-EdDSA.public.jwk.json")) as fh:
        check(json.load(fh).get("crv") == "Ed25519", "EdDSA keygen makes an Ed25519 key")

    # Existing files are never replaced silently.
    prefix = os.path.join(WORK, "gen-ES256")
    before = {f: read(prefix + f) for f in [".private.pem", ".public.pem", ".public.jwk.json"]}
    expect_refused(jot("keygen", "--alg", "ES256", "--out", prefix), "file_exists", "keygen over existing files")
    check(all(read(prefix + f) == b for f, b in before.items()), "a refused keygen changes no file")
    os.remove(prefix + ".public.pem")
    expect_refused(jot("keygen", "--alg", "ES256", "--out", prefix), "file_exists", "keygen with one file left")
    check(not os.path.exists(prefix + ".public.pem"), "a refused keygen writes no file at all")
    os.chmod(prefix + ".private.pem", 0o644)
    r = jot("keygen", "--alg", "ES256", "--out", prefix, "--force")
    expect_ok(r, "keygen --force")
    check(read(prefix + ".private.pem") != before[".private.pem"], "--force replaces the key")
    check(stat.S_IMODE(os.stat(prefix + ".private.pem").st_mode) == 0o600, "--force makes a 0644 key file 0600")
    expect_refused(jot("keygen", "--alg", "ES256", "--out", os.path.join(WORK, "no-such-dir", "k")), "file_unwritable",
                   "keygen into a missing folder")
    expect_refused(jot("keygen", "--alg", "none", "--out", "x"), "unsecured_token", "keygen --alg none")
    expect_refused(jot("keygen", "--alg", "ES256", "--out", ""), "usage", "keygen --out ''")


def test_jwks():
    # RFC 7638 §3.1: the thumbprint of the RFC 7517 Appendix A.1 RSA key.
    with open(os.path.join(DATA, "rfc7638", "section_3_1.json")) as f:
        vector = json.load(f)
    a1 = os.path.join(DATA, "rfc7517", "a1_public_keys.json")
    with open(a1) as f:
        a1_rsa = next(k for k in json.load(f)["keys"] if k["kty"] == "RSA")
    write("a1-rsa.jwk", json.dumps(a1_rsa))
    r = jot("thumbprint", "a1-rsa.jwk")
    check(r.code == 0 and r.out.decode() == vector["thumbprint_sha256"] + "\n",
          f"vector {vector['id']}: thumbprint of the RFC 7517 A.1 RSA key", r)
    write("rfc7638.jwk", json.dumps(vector["jwk"]))
    r = jot("thumbprint", "rfc7638.jwk")
    check(r.code == 0 and r.out.decode() == vector["thumbprint_sha256"] + "\n", f"vector {vector['id']}: its own JWK",
          r)
    with open(os.path.join(DATA, "rfc", "rfc8037_A4_ed25519.json")) as f:
        ed = json.load(f)
    write("rfc8037.jwk", json.dumps(ed["jwk"]))
    r = jot("thumbprint", "rfc8037.jwk")
    check(r.code == 0 and r.out.decode() == ed["jwk_thumbprint_sha256"] + "\n",
          f"vector {ed['id']}: thumbprint of the RFC 8037 Ed25519 key", r)
    oct_jwk = {"kty": "oct", "k": b64u(SECRET), "alg": "HS256"}
    write("oct.jwk", json.dumps(oct_jwk))
    r = jot("thumbprint", "oct.jwk")
    check(r.code == 0 and r.out.decode() == thumbprint(oct_jwk) + "\n", "thumbprint of an oct JWK", r)
    write("raw.bin", SECRET)
    expect_refused(jot("thumbprint", "raw.bin"), "key_invalid", "thumbprint of raw bytes")
    expect_refused(jot("thumbprint", "missing"), "file_unreadable", "thumbprint of a missing file")

    es, rs, ed = key("ES256"), key("RS256"), key("EdDSA")
    for prefix in (es, rs, ed):
        with open(prefix + ".public.jwk.json") as f:
            kid = json.load(f)["kid"]
        for f in [".private.pem", ".public.pem", ".public.jwk.json"]:
            r = jot("thumbprint", prefix + f)
            check(r.code == 0 and r.out.decode() == kid + "\n", f"thumbprint of {os.path.basename(prefix + f)}", r)

    r = jot("jwks", es + ".public.pem", rs + ".private.pem", ed + ".public.jwk.json", es + ".public.jwk.json")
    expect_ok(r, "jwks of three keys")
    doc = json.loads(r.out)
    keys = doc.get("keys", [])
    check(list(doc) == ["keys"] and len(keys) == 3, f"jwks prints a JWK Set, the same key once: {doc}")
    check(all(k.get("kid") == thumbprint(k) for k in keys), "every kid is the key's thumbprint")
    check(not any({"d", "p", "q", "dp", "dq", "qi", "k"} & set(k) for k in keys), "no private member is printed")
    check([k.get("kty") for k in keys] == ["EC", "RSA", "OKP"], "keys in the order given")
    check(keys[0].get("alg") == "ES256" and "alg" not in keys[1] and keys[2].get("alg") == "EdDSA",
          "alg from the curve; none for an RSA key, which could be RS* or PS*")
    with open(rs + ".public.jwk.json") as f:
        check(keys[1]["n"] == json.load(f)["n"], "the RSA key's modulus is the one keygen wrote")
    r = jot("jwks", "--alg", "PS256", rs + ".public.pem")
    check(r.code == 0 and json.loads(r.out)["keys"][0].get("alg") == "PS256", "jwks --alg binds the key", r)
    expect_refused(jot("jwks", "--alg", "ES256", rs + ".public.pem"), "key_algorithm_mismatch",
                   "jwks --alg that does not fit")
    expect_refused(jot("jwks", "oct.jwk"), "key_algorithm_mismatch", "jwks of a secret key")
    expect_refused(jot("jwks", "--alg", "HS256", es + ".public.pem"), "usage", "jwks --alg HS256")
    expect_refused(jot("jwks", "raw.bin"), "key_invalid", "jwks of raw bytes")
    with open(a1) as f:
        write("a1-ec.jwk", json.dumps(next(k for k in json.load(f)["keys"] if k["kty"] == "EC")))
    expect_refused(jot("jwks", "a1-ec.jwk"), "key_use_mismatch", "jwks of an encryption key (use enc)")

    # The printed set verifies tokens whose kid is a thumbprint; the kid selects the key.
    r = jot("jwks", es + ".public.pem", rs + ".public.pem", ed + ".public.pem")
    expect_ok(r, "jwks of three PEM files")
    write("set.json", r.out)
    with open(es + ".public.jwk.json") as f:
        es_kid = json.load(f)["kid"]
    t = sign_token("--alg", "ES256", "--key", es + ".private.pem", "--kid", es_kid, "--now", NOW, "--exp", "+1m")
    expect_verified(jot("verify", "--alg", "ES256", "--jwks", "set.json", "--now", NOW, t),
                    {"iat": NOW, "exp": NOW + 60}, "verify --jwks with the key's thumbprint as kid")
    t = sign_token("--alg", "ES256", "--key", es + ".private.pem", "--kid", "other", "--now", NOW, "--exp", "+1m")
    expect_rejected(jot("verify", "--alg", "ES256", "--jwks", "set.json", "--now", NOW, t), "key_not_found",
                    "verify --jwks with an unknown kid")
    t = sign_token("--alg", "RS256", "--key", rs + ".private.pem", "--now", NOW, "--exp", "+1m")
    expect_verified(jot("verify", "--alg", "RS256", "--jwks", "set.json", "--now", NOW, t),
                    {"iat": NOW, "exp": NOW + 60}, "verify --alg RS256 --jwks with an RSA key without alg")
    expect_refused(jot("verify", "--alg", "ES256", "--jwks", "set.json", "--key", rs + ".public.pem", "x.y.z"),
                   "key_algorithm_mismatch", "--key must fit --alg even with --jwks")
    expect_verified(jot("verify", "--alg", "RS256", "--jwks", "set.json", "--key", rs + ".public.pem", "--now", NOW, t),
                    {"iat": NOW, "exp": NOW + 60}, "--jwks and --key together")
    exits_before_reading_stdin(["verify", "--alg", "ES512", "--jwks", "set.json"], "algorithm_not_allowed",
                               "a JWK Set with no key for --alg")
    exits_before_reading_stdin(["verify", "--alg", "ES256", "--jwks", "missing.json"], "file_unreadable",
                               "a missing JWK Set")
    write("empty-set.json", '{"keys": []}')
    exits_before_reading_stdin(["verify", "--alg", "ES256", "--jwks", "empty-set.json"], "no_keys",
                               "an empty JWK Set")
    # The RFC 7517 A.1 set: its RSA key (kid 2011-04-29) is used, its encryption key skipped.
    r = jot("verify", "--alg", "RS256", "--jwks", a1, "--now", NOW, t)
    # The token carries the "kid" keygen gave its key, which the set does not have.
    expect_rejected(r, "key_not_found", "the RFC 7517 A.1 set loads; a token from another key fails")


def test_roundtrip():
    write("hs256.key", secrets.token_bytes(32))
    write("hs384.key", secrets.token_bytes(48))
    write("hs512.key", secrets.token_bytes(64))
    for alg in ALL_ALGS:
        if alg.startswith("HS"):
            sign_key = verify_key = "hs" + alg[2:] + ".key"
        else:
            sign_key, verify_key = key(alg) + ".private.pem", key(alg) + ".public.pem"
        t = sign_token("--alg", alg, "--key", sign_key, "--iss", "me", "--sub", "alice", "--aud", "api", "--exp",
                       "+10m", "--jti", "j1", "--kid", "k-" + alg, "--claim", "scope=read", "--now", NOW)
        header, payload, sig = token_parts(t)
        check(header == {"alg": alg, "typ": "JWT", "kid": "k-" + alg}, f"{alg}: header {header}")
        expected = {"iss": "me", "sub": "alice", "aud": "api", "exp": NOW + 600, "jti": "j1", "scope": "read",
                    "iat": NOW}
        check(payload == expected, f"{alg}: payload {payload}")
        if alg.startswith("HS"):
            check(hs_signature_ok(t, read(sign_key), alg), f"{alg}: Python's hmac agrees")
        r = jot("verify", "--alg", alg, "--key", verify_key, "--iss", "me", "--sub", "alice", "--aud", "api",
                "--now", NOW + 599, t)
        expect_verified(r, expected, f"{alg}: sign → verify round trip")
        expect_rejected(jot("verify", "--alg", alg, "--key", verify_key, "--aud", "api", "--now", NOW + 600, t),
                        "token_expired", f"{alg}: expired at exp")
        forged = t[:-3] + ("A" if t[-3] != "A" else "B") + t[-2:]
        r = jot("verify", "--alg", alg, "--key", verify_key, "--aud", "api", "--now", NOW, forged)
        check(r.code == 1 and error_code(r) in ("signature_invalid", "base64_non_canonical"),
              f"{alg}: a changed signature is rejected", r)


def run_guide_step_script(steps, marker):
    script = ["exec 2>&1", "set +e"]
    for cmd, _ in steps:
        script.append(cmd)
        script.append(f'__jot_status=$?; printf "\\n{marker} %d\\n" "$__jot_status"; (exit $__jot_status)')
    path = os.path.join(WORK, "guide.sh")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PATH"] = os.path.dirname(JOT) + os.pathsep + env.get("PATH", "")
    p = subprocess.run(["bash", path], cwd=WORK, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=300)
    return p.stdout.decode("utf-8", "replace")


def lines_match(expected, actual):
    """'...' alone on a line matches any lines (none included); '...' inside a line matches any text."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(lines_match(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in expected[0].split("..."))
    return re.fullmatch(pattern, actual[0]) is not None and lines_match(expected[1:], actual[1:])


def test_jwe():
    """encrypt, decrypt and keygen for JWE keys; nested tokens through pipes; a cross-check with Python's
    cryptography package (AES-GCM) where it is installed."""
    plain = b"\x00binary\xffplaintext with a final newline\n"
    keys = {}
    for alg, extra in [("A256KW", []), ("A128GCMKW", []), ("dir", ["--enc", "A256GCM"]),
                       ("RSA-OAEP-256", []), ("ECDH-ES", ["--crv", "X25519"]), ("ECDH-ES+A128KW", ["--crv", "P-384"])]:
        prefix = os.path.join(WORK, "jwe-" + alg)
        r = jot("keygen", "--alg", alg, "--out", prefix, *extra)
        expect_ok(r, f"keygen --alg {alg}")
        keys[alg] = prefix
        if alg.startswith(("A", "dir")):
            check(stat.S_IMODE(os.stat(prefix + ".secret.bin").st_mode) == 0o600, f"{alg} secret file is 0600")
            check(len(read(prefix + ".secret.bin")) == (32 if alg in ("A256KW", "dir") else 16),
                  f"{alg} secret has the algorithm's size")
        else:
            check(stat.S_IMODE(os.stat(prefix + ".private.pem").st_mode) == 0o600, f"{alg} private key is 0600")
    expect_refused(jot("keygen", "--alg", "dir", "--out", os.path.join(WORK, "d2")), "usage", "keygen dir without --enc")
    expect_refused(jot("keygen", "--alg", "ECDH-ES", "--crv", "secp256k1", "--out", os.path.join(WORK, "e2")),
                   "invalid_argument", "keygen ECDH-ES on a curve JWE does not use")

    def enc_key(alg):
        p = keys[alg]
        return p + (".secret.bin" if os.path.exists(p + ".secret.bin") else ".public.pem")

    def dec_key(alg):
        p = keys[alg]
        return p + (".secret.bin" if os.path.exists(p + ".secret.bin") else ".private.pem")

    for alg in keys:
        for enc in (["A256GCM"] if alg == "dir" else ["A128GCM", "A256GCM", "A128CBC-HS256", "A256CBC-HS512"]):
            r = jot("encrypt", "--alg", alg, "--enc", enc, "--key", enc_key(alg), stdin=plain)
            if not expect_ok(r, f"encrypt {alg} {enc}"):
                continue
            token = r.out.decode()
            check(re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\n",
                               token) is not None, f"encrypt {alg} {enc} prints one compact JWE line", r)
            header = json.loads(unb64u(token.split(".")[0]))
            check(header.get("alg") == alg and header.get("enc") == enc, f"{alg} {enc}: header names both", r)
            d = jot("decrypt", "--key", dec_key(alg), stdin=token.encode())
            check(d.code == 0 and d.out == plain and d.err == b"", f"decrypt {alg} {enc} prints the plaintext exactly", d)
            d = jot("decrypt", "--key", dec_key(alg), "--alg", alg, "--enc", enc, token.strip())
            check(d.code == 0 and d.out == plain, f"decrypt {alg} {enc} with --alg, --enc and the token argument", d)
            # A changed ciphertext or tag is rejected (exit 1) with the one decryption_failed.
            parts = token.strip().split(".")
            raw = bytearray(unb64u(parts[4]))
            raw[0] ^= 1
            parts[4] = b64u(bytes(raw))
            expect_rejected(jot("decrypt", "--key", dec_key(alg), ".".join(parts)), "decryption_failed",
                            f"decrypt {alg} {enc} with a changed tag")

    token = jot("encrypt", "--alg", "A256KW", "--enc", "A128GCM", "--key", enc_key("A256KW"), stdin=plain).out
    write("token.jwe", token)
    d = jot("decrypt", "--key", dec_key("A256KW"), "@token.jwe")
    check(d.code == 0 and d.out == plain, "decrypt reads @FILE", d)
    d = jot("decrypt", "--key", dec_key("A256KW"), "-", stdin=token)
    check(d.code == 0 and d.out == plain, "decrypt reads - as standard input", d)
    write("plain.bin", plain)
    r = jot("encrypt", "--alg", "A256KW", "--enc", "A128GCM", "--key", enc_key("A256KW"), "--in", "plain.bin")
    d = jot("decrypt", "--key", dec_key("A256KW"), stdin=r.out)
    check(d.code == 0 and d.out == plain, "encrypt reads --in FILE", d)
    expect_rejected(jot("decrypt", "--key", dec_key("A256KW"), "--enc", "A256GCM", stdin=token),
                    "encryption_not_allowed", "decrypt with --enc other than the token's")
    expect_refused(jot("decrypt", "--key", dec_key("A128GCMKW"), "--alg", "A256KW", stdin=token), "key_size_invalid",
                   "decrypt with a key of the wrong size for --alg")
    expect_rejected(jot("decrypt", "--key", dec_key("A256KW"), stdin=b"a.b.c"), "jwe_not_compact",
                    "decrypt of a JWS")
    expect_refused(jot("encrypt", "--alg", "RSA1_5", "--enc", "A128GCM", "--key", enc_key("RSA-OAEP-256")),
                   "unsupported_algorithm", "encrypt --alg RSA1_5")
    expect_refused(jot("encrypt", "--alg", "RSA-OAEP-256", "--enc", "A128GCM", "--key", enc_key("A256KW")),
                   None, "encrypt with a secret for an RSA algorithm")
    expect_refused(jot("encrypt", "--alg", "dir", "--enc", "A128GCM", "--key", enc_key("dir")), "key_size_invalid",
                   "encrypt dir with a 32-octet key for A128GCM")

    # A raw secret is raw even when its first byte is '{' (or blank then '{'): one random key in 256 starts so,
    # and reading it as a broken JWK made the JWE interop tests fail now and then.
    for name, secret, alg, extra in [("brace16.bin", b"{" + bytes(range(1, 16)), "A128KW", []),
                                     ("brace-ws.bin", b" \n{" + bytes(range(100, 113)), "A128GCMKW", []),
                                     ("brace32.bin", b"{\"kty\"" + bytes(26), "dir", [])]:
        f = write(name, secret)
        r = jot("encrypt", "--alg", alg, "--enc", "A256GCM", "--key", f, stdin=plain)
        d = jot("decrypt", "--key", f, stdin=r.out)
        check(r.code == 0 and d.code == 0 and d.out == plain, f"{alg}: a raw secret starting {secret[:3]!r} works", d)

    # Nested: sign | encrypt --cty JWT, then decrypt | verify.
    hs = write("hs.bin", SECRET)
    signed = sign_token("--alg", "HS256", "--key", hs, "--sub", "alice", "--exp", "+1h", "--now", NOW)
    r = jot("encrypt", "--alg", "ECDH-ES+A128KW", "--enc", "A256GCM", "--key", enc_key("ECDH-ES+A128KW"), "--cty", "JWT",
            stdin=signed.encode())
    expect_ok(r, "sign | encrypt --cty JWT")
    check(json.loads(unb64u(r.out.decode().split(".")[0])).get("cty") == "JWT", "the nested JWE says cty JWT", r)
    d = jot("decrypt", "--key", dec_key("ECDH-ES+A128KW"), stdin=r.out)
    check(d.out == signed.encode(), "decrypt gives the signed token back", d)
    v = jot("verify", "--alg", "HS256", "--key", hs, "--now", NOW, "--allow-missing-exp", stdin=d.out)
    check(v.code == 0 and payload_of_stdout(v) is not None and payload_of_stdout(v).get("sub") == "alice",
          "decrypt | verify accepts the inner token", v)

    # One command: verify --decrypt-key decrypts, requires cty JWT, and verifies with verify's whole policy.
    nested = r.out
    v = jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-key", dec_key("ECDH-ES+A128KW"), "--now", NOW,
            stdin=nested)
    check(v.code == 0 and payload_of_stdout(v) is not None and payload_of_stdout(v).get("sub") == "alice",
          "verify --decrypt-key accepts the nested token", v)
    v = jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-key", dec_key("ECDH-ES+A128KW"),
            "--decrypt-alg", "ECDH-ES+A128KW", "--decrypt-enc", "A256GCM", "--now", NOW, nested.decode().strip())
    check(v.code == 0 and payload_of_stdout(v).get("sub") == "alice",
          "verify --decrypt-key with --decrypt-alg, --decrypt-enc and the token argument", v)
    expect_rejected(jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-key", dec_key("ECDH-ES+A128KW"),
                        "--sub", "bob", "--now", NOW, stdin=nested),
                    "subject_mismatch", "verify --decrypt-key applies the inner policy (--sub)")
    expect_rejected(jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-key", dec_key("ECDH-ES+A128KW"),
                        "--now", NOW + 7200, stdin=nested),
                    "token_expired", "verify --decrypt-key applies the inner policy (exp)")
    expect_rejected(jot("verify", "--alg", "HS256", "--key", write("other.bin", b"o" * 32),
                        "--decrypt-key", dec_key("ECDH-ES+A128KW"), "--now", NOW, stdin=nested),
                    "signature_invalid", "verify --decrypt-key checks the inner signature")
    expect_rejected(jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-key", dec_key("ECDH-ES+A128KW"),
                        "--decrypt-enc", "A128GCM", "--now", NOW, stdin=nested),
                    "encryption_not_allowed", "verify --decrypt-enc other than the token's")
    no_cty = jot("encrypt", "--alg", "A256KW", "--enc", "A256GCM", "--key", enc_key("A256KW"), stdin=signed.encode())
    expect_rejected(jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-key", dec_key("A256KW"), "--now", NOW,
                        stdin=no_cty.out),
                    "nested_token_expected", "verify --decrypt-key refuses a JWE without cty JWT")
    parts = nested.decode().strip().split(".")
    raw = bytearray(unb64u(parts[4]))
    raw[0] ^= 1
    parts[4] = b64u(bytes(raw))
    expect_rejected(jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-key", dec_key("ECDH-ES+A128KW"),
                        "--now", NOW, ".".join(parts)),
                    "decryption_failed", "verify --decrypt-key with a changed JWE tag")
    expect_rejected(jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-key", dec_key("A256KW"), "--now", NOW,
                        stdin=signed.encode()),
                    "unsupported_algorithm", "verify --decrypt-key given a bare JWS")
    expect_refused(jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-key", dec_key("A128GCMKW"), "--now", NOW,
                       "--decrypt-alg", "A256KW", stdin=nested),
                   "key_size_invalid", "verify --decrypt-key with a key that does not fit --decrypt-alg")
    expect_refused(jot("verify", "--alg", "HS256", "--key", hs, "--decrypt-alg", "A256KW", "--now", NOW,
                       stdin=nested),
                   "usage", "verify --decrypt-alg without --decrypt-key")

    # Independent check with Python's cryptography package: dir + A256GCM both ways.
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        print("jwe: python3-cryptography missing, cross-check skipped")
        return
    cek = read(keys["dir"] + ".secret.bin")
    t = jot("encrypt", "--alg", "dir", "--enc", "A256GCM", "--key", enc_key("dir"), stdin=plain).out.decode().strip()
    h, ek, iv, ct, tag = t.split(".")
    check(ek == "", "dir has an empty encrypted key")
    check(AESGCM(cek).decrypt(unb64u(iv), unb64u(ct) + unb64u(tag), h.encode()) == plain,
          "Python's AESGCM decrypts jot's dir+A256GCM token")
    h = b64u(b'{"alg":"dir","enc":"A256GCM"}')
    iv = secrets.token_bytes(12)
    sealed = AESGCM(cek).encrypt(iv, plain, h.encode())
    theirs = ".".join([h, "", b64u(iv), b64u(sealed[:-16]), b64u(sealed[-16:])])
    d = jot("decrypt", "--key", dec_key("dir"), theirs)
    check(d.code == 0 and d.out == plain, "jot decrypts a dir+A256GCM token made by Python's AESGCM", d)


def test_guide():
    """Every ```console block of docs/cli.md, run in order in one shell: '$ ' lines are commands, the lines after
    them their output (stdout and stderr). A command must exit 0 unless the next command is `echo $?`."""
    with open(GUIDE, encoding="utf-8") as f:
        text = f.read()
    steps = []
    for block in re.findall(r"^```console\n(.*?)^```", text, re.S | re.M):
        lines = block.split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if line.startswith("$ "):
                cmd = line[2:]
                while cmd.endswith("\\") and i < len(lines):
                    cmd = cmd + "\n" + lines[i]
                    i += 1
                steps.append((cmd, []))
            elif steps:
                steps[-1][1].append(line)
    check(len(steps) >= 20, f"docs/cli.md has console examples ({len(steps)} commands found)")
    marker = "@@jot-guide-" + secrets.token_hex(8)
    out = run_guide_step_script(steps, marker)
    pieces = re.split(r"\n" + re.escape(marker) + r" (\d+)\n", out)
    outputs, statuses = pieces[0:-1:2], [int(s) for s in pieces[1::2]]
    if not check(len(statuses) == len(steps), f"every guide command ran ({len(statuses)} of {len(steps)})"):
        print(out[-2000:])
        return
    for n, ((cmd, expected), actual, status) in enumerate(zip(steps, outputs, statuses)):
        while expected and expected[-1] == "":
            expected.pop()
        # The marker starts on a new line: a command's own final newline is not part of its output lines.
        actual = actual[:-1] if actual.endswith("\n") else actual
        actual_lines = actual.split("\n") if actual else []
        next_cmd = steps[n + 1][0] if n + 1 < len(steps) else ""
        check(status == 0 or next_cmd.strip() == "echo $?",
              f"guide: `{cmd}` exits 0 (or the guide shows its status with echo $?), got {status}:\n{actual}")
        check(lines_match(expected, actual_lines),
              f"guide: `{cmd}` prints what the guide shows\n--- guide:\n" + "\n".join(expected) +
              "\n--- actual:\n" + actual)


# ----------------------------------------------------------------------------------------------------------------
# Keys over HTTPS (jot built with jot::http): a Python HTTPS server on 127.0.0.1 with a CA made by openssl

def _https_fixture():
    """A CA and a server certificate for 127.0.0.1, made with the openssl tool; returns (ca.pem, cert, key)."""
    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=WORK, check=True, capture_output=True, timeout=60)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "1", "-subj", "/CN=jot cli test CA")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
            "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    write("san.ext", "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "1", "-extfile", "san.ext")
    return [os.path.join(WORK, n) for n in ("ca.pem", "server.pem", "server.key")]


def _serve(routes, tls=None):
    """A threaded server on 127.0.0.1 answering GET path -> (status, headers, body); returns (server, base URL)."""
    import http.server
    import ssl
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status, headers, body = routes.get(self.path, (404, {}, b""))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls[1], tls[2])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"{scheme}://127.0.0.1:{server.server_address[1]}"


def test_http():
    ca, cert, tls_key = _https_fixture()
    prefix = key("ES256")
    r = jot("jwks", prefix + ".public.pem")
    expect_ok(r, "jwks of the provider's key")
    jwks_doc = r.out
    kid = json.loads(jwks_doc)["keys"][0]["kid"]
    routes = {}
    server, base = _serve(routes, (ca, cert, tls_key))
    issuer = base + "/realm"
    routes["/keys"] = (200, {"Content-Type": "application/json", "Cache-Control": "max-age=60"}, jwks_doc)
    routes["/realm/.well-known/openid-configuration"] = (
        200, {}, json.dumps({"issuer": issuer, "jwks_uri": base + "/keys"}).encode())
    routes["/other/.well-known/openid-configuration"] = (
        200, {}, json.dumps({"issuer": "https://evil.example", "jwks_uri": base + "/keys"}).encode())
    routes["/to-http"] = (302, {"Location": "http://127.0.0.1:1/keys"}, b"")
    routes["/broken"] = (200, {}, b"{not json")
    try:
        good = sign_token("--alg", "ES256", "--key", prefix + ".private.pem", "--kid", kid, "--iss", issuer,
                          "--sub", "alice", "--exp", "+1h")
        other = sign_token("--alg", "ES256", "--key", prefix + ".private.pem", "--kid", kid, "--iss",
                           "https://elsewhere.example", "--sub", "alice", "--exp", "+1h")
        payload = token_parts(good)[1]
        r = jot("verify", "--alg", "ES256", "--jwks-url", base + "/keys", "--ca-file", ca, good)
        expect_verified(r, payload, "verify --jwks-url over https with --ca-file")
        r = jot("verify", "--alg", "ES256", "--oidc-issuer", issuer, "--ca-file", ca, good)
        expect_verified(r, payload, "verify --oidc-issuer")
        expect_rejected(jot("verify", "--alg", "ES256", "--oidc-issuer", issuer, "--ca-file", ca, other),
                        "issuer_mismatch", "--oidc-issuer expects the discovered issuer")
        expect_refused(jot("verify", "--alg", "ES256", "--oidc-issuer", base + "/other", "--ca-file", ca, good),
                       "discovery_issuer_mismatch", "a discovery document naming another issuer")
        expect_refused(jot("verify", "--alg", "ES256", "--jwks-url", base + "/keys", good),
                       "tls_verification_failed", "a certificate the system store does not trust")
        expect_refused(jot("verify", "--alg", "ES256", "--jwks-url", base + "/to-http", "--ca-file", ca, good),
                       "redirect_refused", "a redirect to http")
        expect_refused(jot("verify", "--alg", "ES256", "--jwks-url", base + "/broken", "--ca-file", ca, good),
                       "json_invalid", "a JWK Set that is not JSON")
        expect_refused(jot("verify", "--alg", "ES256", "--jwks-url", base + "/missing", "--ca-file", ca, good),
                       "http_status_unexpected", "a 404")
        expect_refused(jot("verify", "--alg", "ES256", "--jwks-url", "https://user@127.0.0.1/keys", good),
                       "url_refused", "a URL with userinfo")
        r = jot("jwks", "--url", base + "/keys", "--ca-file", ca)
        expect_ok(r, "jwks --url")
        listed = json.loads(r.out)
        expected_thumb = thumbprint(json.loads(jwks_doc)["keys"][0])
        check(listed["keys"][0]["thumbprint"] == expected_thumb and listed["keys"][0]["kid"] == kid,
              "jwks --url prints each key with its RFC 7638 thumbprint", r)
    finally:
        server.shutdown()
    plain, plain_base = _serve({"/keys": (200, {}, jwks_doc)})
    try:
        expect_refused(jot("verify", "--alg", "ES256", "--jwks-url", plain_base + "/keys", good), "url_refused",
                       "plain http is refused by default")
        r = jot("verify", "--alg", "ES256", "--jwks-url", plain_base + "/keys", "--allow-http-loopback", good)
        expect_verified(r, token_parts(good)[1], "plain http to 127.0.0.1 with --allow-http-loopback")
    finally:
        plain.shutdown()


def test_jws():
    """sign --payload with --detached, --json and --unencoded; verify --payload, JSON-form tokens and
    --allow-unencoded, checked against signatures recomputed here (RFC 7515 App. F, §7.2.2; RFC 7797)."""
    secret = write("jws.secret", SECRET)
    data = b"any bytes: not JSON, a dot . a NUL \x00 and \xc3\xa9\n"
    payload = write("jws.payload", data)

    # Compact, attached: h.p.s over the base64url payload, the key's alg in the header.
    r = jot("sign", "--alg", "HS256", "--key", secret, "--payload", payload)
    expect_ok(r, "sign --payload")
    token = r.out.decode().strip()
    h, p, _ = token.split(".")
    check(json.loads(unb64u(h)) == {"alg": "HS256"} and unb64u(p) == data and hs_signature_ok(token, SECRET, "HS256"),
          "sign --payload signs the file's bytes as they are", r)
    r = jot("verify", "--alg", "HS256", "--key", secret, "--payload", payload, token)
    expect_rejected(r, "payload_not_detached", "verify --payload with an attached token")

    # Detached: h..s, and verify --payload over the same bytes (and not over others).
    r = jot("sign", "--alg", "HS256", "--key", secret, "--payload", payload, "--detached")
    expect_ok(r, "sign --detached")
    detached = r.out.decode().strip()
    check(detached == h + ".." + token.split(".")[2], "sign --detached is the attached token without its payload", r)
    r = jot("verify", "--alg", "HS256", "--key", secret, "--payload", payload, detached)
    expect_ok(r, "verify --payload")
    check(payload_of_stdout(r) == {"verified": True, "unencoded": False, "header": {"alg": "HS256"}},
          "verify --payload prints the verified header", r)
    other = write("jws.other", data + b"x")
    expect_rejected(jot("verify", "--alg", "HS256", "--key", secret, "--payload", other, detached),
                    "signature_invalid", "verify --payload over other bytes")
    r = jot("verify", "--alg", "HS256", "--key", secret, "--payload", "-", detached, stdin=data)
    expect_ok(r, "verify --payload - (standard input)")
    expect_refused(jot("verify", "--alg", "HS256", "--key", secret, "--payload", "-", stdin=data), "usage",
                   "verify --payload - with the token on standard input too")

    # Flattened JSON, attached and detached; verify prints the payload exactly.
    r = jot("sign", "--alg", "HS256", "--key", secret, "--payload", payload, "--json")
    expect_ok(r, "sign --json")
    flat = json.loads(r.out)
    check(set(flat) == {"payload", "protected", "signature"} and unb64u(flat["payload"]) == data,
          "sign --json prints the flattened JSON serialization", r)
    r = jot("verify", "--alg", "HS256", "--key", secret, r.out.decode().strip())
    check(r.code == 0 and r.out == data, "verify of a JSON-form token prints the payload exactly", r)
    r = jot("verify", "--alg", "HS256", "--key", secret, stdin=compact_json(flat))
    check(r.code == 0 and r.out == data, "verify reads a JSON-form token from standard input", r)
    r = jot("sign", "--alg", "HS256", "--key", secret, "--payload", payload, "--json", "--detached")
    expect_ok(r, "sign --json --detached")
    check("payload" not in json.loads(r.out), "sign --json --detached leaves \"payload\" out", r)
    expect_ok(jot("verify", "--alg", "HS256", "--key", secret, "--payload", payload, r.out.decode().strip()),
              "verify --payload of a detached JSON-form token")
    bad = dict(flat, extra=1)
    expect_rejected(jot("verify", "--alg", "HS256", "--key", secret, compact_json(bad).decode()),
                    "jws_json_invalid", "verify of a JSON form with an unknown member")

    # RFC 7797: b64 false, only with --allow-unencoded; a '.' in the payload needs detached or JSON.
    text = write("jws.text", "unencoded payload, é")
    r = jot("sign", "--alg", "HS256", "--key", secret, "--payload", text, "--unencoded")
    expect_ok(r, "sign --unencoded")
    unenc = r.out.decode().rstrip("\n")
    h, _, sig = unenc.partition(".")
    check(json.loads(unb64u(h)) == {"alg": "HS256", "b64": False, "crit": ["b64"]} and
          unenc == h + "." + "unencoded payload, é" + "." + sig.rsplit(".", 1)[1],
          "sign --unencoded writes b64:false in crit and the payload as it is", r)
    expect_rejected(jot("verify", "--alg", "HS256", "--key", secret, unenc), "crit_unsupported",
                    "verify without --allow-unencoded")
    r = jot("verify", "--alg", "HS256", "--key", secret, "--allow-unencoded", unenc)
    check(r.code == 0 and r.out == "unencoded payload, é".encode(), "verify --allow-unencoded", r)
    expect_refused(jot("sign", "--alg", "HS256", "--key", secret, "--payload", payload, "--unencoded"),
                   "unencoded_payload_period", "sign --unencoded of a payload with '.' in compact form")
    r = jot("sign", "--alg", "HS256", "--key", secret, "--payload", payload, "--unencoded", "--detached")
    expect_ok(r, "sign --unencoded --detached")
    expect_ok(jot("verify", "--alg", "HS256", "--key", secret, "--payload", payload, "--allow-unencoded",
                  r.out.decode().strip()), "verify --payload --allow-unencoded")

    # An asymmetric key, and claim options refused with --payload.
    prefix = key("ES256")
    r = jot("sign", "--alg", "ES256", "--key", prefix + ".private.pem", "--payload", payload, "--detached")
    expect_ok(r, "sign --detached ES256")
    expect_ok(jot("verify", "--alg", "ES256", "--key", prefix + ".public.pem", "--payload", payload,
                  r.out.decode().strip()), "verify --payload ES256")
    expect_refused(jot("sign", "--alg", "HS256", "--key", secret, "--payload", payload, "--iss", "x"), "usage",
                   "sign --payload with a claim option")
    expect_refused(jot("sign", "--alg", "HS256", "--key", secret, "--detached"), "usage",
                   "sign --detached without --payload")


def message_of(run):
    """The message of the one 'error: <code>: <message>' stderr line, or ''."""
    m = re.fullmatch(rb"error: [a-z0-9_:]+: ([^\n]+)\n", run.err)
    return m.group(1).decode() if m else ""


def openssl(*args):
    p = subprocess.run(["openssl"] + [str(a) for a in args], capture_output=True, cwd=WORK)
    check(p.returncode == 0, f"openssl {' '.join(map(str, args))}: {p.stderr[-300:]!r}")


def test_forgiving():
    """Issue 17, point 3: where a tired user trips, jot says what to do (and still refuses what it must)."""
    write("hs.key", SECRET)
    payload = {"sub": "alice", "exp": NOW + 60}
    token = hs_token(SECRET, payload)
    verify = ["verify", "--alg", "HS256", "--key", "hs.key", "--now", NOW]
    hsv = ["verify", "--alg", "HS256", "--now", NOW]

    # --- The token: an argument, @PATH, '-' or nothing (stdin). ---
    write("token.txt", token + "\n")
    expect_verified(jot(*verify, "@token.txt"), payload, "verify @FILE (one final newline removed)")
    r = jot("decode", "--json", "@token.txt")
    check(r.code == 0 and json.loads(r.out)["payload"] == payload, "decode @FILE", r)
    write("token2.txt", token + "\n\n")
    expect_rejected(jot(*verify, "@token2.txt"), "base64_invalid_character", "@FILE: only one newline is removed")
    expect_refused(jot(*verify, "@missing.txt"), "file_unreadable", "@FILE that does not exist")
    # The README's old mistake: a file name given as the token gets pointed to @.
    r = jot("decode", "token.txt")
    expect_rejected(r, "token_not_compact", "decode FILE (not @FILE)")
    check("pass @token.txt to read the token from it" in message_of(r), "decode FILE says to pass @FILE", r)
    r = jot(*verify, "token.txt")
    expect_rejected(r, "token_not_compact", "verify FILE (not @FILE)")
    check("pass @token.txt" in message_of(r), "verify FILE says to pass @FILE", r)
    r = jot("decode", "not-a-file")
    check("@" not in message_of(r), "a non-token that is no file gets no @ hint", r)
    for cmd in (["decode"], verify):
        r = jot(*cmd, stdin=b"")
        expect_rejected(r, "token_not_compact", f"{cmd[0]} with empty stdin")
        check(message_of(r).startswith("no token on standard input"), f"{cmd[0]}: empty stdin says so", r)
    r = jot(*verify, stdin=b"\n")
    check(message_of(r).startswith("no token on standard input"), "a lone newline on stdin is no token either", r)
    # "Bearer " and whitespace: still refused (strict), with a hint.
    for bad in ["Bearer " + token, "bearer " + token]:
        r = jot(*verify, bad)
        expect_rejected(r, ("base64_invalid_character", "base64_invalid_length"), "a token with 'Bearer '")
        check("starts with 'Bearer '" in message_of(r), "'Bearer ' gets a hint", r)
    r = jot("decode", stdin=b"Bearer " + token.encode() + b"\n")
    check(r.code == 1 and "starts with 'Bearer '" in message_of(r), "decode: 'Bearer ' on stdin gets a hint", r)
    for bad, what in [(" " + token, "a leading space"), (token + "  ", "trailing spaces"), ("\t" + token, "a tab")]:
        r = jot(*verify, bad)
        expect_rejected(r, ("base64_invalid_character", "base64_invalid_length"), f"a token with {what}")
        check("whitespace" in message_of(r), f"{what} gets a whitespace hint", r)
    r = jot(*verify, stdin=token.encode() + b"\n\n")
    check(r.code == 1 and "whitespace or a line break" in message_of(r), "two newlines on stdin get a hint", r)
    expect_verified(jot(*verify, stdin=token.encode() + b"\n"), payload, "one newline on stdin is still fine")

    # --- Keys. ---
    es = key("ES256")
    es_token = sign_token("--alg", "ES256", "--key", es + ".private.pem", "--now", NOW, "--exp", "+1m")
    es_payload = {"iat": NOW, "exp": NOW + 60}
    es_verify = ["verify", "--alg", "ES256", "--now", NOW]
    # --key - reads the key from stdin; then the token cannot come from stdin too.
    expect_verified(jot(*es_verify, "--key", "-", es_token, stdin=read(es + ".public.pem")), es_payload,
                    "--key - (public PEM on stdin)")
    expect_verified(jot(*hsv, "--key", "-", token, stdin=SECRET), payload, "--key - (HS256 secret on stdin)")
    expect_refused(jot(*es_verify, "--key", "-", stdin=read(es + ".public.pem")), "usage",
                   "--key - with the token on stdin too")
    t = sign_token("--alg", "ES256", "--key", "-", "--exp", "1m", "--now", NOW, stdin=read(es + ".private.pem"))
    expect_verified(jot(*es_verify, "--key", es + ".public.pem", t), es_payload, "sign --key - (private PEM)")
    expect_refused(jot("sign", "--alg", "HS256", "--key", "-", "--claims", "-", "--no-exp", stdin=SECRET), "usage",
                   "sign --key - with --claims -")
    # DER, given or guessed.
    openssl("pkey", "-in", es + ".public.pem", "-pubin", "-outform", "DER", "-out", "es.public.der")
    openssl("pkey", "-in", es + ".private.pem", "-outform", "DER", "-out", "es.private.der")
    for f in ["es.public.der", "es.private.der"]:
        expect_verified(jot(*es_verify, "--key", f, "--key-format", "der", es_token), es_payload,
                        f"--key-format der ({f})")
        expect_verified(jot(*es_verify, "--key", f, es_token), es_payload, f"DER is recognised ({f})")
    t = sign_token("--alg", "ES256", "--key", "es.private.der", "--key-format", "der", "--exp", "1m", "--now", NOW)
    expect_verified(jot(*es_verify, "--key", es + ".public.pem", t), es_payload, "sign with a DER private key")
    expect_refused(jot(*es_verify, "--key", es + ".public.pem", "--key-format", "der", es_token), None,
                   "--key-format der on a PEM file")
    expect_refused(jot(*hsv, "--key", "es.private.der", "--key-format", "der", token), "key_algorithm_mismatch",
                   "HS256 with --key-format der")
    # An encrypted PKCS#8 key asks for --password-file, and works with it.
    write("pw.txt", "correct horse\n")
    write("wrong-pw.txt", "battery staple\n")
    openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", es + ".private.pem", "-passout", "file:pw.txt",
            "-out", "es.enc.pem")
    check(b"ENCRYPTED PRIVATE KEY" in read("es.enc.pem"), "openssl wrote an encrypted PKCS#8 key")
    for cmd in (["sign", "--alg", "ES256", "--exp", "1m"], es_verify):
        r = jot(*cmd, "--key", "es.enc.pem", es_token) if cmd[0] == "verify" else jot(*cmd, "--key", "es.enc.pem")
        expect_refused(r, "key_invalid", f"{cmd[0]} with an encrypted key and no password")
        check("--password-file" in message_of(r), f"{cmd[0]}: an encrypted key asks for --password-file", r)
    t = sign_token("--alg", "ES256", "--key", "es.enc.pem", "--password-file", "pw.txt", "--exp", "1m", "--now", NOW)
    expect_verified(jot(*es_verify, "--key", es + ".public.pem", t), es_payload, "sign with an encrypted key")
    expect_verified(jot(*es_verify, "--key", "es.enc.pem", "--password-file", "pw.txt", es_token), es_payload,
                    "verify with an encrypted private key and its password")
    expect_refused(jot("sign", "--alg", "ES256", "--key", "es.enc.pem", "--password-file", "wrong-pw.txt",
                       "--exp", "1m"), "key_invalid", "a wrong password")
    # A JWK Set given to --key points to --jwks.
    write("set.json", json.dumps({"keys": [json.loads(read(es + ".public.jwk.json"))]}))
    r = jot(*es_verify, "--key", "set.json", es_token)
    expect_refused(r, "key_invalid", "a JWK Set given to --key")
    check("is a JWK Set" in message_of(r) and "--jwks set.json" in message_of(r), "a JWK Set points to --jwks", r)
    expect_verified(jot(*es_verify, "--jwks", "set.json", es_token), es_payload, "the same set with --jwks")
    write("oct-set.json", json.dumps({"keys": [{"kty": "oct", "k": b64u(SECRET)}]}))
    r = jot(*hsv, "--key", "oct-set.json", token)
    expect_refused(r, "key_invalid", "a JWK Set of secrets given to --key for HS256")
    check("--jwks oct-set.json" in message_of(r) and "--key-format raw" in message_of(r),
          "an HS256 JWK Set points to --jwks (and to --key-format raw)", r)
    oct_set_bytes = read("oct-set.json")
    expect_verified(jot(*hsv, "--key", "oct-set.json", "--key-format", "raw", hs_token(oct_set_bytes, payload)),
                    payload, "--key-format raw takes a JWK Set file's bytes as the secret")
    # PEM after blank lines and comments.
    write("commented.pem", b"\n# issuer key, rotated 2026-01\n\r\n  # another comment\n" + read(es + ".public.pem"))
    expect_verified(jot(*es_verify, "--key", "commented.pem", es_token), es_payload,
                    "a PEM file with leading blank lines and comments")
    write("prose.pem", b"Here is the key:\n" + read(es + ".public.pem"))
    expect_refused(jot(*es_verify, "--key", "prose.pem", es_token), "key_invalid",
                   "text that is not a comment before the PEM is still not PEM")
    # OpenSSH keys get the conversion command.
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", os.path.join(WORK, "id_ecdsa")],
                   check=True, capture_output=True)
    r = jot(*es_verify, "--key", "id_ecdsa", es_token)
    expect_refused(r, "key_invalid", "an OpenSSH private key")
    check("ssh-keygen -p -N '' -m PKCS8 -f key.pem" in message_of(r), "an OpenSSH private key: the command", r)
    r = jot(*es_verify, "--key", "id_ecdsa.pub", es_token)
    expect_refused(r, "key_invalid", "an OpenSSH public key")
    check("ssh-keygen -e -m PKCS8 -f id_ecdsa.pub > key.pub.pem" in message_of(r), "an OpenSSH public key: the "
                                                                                  "command", r)
    # The command in the message works.
    p = subprocess.run("ssh-keygen -e -m PKCS8 -f id_ecdsa.pub > key.pub.pem", shell=True, cwd=WORK,
                       capture_output=True)
    check(p.returncode == 0, "the suggested ssh-keygen command runs", None)
    subprocess.run("cp id_ecdsa key.pem && ssh-keygen -p -N '' -m PKCS8 -f key.pem", shell=True, cwd=WORK,
                   check=True, capture_output=True)
    t = sign_token("--alg", "ES256", "--key", "key.pem", "--exp", "1m", "--now", NOW)
    expect_verified(jot(*es_verify, "--key", "key.pub.pem", t), es_payload, "converted OpenSSH keys sign and verify")

    # --- HMAC secrets. ---
    secret = b"0123456789abcdef0123456789abcdef"
    write("newline.key", secret + b"\n")
    r = jot(*hsv, "--key", "newline.key", hs_token(secret, payload))
    expect_rejected(r, "signature_invalid", "a secret file with an editor's newline (the newline is kept)")
    check("ends in a newline" in message_of(r), "a secret ending in a newline gets a hint when the signature fails", r)
    write("no-newline.key", secret)
    r = jot(*hsv, "--key", "no-newline.key", hs_token(b"x" * 32, payload))
    check(r.code == 1 and "newline" not in message_of(r) and message_of(r) != "",
          "the hint is only for a secret that ends in a newline", r)
    write("secret.b64", base64.b64encode(SECRET) + b"\n")
    write("secret.b64u", b"  " + b64u(SECRET).encode() + b"\r\n")
    for f in ["secret.b64", "secret.b64u"]:
        expect_verified(jot(*hsv, "--key", f, "--secret-base64", token), payload, f"--secret-base64 ({f})")
    t = sign_token("--alg", "HS256", "--key", "secret.b64", "--secret-base64", "--exp", "1m", "--now", NOW)
    check(hs_signature_ok(t, SECRET, "HS256"), "sign --secret-base64 signs with the decoded secret")
    write("not.b64", b"not base64!\n")
    expect_refused(jot(*hsv, "--key", "not.b64", "--secret-base64", token), "base64_invalid_character",
                   "--secret-base64 with text that is not base64")
    expect_refused(jot(*es_verify, "--key", es + ".public.pem", "--secret-base64", es_token), "usage",
                   "--secret-base64 for ES256")

    # --- sign: exp. ---
    r = jot("sign", "--alg", "HS256", "--key", "hs.key", "--now", NOW)
    check(r.code == 0 and r.err == NO_EXP_WARNING, "sign without --exp warns on stderr", r)
    expect_rejected(jot(*verify, r.out.decode().strip()), "expiration_missing", "... and verify refuses that token")
    expect_ok(jot("sign", "--alg", "HS256", "--key", "hs.key", "--now", NOW, "--no-exp"), "--no-exp: no warning")
    expect_refused(jot("sign", "--alg", "HS256", "--key", "hs.key", "--exp", "1m", "--no-exp"), "usage",
                   "--exp with --no-exp")
    for past in ["0", str(NOW), str(NOW - 1), "2023-11-14T22:13:20Z", "0s", "+0s"]:
        r = jot("sign", "--alg", "HS256", "--key", "hs.key", "--now", NOW, "--exp", past)
        expect_refused(r, "token_expired", f"--exp {past} (not after now)")
        check("--force" in message_of(r), f"--exp {past}: the message names --force", r)
    p = token_parts(sign_token("--alg", "HS256", "--key", "hs.key", "--now", NOW, "--exp", "0", "--force"))[1]
    check(p.get("exp") == 0, f"--force signs an --exp in the past: {p}")
    p = token_parts(sign_token("--alg", "HS256", "--key", "hs.key", "--now", NOW, "--exp", "+0s", "--force"))[1]
    check(p.get("exp") == NOW, f"--exp +0s --force is now: {p}")
    p = token_parts(sign_token("--alg", "HS256", "--key", "hs.key", "--now", NOW, "--exp", str(NOW + 1)))[1]
    check(p.get("exp") == NOW + 1, "--exp one second ahead is fine")
    # keygen's kid goes into the header when signing with the key it made (and is found by kid in its JWK Set).
    for alg, priv, jwk in [("ES256", ".private.pem", ".public.jwk.json"), ("HS256", ".secret.bin", ".secret.jwk.json")]:
        prefix = os.path.join(WORK, "kid-" + alg)
        expect_ok(jot("keygen", "--alg", alg, "--out", prefix), f"keygen {alg}")
        kid = json.loads(read(prefix + jwk))["kid"]
        h = token_parts(sign_token("--alg", alg, "--key", prefix + priv, "--exp", "1m"))[0]
        check(h.get("kid") == kid, f"sign with keygen's {alg} key puts its kid in the header: {h}")
        h = token_parts(sign_token("--alg", alg, "--key", prefix + priv, "--kid", "mine", "--exp", "1m"))[0]
        check(h.get("kid") == "mine", f"--kid still wins over keygen's kid: {h}")
    jwks = jot("jwks", os.path.join(WORK, "kid-ES256.public.jwk.json"), key("ES384") + ".public.pem")
    write("two.json", jwks.out)
    t = sign_token("--alg", "ES256", "--key", os.path.join(WORK, "kid-ES256.private.pem"), "--exp", "1m", "--now",
                   NOW)
    expect_verified(jot(*es_verify, "--jwks", "two.json", t), es_payload, "keygen → sign → jwks → verify by kid")
    # The kid is only taken when the JWK next to the key holds the same key.
    shutil.copy(prefix_of := os.path.join(WORK, "kid-ES256.private.pem"), os.path.join(WORK, "other.private.pem"))
    shutil.copy(key("ES384") + ".public.jwk.json", os.path.join(WORK, "other.public.jwk.json"))
    h = token_parts(sign_token("--alg", "ES256", "--key", prefix_of.replace("kid-ES256", "other"), "--exp", "1m"))[0]
    check("kid" not in h, f"a JWK of another key next to the PEM gives no kid: {h}")

    # --- decode --lenient. ---
    padded = token + "=="
    r = jot("decode", padded)
    expect_rejected(r, "base64_padding", "decode of a padded token (strict)")
    check("decode --lenient" in message_of(r), "a padded token points to --lenient", r)
    r = jot("decode", "--lenient", "--json", padded)
    check(r.code == 0 and json.loads(r.out)["payload"] == payload and
          json.loads(r.out)["warnings"] == ["the signature has '=' padding, which base64url in JWS forbids (RFC 7515 §2)"],
          "decode --lenient --json of a padded token: one warning", r)
    padded_all = ".".join(base64.urlsafe_b64encode(unb64u(x)).decode() for x in token.split("."))
    r = jot("decode", "--lenient", "--json", padded_all)
    check(r.code == 0 and len(json.loads(r.out)["warnings"]) >= 2, "every padded segment is a warning", r)
    dup = b64u(b'{"alg":"HS256","alg":"none"}') + "." + b64u(b'{"sub":"a","sub":"admin","exp":1}') + ".AA"
    r = jot("decode", dup)
    expect_rejected(r, "json_duplicate_member", "decode of duplicate members (strict)")
    check("decode --lenient" in message_of(r), "duplicate members point to --lenient", r)
    r = jot("decode", "--lenient", "--json", dup)
    doc = json.loads(r.out) if r.code == 0 else {}
    check(doc.get("header") == {"alg": "none"} and doc.get("payload") == {"sub": "admin", "exp": 1},
          "decode --lenient shows the last duplicate (what a last-wins parser sees)", r)
    check(any('"alg" more than once' in w for w in doc.get("warnings", [])) and
          any('"sub" more than once' in w for w in doc.get("warnings", [])) and
          any('alg is "none"' in w for w in doc.get("warnings", [])), f"duplicate and none warnings: {doc}", r)
    none = b64u(b'{"alg":"none"}') + "." + b64u(compact_json(payload)) + "."
    r = jot("decode", "--now", NOW, "--lenient", none)
    check(r.code == 0 and re.search(r'^warning: alg is "none"', r.out.decode(), re.M) is not None and
          "Signature: 0 bytes" in r.out.decode(), "decode --lenient of alg none: a warning line", r)
    r = jot("decode", "--now", NOW, none)
    expect_rejected(r, "empty_segment", "decode (strict) of alg none: the empty signature")
    check("decode --lenient" in message_of(r), "an empty signature points to --lenient", r)
    with_sig = b64u(b'{"alg":"none"}') + "." + b64u(compact_json(payload)) + ".AAAA"
    r = jot("decode", "--now", NOW, with_sig)
    check(r.code == 0 and 'warning: alg is "none"' in r.out.decode(), "decode (strict) warns about alg none too", r)
    big = hs_token(SECRET, dict(payload, blob="x" * 70000))
    r = jot("decode", big)
    expect_rejected(r, "token_too_large", "decode of an oversized token (strict)")
    check("decode --lenient" in message_of(r), "an oversized token points to --lenient", r)
    r = jot("decode", "--lenient", "--json", big)
    check(r.code == 0 and json.loads(r.out)["payload"]["blob"] == "x" * 70000 and
          "over the 65536-byte limit" in json.loads(r.out)["warnings"][0], "decode --lenient of an oversized token", r)
    r = jot("decode", "--lenient", "--json", stdin=big.encode() + b"\n")
    check(r.code == 0 and json.loads(r.out)["payload"]["blob"] == "x" * 70000,
          "decode --lenient reads a whole oversized token from stdin", r)
    expect_rejected(jot("decode", stdin=big.encode() + b"\n"), "token_too_large", "decode (strict) of it from stdin")
    r = jot("decode", "--lenient", "--json", token)
    check(r.code == 0 and json.loads(r.out) == {"header": {"alg": "HS256", "typ": "JWT"}, "payload": payload,
                                                 "verified": False, "warnings": []},
          "decode --lenient of a clean token: no warnings", r)
    for bad, code in [("abc", "token_not_compact"), ("a.b.c.d", "token_not_compact"), ("e30.e30.A*", None),
                      (b64u(b"[1]") + ".e30.", "json_not_object"), (b64u(b"{") + ".e30.", "json_invalid")]:
        r = jot("decode", "--lenient", bad)
        check(r.code == 1 and r.out == b"" and error_code(r) is not None and (code is None or error_code(r) == code),
              f"decode --lenient still refuses {bad!r}", r)

    # --- verify --json. ---
    r = jot(*verify, "--json", token)
    expect_ok(r, "verify --json")
    doc = json.loads(r.out) if r.code == 0 else {}
    check(r.out.count(b"\n") == 1 and doc == {
        "header": {"alg": "HS256", "typ": "JWT"}, "payload": payload,
        "dates": {"exp": {"unix": NOW + 60, "utc": "2023-11-14T22:14:20Z"}}, "result": {"valid": True}},
        "verify --json: header, payload, dates, result", r)
    expired = hs_token(SECRET, {"sub": "alice", "exp": NOW - 5, "iat": NOW - 100})
    r = jot(*verify, "--json", expired)
    doc = json.loads(r.out) if r.out else {}
    check(r.code == 1 and error_code(r) == "token_expired" and doc.get("result", {}).get("valid") is False and
          doc["result"].get("error") == "token_expired" and doc["result"].get("exit") == 1 and
          doc.get("payload") == {"sub": "alice", "exp": NOW - 5, "iat": NOW - 100} and
          doc.get("dates", {}).get("iat") == {"unix": NOW - 100, "utc": "2023-11-14T22:11:40Z"},
          "verify --json of an expired token: exit 1, the error in the JSON, the token's claims", r)
    r = jot("verify", "--alg", "HS256", "--key", "missing.key", "--json", token)
    doc = json.loads(r.out) if r.out else {}
    check(r.code == 2 and error_code(r) == "file_unreadable" and
          doc == {"result": {"valid": False, "exit": 2, "error": "file_unreadable", "message": message_of(r)}},
          "verify --json with a key problem: exit 2, the error as JSON", r)
    r = jot(*verify, "--json", "garbage")
    doc = json.loads(r.out) if r.out else {}
    check(r.code == 1 and doc.get("result", {}).get("error") == "token_not_compact" and "header" not in doc,
          "verify --json of a non-token", r)

    # --- Times in one form everywhere. ---
    for now in ["1700000000", "2023-11-14T22:13:20Z", "2023-11-14T23:13:20+01:00"]:
        expect_verified(jot("verify", "--alg", "HS256", "--key", "hs.key", "--now", now, token), payload,
                        f"--now {now}")
    r = jot("decode", "--now", "2023-11-14T22:13:20.999Z", token)
    check(r.code == 0 and "now 2023-11-14T22:13:20Z" in r.out.decode(), "--now RFC 3339 with a fraction", r)
    # Relative --now counts from the system clock.
    future = hs_token(SECRET, {"nbf": int(time.time()) + 3600, "exp": int(time.time()) + 7200})
    expect_rejected(jot("verify", "--alg", "HS256", "--key", "hs.key", future), "token_not_yet_valid",
                    "a token valid in an hour, now")
    r = jot("verify", "--alg", "HS256", "--key", "hs.key", "--now", "90m", future)
    check(r.code == 0, "--now 90m: the same token 90 minutes from now", r)
    expired = dict(payload, exp=NOW - 30)
    for leeway in ["31", "31s", "1m"]:
        expect_verified(jot(*verify, "--leeway", leeway, hs_token(SECRET, expired)), expired, f"--leeway {leeway}")
    expect_rejected(jot(*verify, "--leeway", "30s", hs_token(SECRET, expired)), "token_expired", "--leeway 30s")
    expect_verified(jot(*verify, "--leeway", "10m", hs_token(SECRET, dict(payload, exp=NOW - 599))),
                    dict(payload, exp=NOW - 599), "--leeway 10m")
    for bad, code in [("11m", "leeway_too_large"), ("1d", "leeway_too_large"), ("+5s", "usage"), ("5x", "usage"),
                      ("2023-11-14T22:13:20Z", "usage")]:
        expect_refused(jot(*verify, "--leeway", bad, token), code, f"--leeway {bad}")

    # --- Unknown commands and help. ---
    for word in ["frobnicate", "verfiy", "token"]:
        r = jot(word, "x")
        expect_refused(r, "usage", f"unknown command {word}")
        check(f"unknown command '{word}'" in message_of(r) and "decode verify sign keygen" in message_of(r),
              f"'{word}' is named as an unknown command, with the list of commands", r)
    for cmd in ["decode", "verify", "sign", "keygen", "jwks", "encrypt", "decrypt", "thumbprint"]:
        r = jot(cmd, "--help")
        check(r.code == 0 and re.search(rb"\nExample:\n  jot " + cmd.encode() + rb" ", r.out) is not None,
              f"{cmd} --help ends with an example", r)



def test_docs():
    """Issue 17, point 4: what the docs say matches what the repository does."""
    def text(*path):
        with open(os.path.join(ROOT, *path), encoding="utf-8") as f:
            return f.read()
    readme = text("README.md")
    quick = text("scripts", "quickstart.sh")
    m = re.search(r"packages=\(([^)]*)\)", quick)
    installed = m.group(1).split() if m else []
    m = re.search(r"`scripts/quickstart.sh` installs the Debian packages `([^`]*)`", readme)
    listed = m.group(1).split() if m else None
    check(installed and listed == installed,
          f"the README's package list is what quickstart.sh installs: {listed} vs {installed}")
    # Every jot command in the README's tool section takes the token the way the tool reads it.
    for line in re.findall(r"^jot (?:decode|verify)[^\n]*", readme, re.M):
        code = line.split("#")[0]
        check(not re.search(r"\s(token|[\w.-]+\.jwt|[\w.-]+\.txt)\s*$", code),
              f"README: a token file is passed as @FILE or on stdin, not as a bare name: {line!r}")
    for path in [("CMakeLists.txt",), ("cmake", "jot.pc.in"), ("ports", "jot", "vcpkg.json"),
                 ("ports", "jot", "portfile.cmake"), ("vcpkg.json",)]:
        if os.path.exists(os.path.join(ROOT, *path)):
            check("example.invalid" not in text(*path), f"no example.invalid URL in {'/'.join(path)}")
    install = text("docs", "install.md")
    check("vcpkg remove jot" in install and "port-version" in install,
          "docs/install.md says what rebuilds a changed jot with vcpkg (remove, or bump port-version)")
    check(not re.search(r"after changing jot add `--no-binarycaching` to rebuild", install),
          "docs/install.md no longer claims --no-binarycaching alone rebuilds the port")


def test_diagnose():
    """verify's one error line says which check failed, what the token had and what was expected (issue 17
    point 2); --explain gives one such line per failed check. Never the signature nor the secret."""
    write("hs.key", SECRET)
    verify = ["verify", "--alg", "HS256", "--key", "hs.key", "--now", NOW]
    base = {"iss": "https://issuer.example", "sub": "alice", "aud": "api", "exp": NOW + 60}
    strict = verify + ["--iss", "https://issuer.example", "--aud", "api"]

    def line(run, text, what):
        check(run.code == 1 and run.out == b"" and run.err == text.encode() + b"\n", f"{what}: the error line", run)

    line(jot(*strict, hs_token(SECRET, dict(base, exp=NOW - 30))),
         f"error: token_expired: token has expired (exp: found {NOW - 30}, expected after {NOW}: now {NOW} "
         "less expiry leeway 0 s)", "expired")
    line(jot(*strict, hs_token(SECRET, dict(base, iss="https://evil.example"))),
         'error: issuer_mismatch: "iss" is not an expected issuer (iss: found "https://evil.example", '
         'expected "https://issuer.example")', "another issuer")
    line(jot(*strict, hs_token(SECRET, dict(base, aud=["web", "app"]))),
         'error: audience_mismatch: "aud" contains no expected audience (aud: found ["web", "app"], '
         'expected "api")', "another audience")
    line(jot(*strict, hs_token(SECRET, {k: v for k, v in base.items() if k != "iss"})),
         'error: claim_missing: a required claim is missing (iss: found absent, expected "https://issuer.example")',
         "no iss")
    line(jot(*strict, hs_token(SECRET, dict(base, sub=7))),
         'error: claim_wrong_type: a registered claim has the wrong JSON type (claim "sub": found a number, '
         'expected a string)', "sub of the wrong type")
    line(jot(*strict, "--typ", "at+jwt", hs_token(SECRET, base)),
         'error: type_mismatch: header "typ" is not the expected type (typ: found "JWT", expected "at+jwt")',
         "another typ")
    line(jot(*strict, hs_token(SECRET, base, alg="HS384")),
         'error: algorithm_not_allowed: no verification key is bound to the token\'s algorithm (alg: found '
         '"HS384", expected "HS256")', "another alg")
    # A byte that is not base64url, in a payload whose MAC is right: the segment and the offset.
    h = b64u(compact_json({"alg": "HS256"}))
    p = b64u(compact_json(base))
    p = p[:4] + "*" + p[5:]
    mac = hmac.new(SECRET, (h + "." + p).encode(), hashlib.sha256).digest()
    line(jot(*strict, h + "." + p + "." + b64u(mac)),
         "error: base64_invalid_character: base64url text contains a character outside A-Z a-z 0-9 - _ "
         "(base64url: payload segment, offset 4; found '*')", "a bad base64url character")
    big = hs_token(SECRET, dict(base, pad="x" * 70000))
    line(jot(*strict, big),
         f"error: token_too_large: token is larger than the configured maximum size (size: found {len(big)} "
         "bytes, expected at most 65536 bytes)", "a token too large")
    # The wrong secret: alg and kid, never the MAC, the token or the secret.
    wrong = hs_token(b"another secret of thirty-two oct", base)
    r = jot(*strict, wrong)
    expect_rejected(r, "signature_invalid", "the wrong secret")
    check(b"(signature: expected a HS256 signature by the one candidate key)" in r.err,
          "the wrong secret: the check is named", r)
    check(wrong.rpartition(".")[2].encode()[:12] not in r.err and SECRET not in r.err
          and wrong.encode()[:30] not in r.err, "the wrong secret: no signature, secret or token on stderr", r)

    # --explain: every failed check, one error line each, in the verifier's order; exit 1, nothing on stdout.
    many = dict(base, iss="https://evil.example", exp=NOW - 5, nbf=NOW + 3600)
    r = jot(*strict, "--explain", hs_token(b"another secret of thirty-two oct", many, {"alg": "HS256", "typ": "x"}))
    lines = r.err.decode().splitlines()
    codes = [re.match(r"error: ([a-z_]+): ", l).group(1) if re.match(r"error: ([a-z_]+): ", l) else None
             for l in lines]
    check(r.code == 1 and r.out == b"" and codes == ["signature_invalid", "type_mismatch", "token_expired",
                                                   "token_not_yet_valid", "issuer_mismatch"],
          "--explain: one error line per failed check, in order", r)
    check(all(l.endswith(")") and " (" in l for l in lines), "--explain: each line carries its details", r)
    # One failure: the same single line as without --explain; an accepted token: the payload as usual.
    one = hs_token(SECRET, dict(base, exp=NOW - 30))
    check(jot(*strict, "--explain", one).err == jot(*strict, one).err, "--explain with one failure: same line")
    expect_verified(jot(*strict, "--explain", hs_token(SECRET, base)), base, "--explain on a valid token")

    # A key of another curve or type than --alg: what the key is and what the algorithm needs (exit 2).
    es384 = key("ES384")
    r = jot("verify", "--alg", "ES256", "--key", es384 + ".public.pem", "--now", NOW, hs_token(SECRET, base))
    expect_refused(r, "key_algorithm_mismatch", "an ES384 key for ES256")
    check(r.err.endswith(b".public.pem; key: found EC P-384, expected EC P-256)\n"),
          "an ES384 key for ES256: the key's curve and the one needed", r)
    r = jot("sign", "--alg", "RS256", "--key", es384 + ".private.pem", "--exp", "+1h")
    expect_refused(r, "key_algorithm_mismatch", "an EC private key for RS256")
    check(r.err.endswith(b"; key: found EC P-384, expected RSA 2048 to 8192 bits)\n"),
          "an EC private key for RS256: the key's type and the one needed", r)


def _der_ecdsa_to_raw(der, size=32):
    """r||s (RFC 7518 §3.4) from a DER ECDSA-Sig-Value, as openssl dgst -sign writes it."""
    assert der[0] == 0x30
    i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    out = b""
    for _ in range(2):
        assert der[i] == 0x02
        n = der[i + 1]
        out += der[i + 2:i + 2 + n].lstrip(b"\x00").rjust(size, b"\x00")
        i += 2 + n
    return out


def _raw_ecdsa_to_der(raw):
    def integer(b):
        b = b.lstrip(b"\x00") or b"\x00"
        if b[0] & 0x80:
            b = b"\x00" + b
        return bytes([0x02, len(b)]) + b
    body = integer(raw[:len(raw) // 2]) + integer(raw[len(raw) // 2:])
    return bytes([0x30, len(body)]) + body


def test_dpop():
    """jot dpop proof / verify (RFC 9449), checked against ES256 signatures made and verified by the openssl
    command, not by jot."""
    openssl = shutil.which("openssl")
    es = key("ES256")
    with open(es + ".public.jwk.json") as f:
        jwk = json.load(f)
    jkt = thumbprint(jwk)
    url = "https://api.example.com/orders"

    r = jot("dpop", "proof", "--key", es + ".private.pem", "--method", "GET", "--url", url + "?page=2#x",
            "--access-token", "tok-1", "--nonce", "n-1", "--jti", "id-1", "--now", NOW)
    expect_ok(r, "dpop proof")
    proof = r.out.decode().strip()
    check(r.out.decode().count("\n") == 1, "dpop proof prints one line", r)
    header, claims, sig = token_parts(proof)
    public_jwk = {m: jwk[m] for m in ("crv", "kty", "x", "y")}
    check(header == {"alg": "ES256", "typ": "dpop+jwt", "jwk": public_jwk},
          "the proof header is typ dpop+jwt, alg, and the public key's required members only (no kid)", r)
    ath = b64u(hashlib.sha256(b"tok-1").digest())
    check(claims == {"jti": "id-1", "htm": "GET", "htu": url, "iat": NOW, "ath": ath, "nonce": "n-1"},
          "the proof claims: jti, htm, htu without query and fragment, iat, ath = SHA-256 of the token, nonce", r)
    check(len(sig) == 64, "an ES256 proof signature is r||s, 64 bytes", r)
    if openssl:
        signing_input = proof.rpartition(".")[0]
        write("dpop-input.txt", signing_input)
        write("dpop-sig.der", _raw_ecdsa_to_der(sig))
        p = subprocess.run([openssl, "dgst", "-sha256", "-verify", es + ".public.pem", "-signature", "dpop-sig.der",
                            "dpop-input.txt"], cwd=WORK, capture_output=True)
        check(p.returncode == 0, "openssl verifies the proof jot signed: " + p.stdout.decode() + p.stderr.decode())
    else:
        print("note: no openssl command; the independent signature checks of dpop are skipped")

    def verify(*args, proof_text=proof):
        return jot("dpop", "verify", *args, proof_text)

    good = ("--method", "GET", "--url", url, "--access-token", "tok-1", "--jkt", jkt, "--nonce", "n-1")
    r = verify(*good, "--now", NOW + 5)
    expect_ok(r, "dpop verify of jot's own proof")
    check(r.out.decode().endswith("\n") and json.loads(r.out) ==
          {"alg": "ES256", "jkt": jkt, "jti": "id-1", "htm": "GET", "htu": url, "iat": NOW, "nonce": "n-1"},
          "dpop verify prints what the proof proves, its key's thumbprint included", r)
    expect_ok(jot("dpop", "verify", *good, "--now", NOW, stdin=(proof + "\n").encode()), "dpop verify from stdin")

    rejections = [
        (("--method", "POST", "--url", url), "dpop_method_mismatch", "another method"),
        (("--method", "GET", "--url", url + "/1"), "dpop_url_mismatch", "another URL"),
        (("--method", "GET", "--url", "https://API.example.com:443/orders?q=1", "--access-token", "tok-1",
          "--jkt", jkt, "--now", NOW + 61), "dpop_proof_too_old", "a proof 61 s old"),
        (("--method", "GET", "--url", url, "--now", NOW - 6), "dpop_issued_in_future", "a proof from 6 s ahead"),
        (("--method", "GET", "--url", url, "--access-token", "tok-2", "--jkt", jkt), "dpop_ath_mismatch",
         "another access token"),
        (("--method", "GET", "--url", url, "--access-token", "tok-1"), "dpop_token_unbound",
         "an access token without cnf.jkt"),
        (("--method", "GET", "--url", url, "--access-token", "tok-1", "--jkt", thumbprint(
            {"kty": "EC", "crv": "P-256", "x": jwk["y"], "y": jwk["x"]})), "dpop_key_mismatch",
         "a token bound to another key"),
        (("--method", "GET", "--url", url, "--nonce", "n-2"), "dpop_nonce_mismatch", "a stale nonce"),
        (("--method", "GET", "--url", url, "--alg", "EdDSA"), "dpop_algorithm_not_allowed",
         "an algorithm left out by --alg"),
        (("--method", "GET", "--url", url, "--max-age", "0"), "dpop_proof_too_old", "--max-age 0, 1 s later"),
    ]
    for args, code, what in rejections:
        if "--now" not in args:
            args = args + ("--now", NOW + 1)
        expect_rejected(verify(*args), code, "dpop verify refuses " + what)

    r = jot("dpop", "proof", "--key", es + ".private.pem", "--method", "GET", "--url", url, "--now", NOW)
    expect_rejected(verify("--method", "GET", "--url", url, "--nonce", "n-1", "--now", NOW, proof_text=r.out.decode().strip()),
                    "dpop_nonce_required", "dpop verify refuses a proof without the required nonce")
    check(token_parts(r.out.decode().strip())[1]["jti"] != token_parts(proof)[1]["jti"] and
          len(token_parts(r.out.decode().strip())[1]["jti"]) == 22, "dpop proof picks a random 128-bit jti")

    # proofs written by hand: the header checks of RFC 9449 §4.3
    def forged(hdr, cl=None, secret=None):
        cl = cl or {"jti": "h-1", "htm": "GET", "htu": url, "iat": NOW}
        signing_input = b64u(compact_json(hdr)) + "." + b64u(compact_json(cl))
        if secret is not None:
            return signing_input + "." + b64u(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
        write("forged-input.txt", signing_input)
        p = subprocess.run([openssl, "dgst", "-sha256", "-sign", es + ".private.pem", "-out", "forged.der",
                            "forged-input.txt"], cwd=WORK, capture_output=True)
        check(p.returncode == 0, "openssl signs a hand-made proof")
        return signing_input + "." + b64u(_der_ecdsa_to_raw(read("forged.der")))

    base = ("--method", "GET", "--url", url, "--now", NOW)
    expect_rejected(verify(*base, proof_text=forged({"alg": "HS256", "typ": "dpop+jwt", "jwk": public_jwk},
                                                    secret=b"k" * 32)),
                    "dpop_algorithm_not_allowed", "dpop verify refuses an HS256 proof")
    if openssl:
        r = verify(*base, proof_text=forged({"typ": "dpop+jwt", "alg": "ES256", "jwk": public_jwk}))
        expect_ok(r, "dpop verify accepts a proof signed by openssl")
        check(json.loads(r.out)["jkt"] == jkt, "  with the key's thumbprint", r)
        expect_rejected(verify(*base, proof_text=forged({"typ": "JWT", "alg": "ES256", "jwk": public_jwk})),
                        "dpop_type_mismatch", "dpop verify refuses typ JWT")
        expect_rejected(verify(*base, proof_text=forged({"typ": "dpop+jwt", "alg": "ES256"})),
                        "dpop_jwk_invalid", "dpop verify refuses a proof without jwk")
        leaked = dict(public_jwk, d=b64u(b"\x01" * 32))
        expect_rejected(verify(*base, proof_text=forged({"typ": "dpop+jwt", "alg": "ES256", "jwk": leaked})),
                        "dpop_jwk_private", "dpop verify refuses a jwk with the private key")
        expect_rejected(verify(*base, proof_text=forged({"typ": "dpop+jwt", "alg": "ES256", "jwk": dict(
            public_jwk, x=jwk["y"], y=jwk["x"])})), ("signature_invalid", "key_invalid"),
            "dpop verify refuses a proof signed by another key than its jwk")

    expect_refused(jot("dpop", "proof", "--key", es + ".private.pem", "--alg", "HS256", "--method", "GET", "--url",
                       url), "dpop_algorithm_not_allowed", "dpop proof with an HMAC algorithm")
    expect_refused(jot("dpop", "proof", "--key", es + ".private.pem", "--method", "GET", "--url", "/orders"),
                   "invalid_argument", "dpop proof for a relative URL")
    expect_refused(verify("--method", "GET", "--url", "ftp://x/", "--now", NOW), "invalid_argument",
                   "dpop verify for a URL that is not http(s)")
    expect_refused(jot("dpop", "proof", "--method", "GET", "--url", url), "usage", "dpop proof without --key")


GROUPS = {"usage": test_usage, "stdin": test_stdin, "policy": test_policy, "keys": test_keys, "sign": test_sign,
          "decode": test_decode, "colour": test_colour, "keygen": test_keygen, "jwks": test_jwks,
          "roundtrip": test_roundtrip, "jwe": test_jwe, "guide": test_guide, "http": test_http,
          "forgiving": test_forgiving, "docs": test_docs, "diagnose": test_diagnose, "jws": test_jws,
          "dpop": test_dpop}


def main():
    global JOT, WORK, group
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    JOT = os.path.abspath(sys.argv[1])
    names = sys.argv[2:] or list(GROUPS)
    unknown = [n for n in names if n not in GROUPS]
    if unknown:
        print(f"unknown group(s): {unknown}; known: {list(GROUPS)}")
        return 2
    with tempfile.TemporaryDirectory(prefix="jot-cli-") as tmp:
        for name in names:
            group = name
            WORK = os.path.join(tmp, name)
            os.mkdir(WORK)
            _keys.clear()
            before = len(failures)
            GROUPS[name]()
            print(f"{name}: {'ok' if len(failures) == before else f'{len(failures) - before} failed'}", flush=True)
    print(f"{checks} checks, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
