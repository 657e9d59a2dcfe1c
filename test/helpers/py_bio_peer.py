#!/usr/bin/env python3
"""Test peer built on Python's own ssl module, driven sans-I/O.

The peer owns an ssl.SSLObject over two ssl.MemoryBIOs. The raw TLS byte
stream is ferried through the process's standard streams:

  * stdin  -> bytes from the other side (fed into the incoming BIO);
              EOF on stdin becomes incoming.write_eof()
  * stdout <- bytes for the other side (drained from the outgoing BIO)

There is no framing: stdin/stdout carry exactly what a TCP socket would.
When the run ends (success or failure), one JSON object is written as a single
line to stderr, prefixed with RESULT_PREFIX so stray library noise on stderr
can never be mistaken for the report.

Application behaviour:
  server: handshake, echo every byte back until the peer's close_notify, then
          answer it with our own (unwrap) and exit. With --echo-bytes N the
          server closes first once N bytes were echoed (for peers such as
          `openssl s_client -ign_eof` that wait for the server to close).
  client: handshake, send --message, read until --read-bytes bytes arrived
          (default: the message length), then unwrap (send close_notify and
          wait for the peer's) and exit.
"""

import argparse
import base64
import json
import os
import sys
import tempfile
import traceback
import ssl

RESULT_PREFIX = "PY_BIO_PEER_RESULT "


class TransportEOF(Exception):
    """stdin closed while the TLS layer still wanted more input."""


