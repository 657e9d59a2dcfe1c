#!/bin/bash
# Runs tlsfuzzer scripts against `ssl-ts server --www` and `openssl s_server -www`
# side by side, with the same script arguments, and prints each one's failing
# sub-tests. tlsfuzzer, tlslite-ng and python-ecdsa are not part of this
# repository: check them out beside it (the `fetch` tool, or git clone) and
# point TLSFUZZER_ROOT at the directory holding the three.
#
#   TLSFUZZER_ROOT=/work/ext scripts/tlsfuzzer-compare.sh test-tls13-empty-alert
#   TLSFUZZER_ROOT=/work/ext scripts/tlsfuzzer-compare.sh test-extended-master-secret-extension -d
#
# Both servers get the same self-signed RSA certificate (tlsfuzzer's TLS 1.3
# scripts list only RSA-PSS in signature_algorithms_cert, which OpenSSL applies
# to a CA-issued chain), and ssl-ts is given s_server's defaults: OpenSSL's
# DEFAULT cipher list and automatic DH parameters.
set -u
ROOT=${TLSFUZZER_ROOT:?set TLSFUZZER_ROOT to the directory holding tlsfuzzer, tlslite-ng and python-ecdsa}
script=$1; shift
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); [ -n "${KEEP:-}" ] && echo "work dir: $work"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
openssl req -x509 -newkey rsa:2048 -keyout "$work/key.pem" -out "$work/cert.pem" -subj /CN=localhost -nodes -batch -sha256 -days 2 2>/dev/null
[ -f "$here/dist/src/cli/main.js" ] || (cd "$here" && npm run build >/dev/null)

run() {
  local which=$1 port=$((20000 + RANDOM % 20000)) pid
  shift
  if [ "$which" = ssl-ts ]; then
    node "$here/dist/src/cli/main.js" server --www --port $port --cert "$work/cert.pem" --key "$work/key.pem" --ciphers DEFAULT --dhparam auto >"$work/server.log" 2>&1 &
  else
    openssl s_server -www -accept $port -cert "$work/cert.pem" -key "$work/key.pem" >"$work/server.log" 2>&1 &
  fi
  pid=$!
  for _ in $(seq 1 50); do (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
  (cd "$ROOT" && PYTHONPATH=tlsfuzzer:tlslite-ng:python-ecdsa/src timeout 900 python3 "tlsfuzzer/scripts/$script.py" -p $port "$@") >"$work/$which.log" 2>&1
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
  echo "== $which: $(grep -E '^(PASS|FAIL): ' "$work/$which.log" | tr '\n' ' ')"
  sed -n '/^FAILED:/,$p' "$work/$which.log" | sed 1d
}
echo "# $script $*"
run ssl-ts "$@"
run openssl "$@"
