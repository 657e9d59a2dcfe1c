"""OpenSSL's own verdicts (X509_verify_cert), through the libcrypto CPython's
_ssl is linked with (ctypes).

By default a case is set up as x509-limbo's OpenSSL harness does:
X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN, auth level 2, hostname
flags NO_PARTIAL_WILDCARDS, purpose only when the case names an EKU, the
case's max depth, CRL_CHECK | CRL_CHECK_ALL when it has CRLs. Two optional
fields let other tests ask for other settings: "flags" (the whole
X509_V_FLAG_* set, replacing the default one, TRUSTED_FIRST included) and
"auth_level".

stdin: JSON list of cases (x509-limbo fields plus "time", seconds since the
epoch to verify at). stdout: JSON list of {"ok": bool, "code": int,
"message": str, "chain_length": int} (the length of the chain OpenSSL built,
also when it failed).
"""
import ctypes
import json
import subprocess
import sys

import _ssl

lib = [l.split("=>")[1].split()[0] for l in subprocess.run(["ldd", _ssl.__file__], capture_output=True, text=True).stdout.splitlines() if "libcrypto" in l][0]
c = ctypes.CDLL(lib)
P = ctypes.c_void_p
for name, res, args in [
    ("BIO_new_mem_buf", P, [ctypes.c_char_p, ctypes.c_int]),
    ("BIO_free", ctypes.c_int, [P]),
    ("PEM_read_bio_X509", P, [P, P, P, P]),
    ("PEM_read_bio_X509_CRL", P, [P, P, P, P]),
    ("X509_free", None, [P]),
    ("X509_CRL_free", None, [P]),
    ("X509_STORE_new", P, []),
    ("X509_STORE_free", None, [P]),
    ("X509_STORE_add_cert", ctypes.c_int, [P, P]),
    ("X509_STORE_add_crl", ctypes.c_int, [P, P]),
    ("X509_STORE_set_flags", ctypes.c_int, [P, ctypes.c_ulong]),
    ("OPENSSL_sk_new_null", P, []),
    ("OPENSSL_sk_push", ctypes.c_int, [P, P]),
    ("OPENSSL_sk_free", None, [P]),
    ("X509_STORE_CTX_new", P, []),
    ("X509_STORE_CTX_free", None, [P]),
    ("X509_STORE_CTX_init", ctypes.c_int, [P, P, P, P]),
    ("X509_STORE_CTX_set_time", None, [P, ctypes.c_ulong, ctypes.c_long]),
    ("X509_STORE_CTX_get0_param", P, [P]),
    ("X509_STORE_CTX_set_purpose", ctypes.c_int, [P, ctypes.c_int]),
    ("X509_STORE_CTX_get_error", ctypes.c_int, [P]),
    ("X509_VERIFY_PARAM_set_auth_level", None, [P, ctypes.c_int]),
    ("X509_VERIFY_PARAM_set_flags", ctypes.c_int, [P, ctypes.c_ulong]),
    ("X509_VERIFY_PARAM_clear_flags", ctypes.c_int, [P, ctypes.c_ulong]),
    ("X509_STORE_CTX_get0_chain", P, [P]),
    ("OPENSSL_sk_num", ctypes.c_int, [P]),
    ("X509_VERIFY_PARAM_set_hostflags", None, [P, ctypes.c_uint]),
    ("X509_VERIFY_PARAM_set1_host", ctypes.c_int, [P, ctypes.c_char_p, ctypes.c_size_t]),
    ("X509_VERIFY_PARAM_set1_ip_asc", ctypes.c_int, [P, ctypes.c_char_p]),
    ("X509_VERIFY_PARAM_set_depth", None, [P, ctypes.c_int]),
    ("X509_verify_cert", ctypes.c_int, [P]),
    ("X509_verify_cert_error_string", ctypes.c_char_p, [ctypes.c_long]),
]:
    f = getattr(c, name)
    f.restype = res
    f.argtypes = args

