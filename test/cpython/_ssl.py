"""A stand-in for CPython's _ssl that forwards to ssl-ts running in a node process.

Only names, types and calls are translated here (snake_case to camelCase, bytes to
Uint8Array, Python callables to callbacks, node errors to Python exceptions); every TLS
decision is ssl-ts's. The one loop of our own is the socket I/O of _SSLSocket, which
CPython's _ssl does in C with OpenSSL socket BIOs: here ssl-ts works on memory BIOs and
the bytes are moved to and from the Python socket, honouring its timeout.
"""

import base64
import json
import os
import select
import socket as _socket
import subprocess
import sys
import threading
import time
import types
import warnings
import weakref

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))


class _Bridge:
    def __init__(self):
        tsx = os.path.join(_ROOT, 'node_modules', '.bin', 'tsx')
        self.proc = subprocess.Popen(
            [tsx, os.path.join(_HERE, 'bridge-server.ts')],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=_ROOT, bufsize=0)
        self.lock = threading.RLock()
        self.next_id = 1
        self.callables = {}
        self.callable_ids = {}
        self.next_cb = 1
        self.proxies = weakref.WeakValueDictionary()
        self.last_cb_exc = None
        self.cwd = _ROOT

    def _send(self, msg):
        self.proc.stdin.write((json.dumps(msg) + '\n').encode())

    def _recv(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError('ssl-ts bridge process died')
        return json.loads(line)

    def request(self, msg):
        with self.lock:
            # Relative paths are the Python process's: keep node in the same directory.
            cwd = os.getcwd()
            if cwd != self.cwd:
                self.cwd = cwd
                self.request({'op': 'chdir', 'path': cwd})
            mid = self.next_id
            self.next_id += 1
            msg['id'] = mid
            self._send(msg)
            while True:
                reply = self._recv()
                if 'cb' in reply:
                    self._run_callback(reply)
                    continue
                if 'warn' in reply:
                    cat = DeprecationWarning if reply['warn'] == 'DeprecationWarning' else Warning
                    warnings.warn(reply['message'], cat, stacklevel=4)
                    continue
                if 'unraisable' in reply:
                    self._unraisable(reply['unraisable'])
                    continue
                if reply.get('id') != mid:
                    raise RuntimeError('bridge protocol error: %r' % (reply,))
                if 'err' in reply:
                    raise _error(reply['err'])
                return _decode(reply['ok'])

    def _run_callback(self, req):
        fn = self.callable(req['cb'])
        try:
            result = fn(*[_decode(a) for a in req['args']])
            self._send({'cid': req['cid'], 'ok': _encode(result)})
        except BaseException as e:  # reported to node, which reports it as Python would
            self.last_cb_exc = e
            self._send({'cid': req['cid'], 'err': {'type': type(e).__name__, 'message': str(e)}})

    def _unraisable(self, err):
        exc = self.last_cb_exc
        if exc is None or type(exc).__name__ != err['type']:
            exc = {'TypeError': TypeError, 'ValueError': ValueError}.get(err['type'], Exception)(err['message'])
        self.last_cb_exc = None
        sys.unraisablehook(types.SimpleNamespace(
            exc_type=type(exc), exc_value=exc, exc_traceback=exc.__traceback__,
            err_msg=None, object=None))

    # Callables handed to ssl-ts are held weakly here: in CPython only the object they were given
    # to (an SSLContext) holds them, so that a cycle through a callback can be collected
    # (test_sni_callback_refcycle). _Proxy._set keeps the strong reference on the proxy.
    def callable(self, k):
        ref = self.callables.get(k)
        fn = ref() if isinstance(ref, weakref.ref) else ref
        if fn is None:
            raise RuntimeError('ssl-ts called a Python callable that no longer exists')
        return fn

    def callable_ref(self, fn):
        k = self.callable_ids.get(id(fn))
        if k is not None and self.callable(k) is fn:
            return {'$cb': k}
        k = self.next_cb
        self.next_cb += 1
        ident = id(fn)

        def forget(_ref, k=k, ident=ident):
            self.callables.pop(k, None)
            if self.callable_ids.get(ident) == k:
                del self.callable_ids[ident]
        try:
            self.callables[k] = weakref.ref(fn, forget)
        except TypeError:  # not weakly referenceable: kept for good
            self.callables[k] = fn
        self.callable_ids[ident] = k
        return {'$cb': k}


_bridge = _Bridge()

# The C types of _ssl are immutable (Py_TPFLAGS_IMMUTABLETYPE); Python classes are not, so the
# ones standing in for them refuse attribute assignment as CPython does. Subclasses (ssl.SSLContext)
# stay mutable, as in CPython.
_IMMUTABLE = set()


class _ImmutableType(type):
    def __setattr__(cls, name, value):
        if cls in _IMMUTABLE:
            raise TypeError("cannot set %r attribute of immutable type '%s.%s'" % (name, cls.__module__, cls.__qualname__))
        super().__setattr__(name, value)

    def __delattr__(cls, name):
        if cls in _IMMUTABLE:
            raise TypeError("cannot delete %r attribute of immutable type '%s.%s'" % (name, cls.__module__, cls.__qualname__))
        super().__delattr__(name)


def _encode(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {'$b': base64.b64encode(bytes(v)).decode()}
    if isinstance(v, _Proxy):
        return {'$h': v._h}
    if isinstance(v, (list, tuple)):
        return [_encode(x) for x in v]
    if isinstance(v, dict):
        return {k: _encode(x) for k, x in v.items()}
    if callable(v):
        return _bridge.callable_ref(v)
    if hasattr(v, '__fspath__'):
        return os.fspath(v) if isinstance(os.fspath(v), str) else {'$b': base64.b64encode(os.fspath(v)).decode()}
    raise TypeError('cannot pass %r to ssl-ts' % (v,))


def _buffer(data):
    """A bytes-like argument as CPython's "y*" format takes it: C-contiguous buffers only."""
    mv = memoryview(data)
    if not mv.c_contiguous:
        raise BufferError('memoryview: underlying buffer is not C-contiguous')
    return mv.tobytes()


def _decode(v):
    if isinstance(v, list):
        return [_decode(x) for x in v]
    if isinstance(v, dict):
        if '$b' in v:
            return base64.b64decode(v['$b'])
        if '$t' in v:
            return tuple(_decode(x) for x in v['$t'])
        if '$cb' in v:
            return _bridge.callable(v['$cb'])
        if '$h' in v:
            if v.get('$type') == 'SSLSession':
                # CPython's SSLSocket.session makes a new SSLSession object on every access.
                obj = SSLSession.__new__(SSLSession)
                obj._h = v['$h']
                return obj
            p = _bridge.proxies.get(v['$h'])
            if p is not None:
                return p.owner_or_self() if hasattr(p, 'owner_or_self') else p
            t = v.get('$type')
            cls = {'SSLSession': SSLSession, 'MemoryBIO': MemoryBIO}.get(t, _Proxy)
            obj = cls.__new__(cls)
            obj._h = v['$h']
            _bridge.proxies[v['$h']] = obj
            return obj
        return {k: _decode(x) for k, x in v.items()}
    return v


class _Proxy(metaclass=_ImmutableType):
    _h = None

    def _get(self, name):
        return _bridge.request({'op': 'get', 'h': {'$h': self._h}, 'name': name})

    def _set(self, name, value):
        # The proxy holds what it was given, as the C object would (see _Bridge.callable).
        held = self.__dict__.setdefault('_held', {})
        if callable(value) and not isinstance(value, _Proxy):
            held[name] = value
        else:
            held.pop(name, None)
        return _bridge.request({'op': 'set', 'h': {'$h': self._h}, 'name': name, 'value': _encode(value)})

    def _call(self, name, *args):
        return _bridge.request({'op': 'call', 'h': {'$h': self._h}, 'name': name, 'args': [_encode(a) for a in args]})


def _mod(name, *args):
    return _bridge.request({'op': 'mod', 'name': name, 'args': [_encode(a) for a in args]})


# ------------------------------------------------------------------ errors

class SSLError(OSError, metaclass=_ImmutableType):
    def __str__(self):
        if isinstance(self.strerror, str):
            return self.strerror
        return super().__str__()


class SSLCertVerificationError(SSLError, ValueError):
    pass


class SSLZeroReturnError(SSLError):
    pass


class SSLWantReadError(SSLError):
    pass


class SSLWantWriteError(SSLError):
    pass


class SSLSyscallError(SSLError):
    pass


class SSLEOFError(SSLError):
    pass


for _c in (SSLError, SSLCertVerificationError, SSLZeroReturnError, SSLWantReadError, SSLWantWriteError,
           SSLSyscallError, SSLEOFError):
    _c.__module__ = 'ssl'  # as CPython names them (ssl.SSLError)

_SSL_ERRORS = {c.__name__: c for c in (SSLError, SSLCertVerificationError, SSLZeroReturnError,
                                        SSLWantReadError, SSLWantWriteError, SSLSyscallError, SSLEOFError)}
_OS_ERRORS = {c.__name__: c for c in (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError,
                                       ConnectionRefusedError, ConnectionResetError, ConnectionAbortedError,
                                       BrokenPipeError, ConnectionError, TimeoutError)}


def _error(e):
    t = e['type']
    if t in _SSL_ERRORS:
        err = _SSL_ERRORS[t](e['errno'] if e['errno'] is not None else 1, e['message'])
        err.reason = e['reason']
        err.library = e['library']
        if t == 'SSLCertVerificationError':
            err.verify_code = e['verify_code']
            err.verify_message = e['verify_message']
        return err
    if t in _OS_ERRORS or t == 'OSError':
        cls = _OS_ERRORS.get(t, OSError)
        if e['errno'] is not None and e['strerror'] is not None:
            if e['filename'] is not None:
                return cls(e['errno'], e['strerror'], e['filename'])
            return cls(e['errno'], e['strerror'])
        return cls(e['message'])
    cls = {'ValueError': ValueError, 'TypeError': TypeError, 'RangeError': OverflowError,
           'NotImplementedError': NotImplementedError}.get(t)
    if cls is None:
        if _bridge.last_cb_exc is not None and type(_bridge.last_cb_exc).__name__ == t:
            exc, _bridge.last_cb_exc = _bridge.last_cb_exc, None
            return exc
        cls = RuntimeError
    return cls(e['message'])


# ------------------------------------------------------------------ constants

globals().update(_mod('constants'))
for _k in ('OPENSSL_VERSION_INFO',):
    if isinstance(globals().get(_k), list):
        globals()[_k] = tuple(globals()[_k])
PROTOCOL_SSLv23 = PROTOCOL_TLS
ENCODING_PEM = 1
ENCODING_DER = 2
HOSTFLAG_ALWAYS_CHECK_SUBJECT = 0x1
HOSTFLAG_NO_WILDCARDS = 0x2
HOSTFLAG_NO_PARTIAL_WILDCARDS = 0x4
HOSTFLAG_MULTI_LABEL_WILDCARDS = 0x8
HOSTFLAG_SINGLE_LABEL_SUBDOMAINS = 0x10
HOSTFLAG_NEVER_CHECK_SUBJECT = 0x20
_OPENSSL_API_VERSION = tuple(OPENSSL_VERSION_INFO)
err_codes_to_names = {}
err_names_to_codes = {}
lib_codes_to_names = {}


def RAND_bytes(n):
    return _mod('RAND_bytes', n)


def RAND_pseudo_bytes(n):
    data, strong = _mod('RAND_pseudo_bytes', n)
    return data, strong


def RAND_status():
    return _mod('RAND_status')


def RAND_add(data, entropy):
    if isinstance(data, str):
        data = data.encode()
    return _mod('RAND_add', bytes(data), float(entropy))


def _test_decode_cert(path):
    return _mod('_test_decode_cert', os.fsdecode(path))


def _sync_env():
    _mod('setenv', {k: os.environ.get(k) for k in ('SSL_CERT_FILE', 'SSL_CERT_DIR')})


def get_default_verify_paths():
    _sync_env()
    return tuple(_mod('get_default_verify_paths'))


def txt2obj(txt, name=False):
    fn = 'asn1ObjectFromName' if name else 'asn1ObjectFromOid'
    o = _mod(fn, txt)
    return (o['nid'], o['shortname'], o['longname'], o['oid'])


def nid2obj(nid):
    o = _mod('asn1ObjectFromNid', nid)
    return (o['nid'], o['shortname'], o['longname'], o['oid'])


# ------------------------------------------------------------------ objects

class MemoryBIO(_Proxy):
    def __init__(self):
        p = _mod('new_MemoryBIO')
        self._h = p._h
        _bridge.proxies[self._h] = self

    pending = property(lambda self: self._get('pending'))
    eof = property(lambda self: self._get('eof'))

    def read(self, size=-1):
        return self._call('read', size)

    def write(self, data):
        return self._call('write', data if isinstance(data, bytes) else _buffer(data))

    def write_eof(self):
        return self._call('writeEof')


class SSLSession(_Proxy):
    id = property(lambda self: self._get('id'))
    time = property(lambda self: self._get('time'))
    timeout = property(lambda self: self._get('timeout'))
    ticket_lifetime_hint = property(lambda self: self._get('ticketLifetimeHint'))
    has_ticket = property(lambda self: self._get('hasTicket'))

    def __eq__(self, other):
        if not isinstance(other, SSLSession):
            return NotImplemented
        return self._call('equals', other)

    __hash__ = None  # as CPython's: comparable, not hashable


class Certificate(metaclass=_ImmutableType):
    """_ssl.Certificate: made only by get_verified_chain()/get_unverified_chain(), as in CPython."""

    def __new__(cls, *args, **kwargs):
        raise TypeError("cannot create '_ssl.Certificate' instances")

    @classmethod
    def _from_der(cls, der):
        self = object.__new__(cls)
        self._der = der
        return self

    def public_bytes(self, format=ENCODING_PEM):
        if format == ENCODING_DER:
            return self._der
        return _mod('DER_cert_to_PEM_cert', self._der)

    def get_info(self):
        return _mod('_test_decode_cert_der', self._der)

    def __eq__(self, other):
        return isinstance(other, Certificate) and self._der == other._der

    def __hash__(self):
        return hash(self._der)

    _SHORT = {'commonName': 'CN', 'organizationName': 'O', 'organizationalUnitName': 'OU', 'localityName': 'L',
              'stateOrProvinceName': 'ST', 'countryName': 'C', 'emailAddress': 'emailAddress'}

    def __repr__(self):
        # As CPython: the subject in RFC 2253 order and short names.
        subject = self.get_info().get('subject', ())
        parts = ['+'.join('%s=%s' % (self._SHORT.get(k, k), v) for k, v in rdn) for rdn in reversed(subject)]
        return "<Certificate '%s'>" % ','.join(parts)


def _prop(name, cast=None):
    def get(self):
        return self._get(name)

    def set(self, value):
        self._set(name, value if cast is None else cast(value))
    return property(get, set)


class _SSLContext(_Proxy):
    def __new__(cls, protocol, *args, **kwargs):
        self = super().__new__(cls)
        p = _mod('new_SSLContext', protocol)
        self._h = p._h
        _bridge.proxies[self._h] = self
        return self

    check_hostname = _prop('checkHostname')
    verify_mode = _prop('verifyMode')
    verify_flags = _prop('verifyFlags')
    options = _prop('options')
    minimum_version = _prop('minimumVersion')
    maximum_version = _prop('maximumVersion')
    num_tickets = _prop('numTickets')
    post_handshake_auth = _prop('postHandshakeAuth')
    keylog_filename = property(lambda self: self._get('keylogFilename'),
                               lambda self, v: self._set('keylogFilename', os.fsdecode(v) if v is not None and not isinstance(v, (int, float)) else v))
    security_level = property(lambda self: self._get('securityLevel'))
    protocol = property(lambda self: self._get('protocol'))
    sni_callback = _prop('sniCallback')
    _msg_callback = _prop('_msgCallback')

    @property
    def _host_flags(self):
        return 0 if self._get('hostnameChecksCommonName') else HOSTFLAG_NEVER_CHECK_SUBJECT

    @_host_flags.setter
    def _host_flags(self, value):
        self._set('hostnameChecksCommonName', not (value & HOSTFLAG_NEVER_CHECK_SUBJECT))

    def set_ciphers(self, spec):
        return self._call('setCiphers', spec)

    def get_ciphers(self):
        return self._call('getCiphers')

    def _set_alpn_protocols(self, wire):
        wire = bytes(wire)
        protos, i = [], 0
        while i < len(wire):
            n = wire[i]
            protos.append(wire[i + 1:i + 1 + n].decode('latin-1'))
            i += 1 + n
        return self._call('setAlpnProtocols', protos)

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        return self._call('loadCertChain', _path(certfile), _path(keyfile), password)

    def load_verify_locations(self, cafile=None, capath=None, cadata=None):
        return self._call('loadVerifyLocations', _path(cafile), _path(capath), cadata)

    def load_dh_params(self, path):
        return self._call('loadDhParams', _path(path))

    def set_default_verify_paths(self):
        _sync_env()
        return self._call('setDefaultVerifyPaths')

    def cert_store_stats(self):
        return self._call('certStoreStats')

    def get_ca_certs(self, binary_form=False):
        return self._call('getCaCerts', bool(binary_form))

    def session_stats(self):
        return self._call('sessionStats')

    def set_ecdh_curve(self, name):
        return self._call('setEcdhCurve', name)

    def _wrap_bio(self, incoming, outgoing, server_side, server_hostname=None, *, owner=None, session=None):
        obj = self._call('wrapBio', incoming, outgoing,
                         {'serverSide': bool(server_side), 'serverHostname': server_hostname, 'session': session})
        sslobj = _SSLObjectProxy(obj._h, owner)
        return sslobj

    def _wrap_socket(self, sock, server_side, server_hostname=None, *, owner=None, session=None):
        incoming, outgoing = MemoryBIO(), MemoryBIO()
        obj = self._call('wrapBio', incoming, outgoing,
                         {'serverSide': bool(server_side), 'serverHostname': server_hostname, 'session': session})
        return _SSLSocket(obj._h, owner, sock, incoming, outgoing)


def _path(p):
    if p is None:
        return None
    if isinstance(p, (str, bytes)) or hasattr(p, '__fspath__'):
        p = os.fspath(p)
        return p if isinstance(p, str) else os.fsdecode(p)
    return p


class _SSLObjectProxy(_Proxy):
    """The C-level object behind ssl.SSLObject (wrap_bio)."""

    def __init__(self, h, owner):
        self._h = h
        self._owner = weakref.ref(owner) if owner is not None else None
        _bridge.proxies[h] = self

    def owner_or_self(self):
        o = self._owner() if self._owner else None
        return o if o is not None else self

    owner = property(lambda self: self._owner() if self._owner else None,
                     lambda self, v: setattr(self, '_owner', weakref.ref(v) if v is not None else None))
    server_side = property(lambda self: self._get('serverSide'))
    server_hostname = property(lambda self: self._get('serverHostname'))
    session_reused = property(lambda self: self._get('sessionReused'))

    @property
    def context(self):
        return self._get('context')

    @context.setter
    def context(self, ctx):
        if not isinstance(ctx, _SSLContext):
            raise TypeError('The value must be a SSLContext')
        self._set('context', ctx)

    @property
    def session(self):
        return self._get('session')

    @session.setter
    def session(self, value):
        self._set('session', value)

    def _op(self, fn):
        return fn()

    def do_handshake(self):
        return self._op(lambda: self._call('doHandshake'))

    def read(self, len=1024, buffer=None):
        if buffer is not None:
            mv = memoryview(buffer).cast('B')
            data = self._op(lambda: self._call('$readInto', mv.nbytes, len))
            n = data.__len__()
            mv[:n] = data
            return n
        return self._op(lambda: self._call('read', len))

    def write(self, data):
        return self._op(lambda: self._call('write', _buffer(data)))

    def pending(self):
        return self._call('pending')

    def shutdown(self):
        self._op(lambda: self._call('unwrap'))
        return None

    def getpeercert(self, binary_form=False):
        return self._call('getPeerCert', bool(binary_form))

    def get_verified_chain(self):
        return [Certificate._from_der(d) for d in self._call('getVerifiedChain')]

    def get_unverified_chain(self):
        return [Certificate._from_der(d) for d in self._call('getUnverifiedChain')]

    def cipher(self):
        return self._call('cipher')

    def shared_ciphers(self):
        return self._call('sharedCiphers')

    def version(self):
        return self._call('version')

    def selected_alpn_protocol(self):
        return self._call('selectedAlpnProtocol')

    def compression(self):
        return self._call('compression')

    def get_channel_binding(self, cb_type='tls-unique'):
        return self._call('getChannelBinding', cb_type)

    def verify_client_post_handshake(self):
        return self._op(lambda: self._call('verifyClientPostHandshake'))


class _SSLSocket(_SSLObjectProxy):
    """The C-level object behind ssl.SSLSocket: ssl-ts over memory BIOs, bytes moved to the socket here."""

    def __init__(self, h, owner, sock, incoming, outgoing):
        super().__init__(h, owner)
        self._sock = sock
        self._in = incoming
        self._out = outgoing

    _pending = b''
    _header = b''  # the part of the next record header read so far
    _left = 0  # bytes of the current record body still to read

    def _recv_tls(self):
        """Read no further than the end of the current record, as OpenSSL's socket BIO does without
        read-ahead: the next record stays in the kernel, where select() still sees it."""
        if self._left == 0:
            data = _socket.socket.recv(self._sock, 5 - len(self._header))
            self._header += data
            if len(self._header) == 5:
                self._left = int.from_bytes(self._header[3:5], 'big')
                self._header = b''
        else:
            data = _socket.socket.recv(self._sock, self._left)
            self._left -= len(data)
        return data

    def _flush(self):
        """Send what ssl-ts produced; a non-blocking socket keeps what it cannot take yet."""
        data = self._pending + self._out.read()
        self._pending = b''
        if not data:
            return
        if self._sock.gettimeout() == 0.0:
            try:
                n = _socket.socket.send(self._sock, data)
            except BlockingIOError:
                n = 0
            self._pending = data[n:]
        else:
            _socket.socket.sendall(self._sock, data)

    def _op(self, fn, what='read'):
        sock = self._sock
        timeout = sock.gettimeout()
        deadline = None if not timeout else time.monotonic() + timeout
        if self._pending:
            self._flush()
            if self._pending:
                raise SSLWantWriteError(3, 'The operation did not complete (write)')
        while True:
            try:
                result = fn()
            except SSLWantReadError:
                self._flush()
                if timeout == 0.0:
                    # Non-blocking: take what the socket already has, else report the wait.
                    r, _, _ = select.select([sock], [], [], 0)
                    if not r:
                        raise
                else:
                    wait = None if deadline is None else deadline - time.monotonic()
                    if wait is not None and wait <= 0:
                        raise TimeoutError('The %s operation timed out' % what)
                    r, _, _ = select.select([sock], [], [], wait)
                    if not r:
                        raise TimeoutError('The %s operation timed out' % what)
                data = self._recv_tls()
                if data:
                    self._in.write(data)
                else:
                    self._in.write_eof()
                continue
            except BaseException:
                try:
                    self._flush()
                except OSError:
                    pass
                raise
            self._flush()
            return result

    def do_handshake(self):
        return self._op(lambda: self._call('doHandshake'), 'handshake')

    def write(self, data):
        return self._op(lambda: self._call('write', _buffer(data)), 'write')

    def shutdown(self):
        self._op(lambda: self._call('unwrap'))
        return self._sock


_IMMUTABLE.update((_SSLContext, _SSLSocket, MemoryBIO, Certificate, SSLSession, SSLError))