def parse_args(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--role", choices=["client", "server"], required=True)
    p.add_argument("--cert", help="certificate chain PEM (leaf first)")
    p.add_argument("--key", help="private key PEM")
    p.add_argument("--cafile", help="trust anchors for verifying the peer")
    p.add_argument("--alpn", default="", help="comma-separated ALPN protocols")
    p.add_argument("--min", dest="min_version", default="TLSv1_3")
    p.add_argument("--max", dest="max_version", default="TLSv1_3")
    p.add_argument("--server-hostname", default=None)
    p.add_argument("--no-sni", action="store_true",
                   help="client: pass server_hostname=None")
    p.add_argument("--check-hostname", choices=["yes", "no"], default=None)
    p.add_argument("--verify", choices=["none", "optional", "required"], default=None,
                   help="verify_mode; default: required for clients with --cafile, "
                        "none for servers unless --request-client-cert")
    p.add_argument("--request-client-cert", action="store_true",
                   help="server: require a client certificate (CERT_REQUIRED)")
    p.add_argument("--curve", default=None,
                   help="restrict key exchange to one group via set_ecdh_curve "
                        "(X25519, prime256v1, secp384r1, secp521r1, X448)")
    p.add_argument("--ciphers", default=None, help="set_ciphers() string (TLS 1.2 suites)")
    p.add_argument("--options", type=lambda v: int(v, 0), default=0,
                   help="bits OR'ed into ctx.options, e.g. 0x1 for OP_NO_EXTENDED_MASTER_SECRET")
    p.add_argument("--dhparams", default=None, help="server: load_dh_params() file")
    p.add_argument("--message", default="hello from python\n")
    p.add_argument("--read-bytes", type=int, default=None)
    p.add_argument("--echo-bytes", type=int, default=None,
                   help="server: after echoing this many bytes, start the close "
                        "ourselves instead of waiting for the client's close_notify")
    return p.parse_args(argv)


def tls_version(name):
    return getattr(ssl.TLSVersion, name)


def build_context(args):
    if args.role == "client":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if args.cafile:
            ctx.load_verify_locations(cafile=args.cafile)
        else:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if args.cafile:
            ctx.load_verify_locations(cafile=args.cafile)
        if args.request_client_cert:
            ctx.verify_mode = ssl.CERT_REQUIRED
    if args.check_hostname is not None:
        ctx.check_hostname = args.check_hostname == "yes"
    if args.verify is not None:
        if args.verify == "none":
            ctx.check_hostname = False
        ctx.verify_mode = {
            "none": ssl.CERT_NONE,
            "optional": ssl.CERT_OPTIONAL,
            "required": ssl.CERT_REQUIRED,
        }[args.verify]
    ctx.minimum_version = tls_version(args.min_version)
    ctx.maximum_version = tls_version(args.max_version)
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    if args.alpn:
        ctx.set_alpn_protocols([p for p in args.alpn.split(",") if p])
    if args.curve:
        ctx.set_ecdh_curve(args.curve)
    if args.ciphers:
        ctx.set_ciphers(args.ciphers)
    if args.options:
        ctx.options |= args.options
    if args.dhparams:
        ctx.load_dh_params(args.dhparams)
    return ctx


def subject_of_der(der):
    """Decode a DER certificate's subject with CPython's own helper."""
    if not der:
        return None
    pem = ssl.DER_cert_to_PEM_cert(der)
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(pem)
        decoded = ssl._ssl._test_decode_cert(path)
    finally:
        os.unlink(path)
    return flatten_name(decoded.get("subject", ()))


def flatten_name(rdns):
    out = {}
    for rdn in rdns:
        for key, value in rdn:
            out[key] = value
    return out


def error_info(exc):
    info = {"type": type(exc).__name__, "str": str(exc)}
    for attr in ("reason", "library", "verify_code", "verify_message", "errno"):
        value = getattr(exc, attr, None)
        if value is not None:
            info[attr] = value
    return info


class Peer:
    def __init__(self, args):
        self.args = args
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.stdout = sys.stdout.buffer
        self.sni_seen = None
        self.received = bytearray()
        self.stage = "setup"
        self.ctx = build_context(args)
        if args.role == "server":
            def on_sni(sslobj, name, ctx):
                self.sni_seen = name
                return None
            self.ctx.sni_callback = on_sni
        hostname = None
        if args.role == "client" and not args.no_sni:
            hostname = args.server_hostname or "localhost"
        self.obj = self.ctx.wrap_bio(
            self.incoming, self.outgoing,
            server_side=(args.role == "server"),
            server_hostname=hostname,
        )

    def flush(self):
        data = self.outgoing.read()
        if data:
            self.stdout.write(data)
            self.stdout.flush()

    def fill(self):
        data = os.read(0, 65536)
        if data:
            self.incoming.write(data)
        else:
            self.incoming.write_eof()

    def call(self, fn, *a):
        """Run one SSLObject operation to completion, shuttling bytes as needed."""
        while True:
            try:
                result = fn(*a)
            except ssl.SSLWantReadError:
                self.flush()
                if self.incoming.eof:
                    raise TransportEOF("transport closed while %s wanted more data" % self.stage)
                self.fill()
                continue
            except BaseException:
                # An alert may be waiting in the outgoing BIO: deliver it first.
                self.flush()
                raise
            self.flush()
            return result

    def read_chunk(self):
        try:
            return self.call(self.obj.read, 65536)
        except ssl.SSLZeroReturnError:
            return b""

    def run(self):
        self.stage = "handshake"
        self.call(self.obj.do_handshake)
        if self.args.role == "server":
            self.stage = "echo"
            limit = self.args.echo_bytes
            while limit is None or len(self.received) < limit:
                chunk = self.read_chunk()
                if not chunk:
                    break
                self.received += chunk
                self.call(self.obj.write, chunk)
        else:
            self.stage = "write"
            message = self.args.message.encode()
            self.call(self.obj.write, message)
            want = self.args.read_bytes if self.args.read_bytes is not None else len(message)
            self.stage = "read"
            while len(self.received) < want:
                chunk = self.read_chunk()
                if not chunk:
                    break
                self.received += chunk
        self.stage = "unwrap"
        self.call(self.obj.unwrap)
        self.stage = "done"

    def report(self, error):
        obj = self.obj
        peer_der = None
        peer_subject = None
        try:
            peer_der = obj.getpeercert(binary_form=True)
        except Exception:
            peer_der = None
        try:
            peer_subject = subject_of_der(peer_der)
        except Exception:
            peer_subject = None
        try:
            cipher = obj.cipher()
        except Exception:
            cipher = None
        result = {
            "role": self.args.role,
            "ok": error is None,
            "stage": self.stage,
            "version": safe(obj.version),
            "cipher": list(cipher) if cipher else None,
            "shared_ciphers": [list(c) for c in (safe(obj.shared_ciphers) or [])],
            "alpn": safe(obj.selected_alpn_protocol),
            "peer_cert_subject": peer_subject,
            "peer_cert_der_b64": base64.b64encode(peer_der).decode() if peer_der else None,
            "sni_seen": self.sni_seen,
            "received": self.received.decode("utf-8", "replace"),
            "received_b64": base64.b64encode(bytes(self.received)).decode(),
            "error": error,
        }
        sys.stderr.write(RESULT_PREFIX + json.dumps(result) + "\n")
        sys.stderr.flush()


def safe(fn):
    try:
        return fn()
    except Exception:
        return None


def main(argv):
    args = parse_args(argv)
    try:
        peer = Peer(args)
    except Exception as exc:
        sys.stderr.write(RESULT_PREFIX + json.dumps({
            "role": args.role, "ok": False, "stage": "setup",
            "error": error_info(exc),
        }) + "\n")
        return 2
    error = None
    try:
        peer.run()
    except Exception as exc:
        error = error_info(exc)
        if not isinstance(exc, (ssl.SSLError, TransportEOF)):
            error["traceback"] = traceback.format_exc()
    try:
        peer.stdout.close()
    except Exception:
        pass
    peer.report(error)
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
