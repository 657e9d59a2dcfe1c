#!/usr/bin/env bash
# Regenerates every test certificate and key under fixtures/.
# Needs only the `openssl` command (written against OpenSSL 3.0).
# File names are stable; contents (keys, serials) change on every run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${FIXTURES_OUT:-$ROOT/fixtures}"  # FIXTURES_OUT: write elsewhere (e.g. to refresh one part)
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

# ---------------------------------------------------------------- chains/
# A matrix of chains for path-validation tests (test/x509/chains.test.ts
# compares our verdicts with `openssl verify`). Every certificate NAME has
# chains/NAME.pem and chains/NAME.key; CRLs are chains/NAME.crl.pem.
CH="$OUT/chains"
mkdir -p "$CH"
cat >>"$WORK/ext.cnf" <<'EOF2'
[ ch_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_int ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_int_pl0 ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_int_noca ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_int_noku ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_int_bcnc ]
basicConstraints = CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_int_nc ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = critical, permitted;DNS:good.example, excluded;DNS:bad.good.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_leaf_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_leaf_ip ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:192.0.2.10, IP:2001:db8::10
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_leaf_wild ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.wild.example, DNS:f*.partial.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_leaf_cn ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_leaf_nc_ok ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:www.good.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_leaf_nc_bad ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:www.bad.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ ch_leaf_nc_excl ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:x.bad.good.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF2

# chcert NAME KEYKIND SUBJECT EXT ISSUER [START END MD KEYFROM]
#   ISSUER "self" makes a self-signed certificate; KEYFROM reuses NAME's key from another certificate.
chcert() {
  local name="$1" kind="$2" subj="$3" ext="$4" issuer="$5"
  local start="${6:-$GOOD_START}" end="${7:-$GOOD_END}" md="${8:-sha256}" keyfrom="${9:-}"
  if [ -n "$keyfrom" ]; then cp "$CH/$keyfrom.key" "$CH/$name.key"; else genkey "$kind" "$CH/$name.key"; fi
  [ "$kind" = ed25519 ] && md=default
  openssl req -new -key "$CH/$name.key" -subj "$subj" -out "$WORK/req.csr"
  ca_conf "ch-$name"
  if [ "$issuer" = self ]; then
    openssl ca -batch -notext -selfsign -config "$WORK/ch-$name/ca.cnf" -keyfile "$CH/$name.key" \
      -extfile "$WORK/ext.cnf" -extensions "$ext" -startdate "$start" -enddate "$end" -md "$md" \
      -in "$WORK/req.csr" -out "$CH/$name.pem" 2>/dev/null
  else
    local imd="$md"
    # Ed25519 issuers sign without a separate digest.
    openssl pkey -in "$CH/$issuer.key" -noout -text 2>/dev/null | grep -q '^ED25519' && imd=default
    openssl ca -batch -notext -config "$WORK/ch-$issuer/ca.cnf" -cert "$CH/$issuer.pem" -keyfile "$CH/$issuer.key" \
      -extfile "$WORK/ext.cnf" -extensions "$ext" -startdate "$start" -enddate "$end" -md "$imd" \
      -in "$WORK/req.csr" -out "$CH/$name.pem" 2>/dev/null
  fi
}

# gencrl ISSUER OUT [LASTUPDATE NEXTUPDATE]: a CRL of everything ISSUER revoked so far.
gencrl() {
  local issuer="$1" out="$2"
  local dates=(-crldays 18250)
  [ -n "${3:-}" ] && dates=(-crl_lastupdate "$3" -crl_nextupdate "$4")
  openssl ca -gencrl -config "$WORK/ch-$issuer/ca.cnf" -cert "$CH/$issuer.pem" -keyfile "$CH/$issuer.key" \
    -md sha256 "${dates[@]}" -out "$out" 2>/dev/null
}

