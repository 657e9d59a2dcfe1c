#!/usr/bin/env python3
"""Python's ssl as a resumption peer over real loopback sockets.

client: connect twice to --port; the second connection passes the first's
        session (session=...). Each connection sends b"ping\\n", reads the
        echo (so TLS 1.3 tickets arrive), and closes.
server: accept two connections on an ephemeral port (printed first as
        "PORT n"), echo one line on each.
Either way the last line on stdout is one JSON object: per connection the
version, session_reused, and for the client the session's id/has_ticket.
"""
import argparse, json, socket, ssl, sys

p = argparse.ArgumentParser()
p.add_argument("--role", choices=["client", "server"], required=True)
p.add_argument("--port", type=int, default=0)
p.add_argument("--cafile")
p.add_argument("--cert")
p.add_argument("--key")
p.add_argument("--max", default="TLSv1_3")
p.add_argument("--no-ticket", action="store_true")
a = p.parse_args()

out = []
if a.role == "client":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(a.cafile)
    ctx.maximum_version = getattr(ssl.TLSVersion, a.max)
    sess = None
    for i in range(2):
        with socket.create_connection(("127.0.0.1", a.port)) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost", session=sess) as s:
                s.sendall(b"ping\n")
                data = b""
                while not data.endswith(b"\n"):
                    chunk = s.recv(100)
                    if not chunk:
                        break
                    data += chunk
                sess = s.session
                out.append({"version": s.version(), "reused": s.session_reused,
                            "id": sess.id.hex(), "has_ticket": sess.has_ticket, "echo": data.decode()})
                try:
                    s.unwrap()
                except (ssl.SSLError, OSError):
                    pass
    out.append({"stats": ctx.session_stats()})
else:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    ctx.maximum_version = getattr(ssl.TLSVersion, a.max)
    if a.no_ticket:
        ctx.options |= ssl.OP_NO_TICKET
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(2)
    print("PORT", srv.getsockname()[1], flush=True)
    for i in range(2):
        raw, _ = srv.accept()
        with ctx.wrap_socket(raw, server_side=True) as s:
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(100)
                if not chunk:
                    break
                data += chunk
            s.sendall(data)
            out.append({"version": s.version(), "reused": s.session_reused})
            try:
                s.unwrap()
            except (ssl.SSLError, OSError):
                pass
    out.append({"stats": ctx.session_stats()})
print(json.dumps(out), flush=True)
