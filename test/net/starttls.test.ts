// STARTTLS and back: a plaintext line protocol upgraded with wrapSocket,
// then unwrap()ed back to plaintext on the same TCP connection, against
// node:tls doing the same (a TLSSocket over a Duplex bridge that can be
// detached from the raw socket once close_notify has been exchanged).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Duplex } from 'node:stream';
import { CA_PEM, CHAIN_PEM, KEY_PEM, clientCtx, guardUnhandled, listen, recvExactly, serverCtx, tcpConnect, within } from './net-helpers.js';

guardUnhandled();

/**
 * One '\n'-terminated line from a raw socket, read in paused mode; whatever
 * follows the line is pushed back, and no listener is left behind, so the
 * next reader (or a TLS layer) starts exactly after it.
 */
function readLine(sock: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const cleanup = (): void => {
      sock.off('readable', onReadable);
      sock.off('end', onEnd);
      sock.off('error', onError);
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while ((chunk = sock.read() as Buffer | null) !== null) {
        buf = Buffer.concat([buf, chunk]);
        const nl = buf.indexOf(10);
        if (nl >= 0) {
          cleanup();
          if (nl + 1 < buf.length) sock.unshift(buf.subarray(nl + 1));
          resolve(buf.subarray(0, nl + 1).toString());
          return;
        }
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`EOF before a full line (${JSON.stringify(buf.toString())})`));
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    sock.on('readable', onReadable);
    sock.on('end', onEnd);
    sock.on('error', onError);
    onReadable();
  });
}

/**
 * node:tls needs a stream it may end and destroy; this Duplex forwards to
 * the raw socket without ever ending it, and detach() stops feeding it so
 * the raw socket can carry plaintext again.
 */
function bridge(raw: net.Socket): { duplex: Duplex; detach(): void } {
  const duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      if (raw.destroyed) cb();
      else raw.write(chunk, () => cb());
    },
    final(cb) {
      cb(); // TLS is over; TCP stays up for the plaintext that follows
    },
  });
  duplex.on('error', () => {});
  const feed = (c: Buffer): void => {
    duplex.push(c);
  };
  raw.on('data', feed);
  return {
    duplex,
    detach: () => {
      raw.off('data', feed);
      raw.pause();
    },
  };
}

test('STARTTLS: our client (wrapSocket → unwrap) against a node:tls server doing the same', { timeout: 15000 }, async () => {
  const serverLog: string[] = [];
  let resolveDone!: () => void;
  let rejectDone!: (e: unknown) => void;
  const serverDone = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  serverDone.catch(() => {});
  const l = await listen(
    net.createServer({ allowHalfOpen: true }, async (raw) => {
      try {
        raw.write('220 ready\n');
        serverLog.push(await readLine(raw));
        raw.write('220 go ahead\n');
        const { duplex, detach } = bridge(raw);
        const t = new tls.TLSSocket(duplex, { isServer: true, secureContext: tls.createSecureContext({ key: KEY_PEM, cert: CHAIN_PEM }) });
        t.on('error', rejectDone);
        t.on('data', (d: Buffer) => t.write(`secret:${d.toString()}`));
        t.on('end', () => {
          // The client's close_notify: stop feeding TLS before ours goes out.
          detach();
          readLine(raw).then((line) => {
            serverLog.push(line);
            raw.end(`plain echo: ${line}`);
            resolveDone();
          }, rejectDone);
          t.end();
        });
      } catch (e) {
        rejectDone(e);
      }
    }),
  );
  try {
    const sock = await tcpConnect(l.port);
    assert.equal(await readLine(sock), '220 ready\n');
    sock.write('STARTTLS\n');
    assert.equal(await readLine(sock), '220 go ahead\n');

    const ss = clientCtx().wrapSocket(sock, { serverHostname: 'localhost' });
    await ss.sendall(Buffer.from('hello'));
    assert.equal(Buffer.from(await recvExactly(ss, 12)).toString(), 'secret:hello');
    assert.equal(ss.version(), 'TLSv1.3');

    const plain = (await within(ss.unwrap(), 5000, 'unwrap')) as net.Socket;
    assert.equal(plain, sock);
    plain.write('PLAIN bye\n');
    assert.equal(await readLine(plain), 'plain echo: PLAIN bye\n');
    await within(serverDone, 5000, 'server');
    assert.deepEqual(serverLog, ['STARTTLS\n', 'PLAIN bye\n']);
    plain.end();
  } finally {
    await l.stop();
  }
});

test('STARTTLS: a node:tls client upgrading and coming back, against our server (wrapSocket → unwrap)', { timeout: 15000 }, async () => {
  const log: string[] = [];
  let serverError: unknown = null;
  const l = await listen(
    net.createServer({ allowHalfOpen: true }, async (raw) => {
      try {
        raw.write('220 ready\n');
        log.push(await readLine(raw));
        raw.write('220 go ahead\n');
        const ss = serverCtx().wrapSocket(raw, { serverSide: true });
        for (;;) {
          const c = await ss.recv(1024);
          if (c.length === 0) break; // the client's close_notify
          await ss.sendall(Buffer.from(`secret:${Buffer.from(c).toString()}`));
        }
        const plain = (await ss.unwrap()) as net.Socket;
        const line = await readLine(plain);
        log.push(line);
        plain.end(`plain echo: ${line}`);
      } catch (e) {
        serverError = e;
        raw.destroy();
      }
    }),
  );
  try {
    const raw = await tcpConnect(l.port);
    assert.equal(await readLine(raw), '220 ready\n');
    raw.write('STARTTLS\n');
    assert.equal(await readLine(raw), '220 go ahead\n');

    const { duplex, detach } = bridge(raw);
    const t = tls.connect({ socket: duplex, servername: 'localhost', ca: CA_PEM });
    await once(t, 'secureConnect');
    t.write('hello');
    const [d] = (await once(t, 'data')) as [Buffer];
    assert.equal(d.toString(), 'secret:hello');
    const ended = new Promise<void>((resolve) =>
      t.once('end', () => {
        detach(); // our server's close_notify: back to plaintext
        resolve();
      }),
    );
    t.end();
    await within(ended, 5000, 'our close_notify');
    raw.write('PLAIN bye\n');
    assert.equal(await within(readLine(raw), 5000, 'plain echo'), 'plain echo: PLAIN bye\n');
    assert.equal(serverError, null);
    assert.deepEqual(log, ['STARTTLS\n', 'PLAIN bye\n']);
    raw.end();
  } finally {
    await l.stop();
  }
});