# tamper KIND IN OUT: flips the last octet (inside the signature) of a PEM certificate or CRL.
tamper() {
  local kind="$1" in="$2" out="$3" der="$WORK/tamper.der"
  openssl "$kind" -in "$in" -outform DER -out "$der"
  local size last
  size=$(wc -c <"$der")
  last=$(od -An -tu1 -j $((size - 1)) -N1 "$der" | tr -d ' ')
  # shellcheck disable=SC2059
  printf "\\$(printf '%03o' $(((last + 1) % 256)))" | dd of="$der" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
  openssl "$kind" -inform DER -in "$der" -out "$out"
}

O="/O=ssl-ts chains"
# Roots.
chcert root-rsa rsa2048 "$O/CN=Chains RSA Root" ch_root self
chcert root-ec ecdsa-p256 "$O/CN=Chains EC Root" ch_root self
chcert root-ed ed25519 "$O/CN=Chains Ed25519 Root" ch_root self
chcert root-other ecdsa-p256 "$O/CN=Chains Other Root" ch_root self
chcert root-old ecdsa-p256 "$O/CN=Chains Old Root" ch_root self
chcert root-new ecdsa-p256 "$O/CN=Chains New Root" ch_root self
# The new root's key and name, certified by the old root: a cross-certificate (and an expired one).
chcert cross-new-by-old ecdsa-p256 "$O/CN=Chains New Root" ch_int root-old "$GOOD_START" "$GOOD_END" sha256 root-new
chcert cross-new-by-old-expired ecdsa-p256 "$O/CN=Chains New Root" ch_int root-old 20200101000000Z 20210101000000Z sha256 root-new

# Valid chains: RSA with one intermediate, ECDSA with one and two, Ed25519 with three.
chcert int-rsa rsa2048 "$O/CN=Chains RSA Intermediate" ch_int root-rsa
chcert leaf-rsa rsa2048 "$O/CN=localhost" ch_leaf int-rsa
chcert int-ec1 ecdsa-p256 "$O/CN=Chains EC Intermediate 1" ch_int root-ec
chcert int-ec2 ecdsa-p384 "$O/CN=Chains EC Intermediate 2" ch_int int-ec1
chcert leaf-ec1 ecdsa-p256 "$O/CN=localhost" ch_leaf int-ec1
chcert leaf-ec2 ecdsa-p256 "$O/CN=localhost" ch_leaf int-ec2
chcert int-ed1 ed25519 "$O/CN=Chains Ed25519 Intermediate 1" ch_int root-ed
chcert int-ed2 ed25519 "$O/CN=Chains Ed25519 Intermediate 2" ch_int int-ed1
chcert int-ed3 ed25519 "$O/CN=Chains Ed25519 Intermediate 3" ch_int int-ed2
chcert leaf-ed3 ed25519 "$O/CN=localhost" ch_leaf int-ed3
chcert int-new ecdsa-p256 "$O/CN=Chains New Intermediate" ch_int root-new
chcert leaf-cross ecdsa-p256 "$O/CN=localhost" ch_leaf int-new

# Validity periods.
chcert leaf-expired ecdsa-p256 "$O/CN=localhost" ch_leaf int-ec1 20200101000000Z 20210101000000Z
chcert leaf-future ecdsa-p256 "$O/CN=localhost" ch_leaf int-ec1 20700101000000Z 20740101000000Z
chcert int-expired ecdsa-p256 "$O/CN=Chains Expired Intermediate" ch_int root-ec 20200101000000Z 20210101000000Z
chcert leaf-under-expired ecdsa-p256 "$O/CN=localhost" ch_leaf int-expired
chcert int-future ecdsa-p256 "$O/CN=Chains Future Intermediate" ch_int root-ec 20700101000000Z 20740101000000Z
chcert leaf-under-future ecdsa-p256 "$O/CN=localhost" ch_leaf int-future

# Trust problems.
chcert leaf-untrusted ecdsa-p256 "$O/CN=localhost" ch_leaf root-other
chcert leaf-selfsigned ecdsa-p256 "$O/CN=localhost" ch_leaf self

