#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End-to-end demo of examples/http_api: a private redis-server, API instances sharing it (and one on its own
# in-memory store), driven with curl; every status and challenge is checked. Redis is then stopped and restarted
# mid-run: the fail-closed instances answer 503, the fail-open one keeps serving, nothing crashes, and nothing
# revoked comes back after the restart.
#   scripts/run-http-api-demo.sh [PATH/TO/jot_http_api]      (default: build/examples/jot_http_api)
# Needs redis-server and curl (Debian: redis-server curl; building the API needs libhiredis-dev and
# libcpp-httplib-dev). Installs nothing. Exit status 0 only when every check passes.
set -euo pipefail

api=${1:-build/examples/jot_http_api}
redis_server=${JOT_REDIS_SERVER:-redis-server}
curl=${JOT_CURL:-curl}
for tool in "$api" "$redis_server" "$curl"; do
    command -v "$tool" > /dev/null || { echo "run-http-api-demo: $tool not found" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/jot-http-api-demo.XXXXXX")
pids=()
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
    if ((status != 0)); then
        for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 40 "$log"; }; done
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failures=0
check() { # check DESCRIPTION COMMAND...: runs the command, prints ok or FAILED
    local what=$1; shift
    if "$@"; then
        printf '%-78s ok\n' "$what"
    else
        printf '%-78s FAILED\n' "$what"
        failures=$((failures + 1))
    fi
}

# -- ports ---------------------------------------------------------------------------------------------------

port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
free_port() {
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        port_in_use "$p" || { echo "$p"; return 0; }
    done
    echo "run-http-api-demo: no free port" >&2
    return 1
}
wait_for() { # wait_for SECONDS COMMAND...
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}
redis_answers() { # PING over bash's /dev/tcp, so redis-cli is not needed
    (
        exec 4<> "/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'PING\r\n' >&4
        read -r -t 1 reply <&4 || exit 1
        [ "${reply%$'\r'}" = "+PONG" ]
    ) 2> /dev/null
}

# -- redis-server: temporary directory, free port, AOF fsynced on every write --------------------------------
# Persistence matters here: the fault checks restart Redis, and a Redis without it forgets every revocation.

start_redis() { # start_redis PORT: sets redis_pid; false when it does not answer within 5 s
    "$redis_server" --bind 127.0.0.1 --port "$1" --save '' --appendonly yes --appendfsync always --dir "$work" \
        --protected-mode yes >> "$work/redis.log" 2>&1 &
    redis_pid=$!
    pids+=("$redis_pid")
    wait_for 5 redis_answers "$1"
}
stop_redis() {
    kill "$redis_pid" 2> /dev/null || true
    wait "$redis_pid" 2> /dev/null || true
}

redis_port=
for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if start_redis "$port"; then
        redis_port=$port
        break
    fi
    stop_redis
    echo "redis-server did not start on port $port (attempt $attempt)" >&2
done
[ -n "$redis_port" ] || { echo "run-http-api-demo: cannot start redis-server" >&2; exit 1; }
echo "redis-server on 127.0.0.1:$redis_port"

# -- API instances --------------------------------------------------------------------------------------------

# Every instance signs and verifies with the same HS256 secret: 32 random bytes, not text.
head -c 32 /dev/urandom > "$work/secret.bin"

start_api() { # start_api NAME [OPTIONS...]: starts an instance on a free port, written to $work/NAME.port
    local name=$1; shift
    "$api" --name "$name" --secret-file "$work/secret.bin" --port 0 --port-file "$work/$name.port" "$@" \
        > "$work/$name.log" 2>&1 &
    pids+=($!)
    api_pids[$name]=$!
    wait_for 10 test -s "$work/$name.port" || { echo "instance $name did not start" >&2; exit 1; }
}
declare -A api_pids
start_api A --redis "127.0.0.1:$redis_port"
start_api B --redis "127.0.0.1:$redis_port"
start_api C  # no Redis: its own jot::memory_jti_store
start_api D --redis "127.0.0.1:$redis_port" --store-failure accept  # fails open when Redis is away
port_A=$(cat "$work/A.port")
port_B=$(cat "$work/B.port")
port_C=$(cat "$work/C.port")
port_D=$(cat "$work/D.port")
base_A=http://127.0.0.1:$port_A
base_B=http://127.0.0.1:$port_B
base_C=http://127.0.0.1:$port_C
base_D=http://127.0.0.1:$port_D
echo "instances: A on $port_A, B on $port_B, D on $port_D (Redis; D fails open), C on $port_C (memory)"

