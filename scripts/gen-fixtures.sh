#!/usr/bin/env bash
# Regenerates every test certificate and key under fixtures/.
# Needs only the `openssl` command (written against OpenSSL 3.0).
# File names are stable; contents (keys, serials) change on every run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/fixtures"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Good certificates: valid from 2025-01-01 for fifty years.
GOOD_START=20250101000000Z
GOOD_END=20750101000000Z
PASS=somepass

rm -rf "$OUT"
mkdir -p "$OUT"

# `openssl x509` in 3.0 cannot set arbitrary dates, `openssl ca` can; give it
# a throwaway database per signing CA.
ca_conf() { # $1 = CA name (directory under $WORK)
  local d="$WORK/$1"
  mkdir -p "$d/new"
  : >"$d/index.txt"
  echo "unique_subject = no" >"$d/index.txt.attr"
  # Random starting serial so reruns do not reuse serial numbers.
  openssl rand -hex 8 | sed 's/^./1/' >"$d/serial"
  cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = this_ca
[ this_ca ]
dir = $d
database = $d/index.txt
new_certs_dir = $d/new
serial = $d/serial
default_md = sha256
policy = policy_any
copy_extensions = none
email_in_dn = yes
[ policy_any ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
emailAddress = optional
EOF
}

# Extensions for every kind of certificate issued here.
cat >"$WORK/ext.cnf" <<'EOF'
[ root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ inter_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_rsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ wronghost_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

genkey() { # $1 = kind, $2 = output PKCS#8 PEM (progress dots silenced)
  case "$1" in
    ecdsa-p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" ;;
    ecdsa-p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$2" ;;
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -quiet -out "$2" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$2" ;;
    *) echo "unknown key kind $1" >&2; exit 1 ;;
  esac
}

# issue CA KEY SUBJECT EXT OUT START END  (CA = issuing CA directory name)
issue() {
  local ca="$1" key="$2" subj="$3" ext="$4" out="$5" start="$6" end="$7"
  local csr="$WORK/req.csr"
  openssl req -new -key "$key" -subj "$subj" -out "$csr"
  openssl ca -batch -notext -config "$WORK/$ca/ca.cnf" \
    -cert "$OUT/$ca.pem" -keyfile "$OUT/$ca.key" \
    -extfile "$WORK/ext.cnf" -extensions "$ext" \
    -startdate "$start" -enddate "$end" \
    -in "$csr" -out "$out" 2>/dev/null
}

# selfsign NAME KEYKIND SUBJECT  -> NAME.pem / NAME.key
selfsign() {
  local name="$1" kind="$2" subj="$3"
  ca_conf "$name"
  genkey "$kind" "$OUT/$name.key"
  openssl req -new -key "$OUT/$name.key" -subj "$subj" -out "$WORK/req.csr"
  openssl ca -batch -notext -selfsign -config "$WORK/$name/ca.cnf" \
    -keyfile "$OUT/$name.key" -extfile "$WORK/ext.cnf" -extensions root_ext \
    -startdate "$GOOD_START" -enddate "$GOOD_END" \
    -in "$WORK/req.csr" -out "$OUT/$name.pem" 2>/dev/null
}

# Root CA (RSA) -> intermediate (ECDSA P-256) -> leaves: mixing algorithms
# makes every chain exercise both RSA and ECDSA signature checks.
selfsign ca rsa2048 "/O=ssl-ts/CN=ssl-ts Test Root CA"
ca_conf inter
genkey ecdsa-p256 "$OUT/inter.key"
issue ca "$OUT/inter.key" "/O=ssl-ts/CN=ssl-ts Test Intermediate CA" inter_ext \
  "$OUT/inter.pem" "$GOOD_START" "$GOOD_END"

# leaf NAME KEYKIND SUBJECT EXT START END  -> NAME.pem, NAME.key, NAME-chain.pem
leaf() {
  local name="$1" kind="$2" subj="$3" ext="$4" start="$5" end="$6" ca="${7:-inter}"
  genkey "$kind" "$OUT/$name.key"
  issue "$ca" "$OUT/$name.key" "$subj" "$ext" "$OUT/$name.pem" "$start" "$end"
  cat "$OUT/$name.pem" "$OUT/$ca.pem" >"$OUT/$name-chain.pem"
}

for kind in ecdsa-p256 ecdsa-p384 rsa2048 ed25519; do
  ext=leaf_ext
  [ "$kind" = rsa2048 ] && ext=leaf_rsa_ext
  leaf "leaf-$kind" "$kind" "/O=ssl-ts/CN=localhost" "$ext" "$GOOD_START" "$GOOD_END"
done

leaf expired ecdsa-p256 "/O=ssl-ts/CN=localhost" leaf_ext 20200101000000Z 20210101000000Z
leaf wronghost ecdsa-p256 "/O=ssl-ts/CN=wrong.example" wronghost_ext "$GOOD_START" "$GOOD_END"
leaf client ecdsa-p256 "/O=ssl-ts/CN=ssl-ts test client" client_ext "$GOOD_START" "$GOOD_END"

# An unrelated root and a leaf it signs directly (chain = leaf + that root).
selfsign other-ca ecdsa-p256 "/O=ssl-ts other/CN=ssl-ts Other Root CA"
leaf untrusted ecdsa-p256 "/O=ssl-ts/CN=localhost" leaf_ext "$GOOD_START" "$GOOD_END" other-ca

# Password-protected copies of leaf keys (password: somepass).
openssl pkcs8 -topk8 -v2 aes-256-cbc -passout "pass:$PASS" \
  -in "$OUT/leaf-ecdsa-p256.key" -out "$OUT/leaf-ecdsa-p256.enc-pkcs8.key"
openssl rsa -traditional -aes256 -passout "pass:$PASS" \
  -in "$OUT/leaf-rsa2048.key" -out "$OUT/leaf-rsa2048.enc-trad.key" 2>/dev/null
# Certificate and key in one file, like CPython's keycert.pem.
cat "$OUT/leaf-ecdsa-p256.pem" "$OUT/leaf-ecdsa-p256.key" >"$OUT/leaf-ecdsa-p256.combined.pem"

cat >"$OUT/README.md" <<'EOF'
# Test fixtures

Generated by `scripts/gen-fixtures.sh` (run `npm run fixtures`); do not edit by
hand. Rerunning replaces every key and certificate. Good certificates are valid
from 2025-01-01 to 2075-01-01. Keys are unencrypted PKCS#8 PEM unless noted.
Chain files (`*-chain.pem`) hold the leaf followed by its issuing CA.

| File | What it is |
| --- | --- |
| `ca.pem`, `ca.key` | Root CA "ssl-ts Test Root CA" (RSA 2048); the trust anchor |
| `inter.pem`, `inter.key` | Intermediate CA "ssl-ts Test Intermediate CA" (ECDSA P-256, pathlen 0), signed by the root |
| `leaf-KIND.pem`, `leaf-KIND.key`, `leaf-KIND-chain.pem` | Server/client leaf for `localhost` (SAN `DNS:localhost, IP:127.0.0.1, IP:::1`, EKU serverAuth+clientAuth) signed by the intermediate; KIND is `ecdsa-p256`, `ecdsa-p384`, `rsa2048`, `ed25519` |
| `expired.pem`, `expired.key`, `expired-chain.pem` | ECDSA P-256 leaf for localhost, valid 2020-01-01 to 2021-01-01 only |
| `wronghost.pem`, `wronghost.key`, `wronghost-chain.pem` | Valid leaf whose only SAN is `DNS:wrong.example` (CN wrong.example) |
| `other-ca.pem`, `other-ca.key` | An unrelated root CA "ssl-ts Other Root CA" (ECDSA P-256) |
| `untrusted.pem`, `untrusted.key`, `untrusted-chain.pem` | Leaf for localhost signed directly by other-ca (chain = leaf + other-ca) |
| `client.pem`, `client.key`, `client-chain.pem` | Client certificate CN "ssl-ts test client", EKU clientAuth, ECDSA P-256 |
| `leaf-ecdsa-p256.enc-pkcs8.key` | `leaf-ecdsa-p256.key` as encrypted PKCS#8 (AES-256-CBC), password `somepass` |
| `leaf-rsa2048.enc-trad.key` | `leaf-rsa2048.key` in traditional OpenSSL encrypted PEM (`BEGIN RSA PRIVATE KEY`, `Proc-Type: 4,ENCRYPTED`, AES-256-CBC), password `somepass` |
| `leaf-ecdsa-p256.combined.pem` | `leaf-ecdsa-p256.pem` followed by its unencrypted key in one file |
EOF

echo "fixtures written to $OUT"
