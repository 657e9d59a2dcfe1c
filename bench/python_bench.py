#!/usr/bin/env python3
"""CPython's ssl over MemoryBIO pairs: the reference figures for ssl-ts.

Usage: python3 bench/python_bench.py ['{"runMs":600,...}']
Prints one JSON line. Loops and timing protocol mirror bench/sslts_bench.js
and bench/lib.js: warm-up, then `runs` runs of `runMs`, median reported.
"""
import json
import os
import platform
import ssl
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
CERT_CHAIN = os.path.join(FIXTURES, "leaf-ecdsa-p256-chain.pem")
CERT_KEY = os.path.join(FIXTURES, "leaf-ecdsa-p256.key")
CA_FILE = os.path.join(FIXTURES, "ca.pem")
HOSTNAME = "localhost"
MiB = 1024 * 1024

CONFIG = {
    "warmupMs": 3000,
    "runMs": 600,
    "runs": 3,
    "readSize": 16384,
    "bulkMinBytes": {"16384": 64 * MiB, "1024": 16 * MiB},
    "writeSizes": [16384, 1024],
}
if len(sys.argv) > 1:
    CONFIG.update(json.loads(sys.argv[1]))

now = time.perf_counter


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def time_loop(step, budget_ms, min_units=0):
    budget = budget_ms / 1000.0
    units = 0
    t0 = now()
    c0 = time.process_time()
    while True:
        units += step()
        el = now() - t0
        if el >= budget and units >= min_units:
            return units, el, time.process_time() - c0


def measure(step, scale=1.0, min_units=0):
    """Rates per wall-clock second and per CPU second of this process, as bench/lib.js."""
    time_loop(step, CONFIG["warmupMs"])
    runs = []
    for _ in range(CONFIG["runs"]):
        units, secs, cpu = time_loop(step, CONFIG["runMs"], min_units)
        runs.append({"units": units, "seconds": secs, "cpuSeconds": cpu, "rate": units / secs * scale,
                     "cpuRate": units / cpu * scale if cpu > 0 else None})
    cpu_rates = [r["cpuRate"] for r in runs if r["cpuRate"] is not None]
    return {"median": median([r["rate"] for r in runs]), "cpuMedian": median(cpu_rates) if cpu_rates else None, "runs": runs}


def make_contexts(verify):
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(CERT_CHAIN, CERT_KEY)
    server.minimum_version = ssl.TLSVersion.TLSv1_3
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.minimum_version = ssl.TLSVersion.TLSv1_3
    if verify:
        client.load_verify_locations(cafile=CA_FILE)
    else:
        client.check_hostname = False
        client.verify_mode = ssl.CERT_NONE
    return client, server


def step(obj):
    try:
        obj.do_handshake()
        return True
    except ssl.SSLWantReadError:
        return False


def handshake_pair(cctx, sctx, session=None):
    ci, co, si, so = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = cctx.wrap_bio(ci, co, server_hostname=HOSTNAME, session=session)
    server = sctx.wrap_bio(si, so, server_side=True)
    c_done = s_done = False
    rounds = 0
    while not (c_done and s_done):
        rounds += 1
        if rounds > 20:
            raise RuntimeError("python handshake made no progress")
        if not c_done:
            c_done = step(client)
        if co.pending:
            si.write(co.read())
        if not s_done:
            s_done = step(server)
        if so.pending:
            ci.write(so.read())
    return client, server, ci, co, si, so


def bench_handshake(verify):
    cctx, sctx = make_contexts(verify)
    client = handshake_pair(cctx, sctx)[0]
    cipher = client.cipher()

    def one():
        handshake_pair(cctx, sctx)
        return 1

    r = measure(one)
    r["negotiated"] = {"version": client.version(), "cipher": cipher[0] if cipher else None}
    return r


def bench_resumed():
    """Resumed handshakes: every connection offers the first one's TLS 1.3 ticket."""
    cctx, sctx = make_contexts(True)
    client = handshake_pair(cctx, sctx)[0]
    try:
        client.read(1)  # take in the tickets that followed the handshake
    except ssl.SSLWantReadError:
        pass
    session = client.session
    if not session.has_ticket:
        raise RuntimeError("python: no ticket to resume with")
    if not handshake_pair(cctx, sctx, session)[0].session_reused:
        raise RuntimeError("python: the session was not resumed")

    def one():
        handshake_pair(cctx, sctx, session)
        return 1

    return measure(one)


def bench_bulk(size):
    cctx, sctx = make_contexts(True)
    client, server, _ci, co, si, _so = handshake_pair(cctx, sctx)
    data = os.urandom(size)
    read_size = CONFIG["readSize"]
    lost = [0]

    def one():
        client.write(data)
        si.write(co.read())
        got = 0
        while True:
            try:
                got += len(server.read(read_size))
            except ssl.SSLWantReadError:
                break
        if got != size:
            lost[0] += size - got
        return got

    least = CONFIG["bulkMinBytes"].get(str(size), 0)
    r = measure(one, scale=1.0 / MiB, min_units=least)
    if lost[0]:
        raise RuntimeError("python bulk lost %d bytes" % lost[0])
    return r


def main():
    out = {
        "impl": "python",
        "python": platform.python_version(),
        "python_impl": platform.python_implementation(),
        "openssl": ssl.OPENSSL_VERSION,
        "results": {},
    }
    only = os.environ.get("BENCH_ONLY")
    if not only or only == "handshake":
        out["results"]["handshake_verify"] = bench_handshake(True)
        out["results"]["handshake_noverify"] = bench_handshake(False)
        out["results"]["handshake_resumed"] = bench_resumed()
    for size in CONFIG["writeSizes"]:
        key = {16384: "bulk16k", 1024: "bulk1k"}.get(size, "bulk%d" % size)
        if not only or only == key:
            out["results"]["bulk_%d" % size] = bench_bulk(size)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
