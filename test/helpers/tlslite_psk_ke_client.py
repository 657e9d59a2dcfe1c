# A TLS 1.3 client that offers only psk_ke (no (EC)DHE on resumption), which
# no openssl/node/Python client can do: tlslite-ng (PyPI), installed by .ci/run.
# Connects twice to 127.0.0.1:PORT, the second time resuming, and prints JSON.
import socket, sys, json
from tlslite.api import TLSConnection, HandshakeSettings
port = int(sys.argv[1])
def settings():
    h = HandshakeSettings()
    h.psk_modes = ['psk_ke']
    h.minVersion = (3, 4)
    return h
def conn(session=None):
    s = socket.create_connection(('127.0.0.1', port))
    c = TLSConnection(s)
    c.handshakeClientCert(settings=settings(), session=session, serverName='localhost')
    return c
c = conn()
c.write(b'hello')
echo = c.read(max=5, min=5)
sess = c.session
c.close()
c2 = conn(sess)
c2.write(b'again')
echo2 = c2.read(max=5, min=5)
print(json.dumps({'first': echo.decode(), 'resumed': bool(c2.resumed), 'second': echo2.decode()}))
c2.close()