# -- HTTP helpers ----------------------------------------------------------------------------------------------

# call METHOD URL [curl arguments...]: sets $status; the body and headers are in $work/body, $work/headers.
call() {
    local method=$1 url=$2; shift 2
    status=$("$curl" -sS --max-time 10 -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$method" "$@" "$url")
}
bearer() { printf 'Authorization: Bearer %s' "$1"; }
json_post() { call POST "$1" -H 'Content-Type: application/json' --data-binary "$2"; }
status_is() { [ "$status" = "$1" ]; }
body_has() { grep -qF -- "$1" "$work/body"; }
# The header's value (first occurrence, without the CR).
header() { grep -i "^$1:" "$work/headers" | head -n 1 | sed -e 's/^[^:]*: *//' -e 's/\r$//'; }
header_is() { [ "$(header "$1")" = "$2" ]; }
member() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$work/body"; }
login() { # login BASE USER PASSWORD: sets access and refresh
    json_post "$1/login" "{\"user\":\"$2\",\"password\":\"$3\"}"
    access=$(member access_token)
    refresh=$(member refresh_token)
}

# -- the checks -----------------------------------------------------------------------------------------------

call GET "$base_A/health"; check "instance A uses Redis" body_has '"store":"redis"'
call GET "$base_B/health"; check "instance B uses Redis" body_has '"store":"redis"'
call GET "$base_C/health"; check "instance C (no Redis) uses its in-memory store" body_has '"store":"memory"'

login "$base_A" alice wrong-password
check "login with a wrong password: 400" status_is 400
check "  error invalid_grant" body_has '"error":"invalid_grant"'

login "$base_A" alice alice-demo-password
check "login as alice on A: 200" status_is 200
check "  a Bearer access token and a refresh token" \
    test -n "$access" -a -n "$refresh" -a "$(member token_type)" = Bearer
check "  Cache-Control: no-store" header_is Cache-Control no-store
alice_access=$access
alice_refresh=$refresh

call GET "$base_A/orders" -H "$(bearer "$alice_access")"
check "GET /orders with alice's token on A: 200" status_is 200
call POST "$base_B/orders" -H "$(bearer "$alice_access")" -H 'Content-Type: application/json' \
    --data-binary '{"item":"tea"}'
check "POST /orders with the same token on B: 201" status_is 201

call GET "$base_A/orders"
check "no Authorization header: 401" status_is 401
check "  WWW-Authenticate without an error code (RFC 6750 §3.1)" header_is WWW-Authenticate 'Bearer realm="orders"'

call GET "$base_A/orders" -H "$(bearer not-a-jwt)"
check "a token that is not a JWT: 401" status_is 401
check "  invalid_token, malformed" header_is WWW-Authenticate \
    'Bearer realm="orders", error="invalid_token", error_description="the access token is malformed"'

# Change one character well inside the signature (the last one may only carry unused bits).
at=$((${#alice_access} - 10))
original=${alice_access:at:1}
replacement=A
[ "$original" = A ] && replacement=B
forged=${alice_access:0:at}$replacement${alice_access:at+1}
call GET "$base_A/orders" -H "$(bearer "$forged")"
check "a token with a changed signature: 401" status_is 401
check "  invalid_token" header_is WWW-Authenticate \
    'Bearer realm="orders", error="invalid_token", error_description="the access token is invalid"'

call GET "$base_A/orders" -H "Authorization: Basic YWxpY2U6c2VjcmV0"
check "another scheme (Basic): 400" status_is 400
check "  invalid_request" header_is WWW-Authenticate \
    'Bearer realm="orders", error="invalid_request", error_description="expected one Bearer token"'

call GET "$base_A/orders" -H "$(bearer "$alice_refresh")"
check "a refresh token used as an access token: 401 (typ differs)" status_is 401

login "$base_B" bob bob-demo-password
check "login as bob (orders:read only) on B: 200" status_is 200
bob_access=$access
call GET "$base_A/orders" -H "$(bearer "$bob_access")"
check "bob reads orders: 200" status_is 200
call POST "$base_A/orders" -H "$(bearer "$bob_access")" -H 'Content-Type: application/json' \
    --data-binary '{"item":"coffee"}'
check "bob writes an order: 403" status_is 403
check "  insufficient_scope naming orders:write" header_is WWW-Authenticate \
    'Bearer realm="orders", error="insufficient_scope", error_description="the access token lacks a required scope", scope="orders:write"'

json_post "$base_A/refresh" "{\"refresh_token\":\"$alice_access\"}"
check "an access token used as a refresh token: 400" status_is 400

json_post "$base_A/refresh" "{\"refresh_token\":\"$alice_refresh\"}"
check "refresh on A: 200" status_is 200
rotated_access=$(member access_token)
rotated_refresh=$(member refresh_token)
check "  a new refresh token (rotation)" test -n "$rotated_refresh" -a "$rotated_refresh" != "$alice_refresh"
call GET "$base_B/orders" -H "$(bearer "$rotated_access")"
check "  its access token works on B: 200" status_is 200

json_post "$base_B/refresh" "{\"refresh_token\":\"$alice_refresh\"}"
check "the old refresh token again, on B: 400 (reuse detected)" status_is 400
check "  the session is revoked" body_has 'refresh token reused'
json_post "$base_A/refresh" "{\"refresh_token\":\"$rotated_refresh\"}"
check "the newest refresh token of that family: 400 (family revoked)" status_is 400
call GET "$base_A/orders" -H "$(bearer "$rotated_access")"
check "the family's access token: 401" status_is 401

login "$base_A" alice alice-demo-password
session_access=$access
session_refresh=$refresh
call GET "$base_B/orders" -H "$(bearer "$session_access")"
check "a new session: its token works on B: 200" status_is 200
call GET "$base_A/orders" -H "$(bearer "$session_access")"
check "  and on A (now in A's verified-token cache): 200" status_is 200
call POST "$base_B/logout" -H "$(bearer "$session_access")" --data-binary ''
check "logout on B: 204" status_is 204
call GET "$base_B/orders" -H "$(bearer "$session_access")"
check "the logged-out token on B: 401" status_is 401
check "  invalid_token" header_is WWW-Authenticate \
    'Bearer realm="orders", error="invalid_token", error_description="the access token is not valid for this resource"'
call GET "$base_A/orders" -H "$(bearer "$session_access")"
check "the logged-out token on A: 401 (shared store, not hidden by A's cache)" status_is 401
json_post "$base_B/refresh" "{\"refresh_token\":\"$session_refresh\"}"
check "the logged-out session's refresh token on B: 400" status_is 400

login "$base_C" alice alice-demo-password
check "login on C (memory store): 200" status_is 200
# As `curl -X POST` sends it: no body and no Content-Length (cpp-httplib alone would wait, then answer 400).
call POST "$base_C/logout" -H "$(bearer "$access")"
check "logout on C, a POST without Content-Length: 204" status_is 204
call GET "$base_C/orders" -H "$(bearer "$access")"
check "C refuses its own logged-out token: 401" status_is 401

# -- DPoP (RFC 9449): proofs made by an independent client (Python `cryptography`, not jot) ------------------------

python=${JOT_PYTHON:-python3}
client="$(cd "$(dirname "$0")/.." && pwd)/examples/http_api/dpop_client.py"
if "$python" -c 'import cryptography' 2> /dev/null; then
    "$python" "$client" keygen "$work/key1.pem"
    "$python" "$client" keygen "$work/key2.pem"
    proof() { "$python" "$client" proof "$work/$1.pem" "$2" "$3" "${4:-}"; }  # proof KEY METHOD URL [TOKEN]
    dpop() { printf 'Authorization: DPoP %s' "$1"; }
    algs='ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA Ed25519 Ed448'
    dpop_login() { # dpop_login KEY: sets access to a token bound to KEY
        call POST "$base_A/login" -H 'Content-Type: application/json' -H "DPoP: $(proof "$1" POST "$base_A/login")" \
            --data-binary '{"user":"alice","password":"alice-demo-password"}'
        access=$(member access_token)
    }

    call GET "$base_A/orders"
    check "no credentials: a DPoP challenge next to the Bearer one (RFC 9449 §7.2)" \
        grep -qF "WWW-Authenticate: DPoP realm=\"orders\", algs=\"$algs\"" "$work/headers"

    dpop_login key1
    check "login with a DPoP proof from the Python client: 200" status_is 200
    check "  token_type DPoP" test "$(member token_type)" = DPoP
    bound1=$access
    check "  the access token is bound to the client's key (cnf.jkt)" \
        grep -qF "\"jkt\":\"$("$python" "$client" thumbprint "$work/key1.pem")\"" \
        <(printf '%s' "$bound1" | cut -d. -f2 | tr '_-' '/+' | base64 -d 2> /dev/null)

    p=$(proof key1 GET "$base_A/orders" "$bound1")
    call GET "$base_A/orders" -H "$(dpop "$bound1")" -H "DPoP: $p"
    check "GET /orders with the bound token and a proof of its key: 200" status_is 200
    call GET "$base_A/orders" -H "$(dpop "$bound1")" -H "DPoP: $p"
    check "the same proof again (a replay): 401" status_is 401
    check "  invalid_dpop_proof" header_is WWW-Authenticate \
        "DPoP realm=\"orders\", error=\"invalid_dpop_proof\", error_description=\"the DPoP proof is invalid\", algs=\"$algs\""
    check "  because it was used before" body_has 'single-use token or proof was presented again'

    call GET "$base_A/orders" -H "$(dpop "$bound1")" -H "DPoP: $(proof key1 GET "$base_A/elsewhere" "$bound1")"
    check "a proof for another URL: 401 invalid_dpop_proof" header_is WWW-Authenticate \
        "DPoP realm=\"orders\", error=\"invalid_dpop_proof\", error_description=\"the DPoP proof is invalid\", algs=\"$algs\""
    check "  because of htu" body_has '\"htu\" is not the request URI'
    call GET "$base_A/orders" -H "$(dpop "$bound1")" -H "DPoP: $(proof key1 POST "$base_A/orders" "$bound1")"
    check "a proof for another method: 401, because of htm" body_has '\"htm\" is not the request method'

    dpop_login key2
    bound2=$access
    call GET "$base_A/orders" -H "$(dpop "$bound2")" -H "DPoP: $(proof key1 GET "$base_A/orders" "$bound2")"
    check "a token bound to another key than the proof's: 401" status_is 401
    check "  invalid_dpop_proof, the key is not the token's" header_is WWW-Authenticate \
        "DPoP realm=\"orders\", error=\"invalid_dpop_proof\", error_description=\"the DPoP proof key is not the key the access token is bound to\", algs=\"$algs\""
    call GET "$base_A/orders" -H "$(dpop "$bound2")" -H "DPoP: $(proof key2 GET "$base_A/orders" "$bound1")"
    check "a proof whose ath is another token's: 401, because of ath" body_has '\"ath\" is not the hash'
    call GET "$base_A/orders" -H "$(dpop "$bound2")" -H "DPoP: $(proof key2 GET "$base_A/orders" "$bound2")"
    check "  the same token with a proof of its own key: 200" status_is 200

    call GET "$base_A/orders" -H "$(bearer "$bound1")"
    check "a DPoP-bound token presented as Bearer: 401 invalid_token" header_is WWW-Authenticate \
        'Bearer realm="orders", error="invalid_token", error_description="the access token is not valid for this resource"'
    check "  because it is bound" body_has 'presented with the Bearer scheme'
    call GET "$base_A/orders" -H "$(dpop "$bound1")"
    check "the DPoP scheme without a proof: 401 invalid_dpop_proof" body_has 'no DPoP proof in the request'
    call GET "$base_A/orders" -H "$(dpop "$bob_access")" -H "DPoP: $(proof key1 GET "$base_A/orders" "$bob_access")"
    check "an unbound (Bearer) token with the DPoP scheme: 401 invalid_token" header_is WWW-Authenticate \
        "DPoP realm=\"orders\", error=\"invalid_token\", error_description=\"the access token is not bound to a DPoP key\", algs=\"$algs\""
    call POST "$base_A/login" -H 'Content-Type: application/json' -H "DPoP: $(proof key1 POST "$base_B/login")" \
        --data-binary '{"user":"alice","password":"alice-demo-password"}'
    check "login with a proof for another server: 400 invalid_dpop_proof" body_has '"error":"invalid_dpop_proof"'
else
    echo "DPoP checks SKIPPED: $python with the cryptography package not found (Debian: python3-cryptography)"
fi

# -- Redis stopped mid-run, then restarted ------------------------------------------------------------------------

login "$base_A" alice alice-demo-password
live_access=$access
live_refresh=$refresh
call GET "$base_B/orders" -H "$(bearer "$live_access")"
check "a live session before the outage: 200 on B" status_is 200
call GET "$base_D/orders" -H "$(bearer "$live_access")"
check "  and on D: 200" status_is 200

stop_redis
call GET "$base_A/health"; check "Redis stopped: A reports it unreachable" body_has '"store":"redis-unreachable"'
call GET "$base_A/orders" -H "$(bearer "$live_access")"
check "  a live token on A (fails closed): 503" status_is 503
check "  with Retry-After" header_is Retry-After 1
call GET "$base_B/orders" -H "$(bearer "$session_access")"
check "  the logged-out token on B: 503, never 200" status_is 503
json_post "$base_A/refresh" "{\"refresh_token\":\"$live_refresh\"}"
check "  a refresh on A: 503 (no new tokens without the store)" status_is 503
call GET "$base_D/orders" -H "$(bearer "$live_access")"
check "  a live token on D (--store-failure accept): 200" status_is 200
login "$base_C" bob bob-demo-password
call GET "$base_C/orders" -H "$(bearer "$access")"
check "  C, on its own memory store, keeps serving: 200" status_is 200
for name in A B C D; do
    check "  instance $name is still running" kill -0 "${api_pids[$name]}"
done

start_redis "$redis_port" || { echo "run-http-api-demo: redis-server did not restart" >&2; exit 1; }
sleep 0.7  # past the store's retry interval (500 ms)
call GET "$base_A/health"; check "Redis restarted: A reconnects" body_has '"store":"redis"'
call GET "$base_A/orders" -H "$(bearer "$session_access")"
check "  the logged-out token on A: still 401 (nothing revoked comes back)" status_is 401
call GET "$base_B/orders" -H "$(bearer "$session_access")"
check "  and on B: 401" status_is 401
call GET "$base_D/orders" -H "$(bearer "$rotated_access")"
check "  the reuse-revoked family's token on D: 401" status_is 401
call GET "$base_B/orders" -H "$(bearer "$live_access")"
check "  the live token on B: 200 again" status_is 200
json_post "$base_B/refresh" "{\"refresh_token\":\"$live_refresh\"}"
check "  its refresh token, refused during the outage, now rotates on B: 200" status_is 200
json_post "$base_A/refresh" "{\"refresh_token\":\"$live_refresh\"}"
check "  presented again on A: 400 (reuse detected across instances)" status_is 400

echo "elapsed: ${SECONDS}s"
if ((failures)); then
    echo "http api demo: $failures check(s) FAILED"
    exit 1
fi
echo "http api demo: all checks passed"