X509_V_FLAG_CRL_CHECK = 0x4
X509_V_FLAG_CRL_CHECK_ALL = 0x8
X509_V_FLAG_X509_STRICT = 0x20
X509_V_FLAG_PARTIAL_CHAIN = 0x80000
NO_PARTIAL_WILDCARDS = 0x4
PURPOSES = {"serverAuth": 2, "clientAuth": 1, "anyExtendedKeyUsage": 7}  # X509_PURPOSE_SSL_SERVER, _SSL_CLIENT, _ANY


def read(pem: str, fn):
    data = pem.encode()
    bio = c.BIO_new_mem_buf(data, len(data))
    obj = fn(bio, None, None, None)
    c.BIO_free(bio)
    if not obj:
        raise ValueError("unreadable PEM")
    return obj


def verify(case):
    store = c.X509_STORE_new()
    flags = X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN
    owned = []
    for pem in case["trusted_certs"]:
        x = read(pem, c.PEM_read_bio_X509)
        c.X509_STORE_add_cert(store, x)
        owned.append((c.X509_free, x))
    if case.get("crls"):
        for pem in case["crls"]:
            crl = read(pem, c.PEM_read_bio_X509_CRL)
            c.X509_STORE_add_crl(store, crl)
            owned.append((c.X509_CRL_free, crl))
        flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL
    c.X509_STORE_set_flags(store, flags)
    untrusted = c.OPENSSL_sk_new_null()
    for pem in case["untrusted_intermediates"]:
        x = read(pem, c.PEM_read_bio_X509)
        c.OPENSSL_sk_push(untrusted, x)
        owned.append((c.X509_free, x))
    leaf = read(case["peer_certificate"], c.PEM_read_bio_X509)
    owned.append((c.X509_free, leaf))
    ctx = c.X509_STORE_CTX_new()
    c.X509_STORE_CTX_init(ctx, store, leaf, untrusted)
    param = c.X509_STORE_CTX_get0_param(ctx)
    if case.get("flags") is not None:
        # Before set_time, which adds X509_V_FLAG_USE_CHECK_TIME.
        c.X509_VERIFY_PARAM_clear_flags(param, 0xFFFFFFFF)
        c.X509_VERIFY_PARAM_set_flags(param, int(case["flags"]))
    c.X509_STORE_CTX_set_time(ctx, 0, int(case["time"]))
    c.X509_VERIFY_PARAM_set_auth_level(param, int(case.get("auth_level", 2)))
    peer = case.get("expected_peer_name")
    if peer:
        value = peer["value"].encode()
        if peer["kind"] == "DNS":
            c.X509_VERIFY_PARAM_set_hostflags(param, NO_PARTIAL_WILDCARDS)
            c.X509_VERIFY_PARAM_set1_host(param, value, len(value))
        elif peer["kind"] == "IP":
            c.X509_VERIFY_PARAM_set1_ip_asc(param, value)
    for eku in case.get("extended_key_usage") or []:
        c.X509_STORE_CTX_set_purpose(ctx, PURPOSES[eku])
    if case.get("max_chain_depth") is not None:
        c.X509_VERIFY_PARAM_set_depth(param, int(case["max_chain_depth"]))
    ok = c.X509_verify_cert(ctx) == 1
    code = c.X509_STORE_CTX_get_error(ctx)
    chain = c.X509_STORE_CTX_get0_chain(ctx)
    out = {"ok": ok, "code": 0 if ok else code, "message": c.X509_verify_cert_error_string(code).decode(),
           "chain_length": c.OPENSSL_sk_num(chain) if chain else 0}
    c.X509_STORE_CTX_free(ctx)
    c.OPENSSL_sk_free(untrusted)
    c.X509_STORE_free(store)
    for free, obj in owned:
        free(obj)
    return out


print(json.dumps([verify(case) for case in json.loads(sys.stdin.read())]))