# CA markings, path length, key usage, name constraints.
chcert int-noca ecdsa-p256 "$O/CN=Chains Non-CA Intermediate" ch_int_noca root-ec
chcert leaf-noca ecdsa-p256 "$O/CN=localhost" ch_leaf int-noca
chcert int-noku ecdsa-p256 "$O/CN=Chains No-keyCertSign Intermediate" ch_int_noku root-ec
chcert leaf-noku ecdsa-p256 "$O/CN=localhost" ch_leaf int-noku
chcert int-pl0 ecdsa-p256 "$O/CN=Chains pathlen0 Intermediate" ch_int_pl0 root-ec
chcert sub-pl ecdsa-p256 "$O/CN=Chains Sub CA" ch_int int-pl0
chcert leaf-pl ecdsa-p256 "$O/CN=localhost" ch_leaf sub-pl
chcert int-bcnc ecdsa-p256 "$O/CN=Chains Non-critical BC Intermediate" ch_int_bcnc root-ec
chcert leaf-bcnc ecdsa-p256 "$O/CN=localhost" ch_leaf int-bcnc
chcert int-nc ecdsa-p256 "$O/CN=Chains Constrained Intermediate" ch_int_nc root-ec
chcert leaf-nc-ok ecdsa-p256 "$O/CN=www.good.example" ch_leaf_nc_ok int-nc
chcert leaf-nc-bad ecdsa-p256 "$O/CN=www.bad.example" ch_leaf_nc_bad int-nc
chcert leaf-nc-excl ecdsa-p256 "$O/CN=x.bad.good.example" ch_leaf_nc_excl int-nc

# Leaf contents: EKU, names, signatures.
chcert leaf-client ecdsa-p256 "$O/CN=Chains Client" ch_leaf_client int-ec1
chcert leaf-ip ecdsa-p256 "$O/CN=Chains IP" ch_leaf_ip int-ec1
chcert leaf-wild ecdsa-p256 "$O/CN=Chains Wildcard" ch_leaf_wild int-ec1
chcert leaf-cn ecdsa-p256 "$O/CN=cn-only.example" ch_leaf_cn int-ec1
chcert leaf-sha1 ecdsa-p256 "$O/CN=localhost" ch_leaf int-ec1 "$GOOD_START" "$GOOD_END" sha1
tamper x509 "$CH/leaf-ec1.pem" "$CH/leaf-tampered.pem"
cp "$CH/leaf-ec1.key" "$CH/leaf-tampered.key"

# Revocation: int-crl revokes leaf-revoked; CRLs current, expired, not yet valid, tampered; the root's (empty) CRL.
chcert int-crl ecdsa-p256 "$O/CN=Chains CRL Intermediate" ch_int root-ec
chcert leaf-revoked ecdsa-p256 "$O/CN=localhost" ch_leaf int-crl
chcert leaf-crl-good ecdsa-p256 "$O/CN=localhost" ch_leaf int-crl
openssl ca -config "$WORK/ch-int-crl/ca.cnf" -cert "$CH/int-crl.pem" -keyfile "$CH/int-crl.key" \
  -revoke "$CH/leaf-revoked.pem" -crl_reason keyCompromise 2>/dev/null
gencrl int-crl "$CH/int-crl.crl.pem"
gencrl int-crl "$CH/int-crl-expired.crl.pem" 20200101000000Z 20210101000000Z
gencrl int-crl "$CH/int-crl-future.crl.pem" 20700101000000Z 20710101000000Z
tamper crl "$CH/int-crl.crl.pem" "$CH/int-crl-tampered.crl.pem"
gencrl root-ec "$CH/root-ec.crl.pem"

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
| `chains/` | Path-validation matrix: roots (`root-rsa`, `root-ec`, `root-ed`, `root-other`, `root-old`, `root-new` and its cross-certificates by `root-old`), intermediates and leaves for valid RSA/ECDSA/Ed25519 chains with 1-3 intermediates, expired / not-yet-valid leaves and intermediates, untrusted and self-signed leaves, non-CA / no-keyCertSign / pathlen-0 / non-critical-BC / name-constrained intermediates, EKU, IP, wildcard and CN-only leaves, SHA-1 and tampered signatures, and CRLs (`*.crl.pem`: current, expired, not yet valid, tampered) from `int-crl`, which revoked `leaf-revoked`. Each `NAME.pem` has its `NAME.key`. |
EOF

echo "fixtures written to $OUT"
