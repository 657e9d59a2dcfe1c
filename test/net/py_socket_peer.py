#!/usr/bin/env python3
"""Python's ssl over real sockets, as a peer for the ssl-ts socket layer.

  server: listen on 127.0.0.1:0, print "PORT <n>" on stdout, accept one
          connection, wrap_socket(server_side=True), echo until the client's
          close_notify (recv() == b''), answer it with unwrap(), report.
  client: connect to --port, wrap_socket(server_hostname=...), sendall the
          message, read the echo back, unwrap() (close_notify both ways),
          report.
  getcert: print ssl.get_server_certificate(('127.0.0.1', port)) and exit.

The report is one JSON line on stdout prefixed with "RESULT ".
"""

import argparse
import hashlib
import json
import socket
import ssl
import sys


def report(**kw):
    sys.stdout.write("RESULT " + json.dumps(kw) + "\n")
    sys.stdout.flush()


def describe(e):
    return {"type": type(e).__name__, "str": str(e), "reason": getattr(e, "reason", None)}


def pin_version(ctx, a):
    if a.tls_version:
        v = ssl.TLSVersion[a.tls_version]
        ctx.minimum_version = v
        ctx.maximum_version = v


def server(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    pin_version(ctx, a)
    if a.alpn:
        ctx.set_alpn_protocols(a.alpn.split(","))
    lsock = socket.create_server(("127.0.0.1", 0))
    lsock.settimeout(a.timeout)
    print("PORT %d" % lsock.getsockname()[1], flush=True)
    conn, _ = lsock.accept()
    conn.settimeout(a.timeout)
    try:
        with ctx.wrap_socket(conn, server_side=True) as s:
            total = 0
            digest = hashlib.sha256()
            while True:
                d = s.recv(65536)
                if not d:
                    break
                total += len(d)
                digest.update(d)
                s.sendall(d)
            info = dict(version=s.version(), cipher=s.cipher()[0], alpn=s.selected_alpn_protocol())
            plain = s.unwrap()
            plain.close()
            report(ok=True, received=total, sha256=digest.hexdigest(), **info)
    except Exception as e:  # reported, not raised: the test decides
        report(ok=False, error=describe(e))
    finally:
        lsock.close()


def client(a):
    ctx = ssl.create_default_context(cafile=a.cafile)
    pin_version(ctx, a)
    if a.alpn:
        ctx.set_alpn_protocols(a.alpn.split(","))
    message = (a.message * a.repeat).encode()
    try:
        raw = socket.create_connection(("127.0.0.1", a.port), timeout=a.timeout)
        with ctx.wrap_socket(raw, server_hostname=a.server_hostname) as s:
            s.sendall(message)
            got = bytearray()
            while len(got) < len(message):
                d = s.recv(65536)
                if not d:
                    break
                got += d
            peer = dict(x[0] for x in s.getpeercert()["subject"])
            info = dict(version=s.version(), cipher=s.cipher()[0], alpn=s.selected_alpn_protocol(),
                        peer_cn=peer.get("commonName"))
            plain = s.unwrap()
            plain.close()
            report(ok=True, echoed=bytes(got) == message, received=len(got), **info)
    except Exception as e:
        report(ok=False, error=describe(e))


def getcert(a):
    kw = {"ca_certs": a.cafile} if a.cafile else {}
    sys.stdout.write(ssl.get_server_certificate(("127.0.0.1", a.port), timeout=a.timeout, **kw))
    sys.stdout.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--role", choices=["server", "client", "getcert"], required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--cafile")
    p.add_argument("--alpn", default="")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--server-hostname", default="localhost")
    p.add_argument("--message", default="hello from python")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--timeout", type=float, default=10.0)
    p.add_argument("--tls-version", choices=["TLSv1_2", "TLSv1_3"], help="pin Python to one version")
    a = p.parse_args()
    {"server": server, "client": client, "getcert": getcert}[a.role](a)


if __name__ == "__main__":
    main()
