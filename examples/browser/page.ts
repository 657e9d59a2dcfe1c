// The page's side: TLS 1.3 inside a web page. ssl-ts runs the handshake and
// the records over two MemoryBIOs; a WebSocket to the bridge carries the
// bytes. The server's certificate is checked against the CA given as PEM
// text (cadata), and its name against `serverHostname`, as on Node.
import {
  MemoryBIO,
  PROTOCOL_TLS_CLIENT,
  SSLCertVerificationError,
  SSLContext,
  SSLError,
  SSLWantReadError,
  SSLZeroReturnError,
} from 'ssl-ts';

export interface FetchOptions {
  /** The bridge's WebSocket URL. */
  bridgeUrl: string;
  /** PEM text of the CA(s) to trust. */
  caPem: string;
  serverHostname: string;
  /** Bytes to send once the handshake is done. */
  request: string;
}

export interface FetchResult {
  version: string | null;
  cipher: string | null;
  group: string | null;
  helloRetryRequest: boolean;
  signatureScheme: string | null;
  peerSubject: string | null;
  reply: string;
}

/** An error as the page reports it: the name and, for SSLError, OpenSSL's reason and the verify code. */
export interface FetchError {
  name: string;
  message: string;
  reason: string | null;
  verifyCode: number | null;
}

/** A WebSocket as a byte pipe: send() bytes, recv() the next bytes (empty once closed). */
class WebSocketPipe {
  readonly #ws: WebSocket;
  readonly #chunks: Uint8Array[] = [];
  #waiting: (() => void) | null = null;
  #closed = false;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (ev: MessageEvent<ArrayBuffer>) => this.#push(new Uint8Array(ev.data));
    ws.onclose = () => {
      this.#closed = true;
      this.#push(null);
    };
  }

  static open(url: string): Promise<WebSocketPipe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(new WebSocketPipe(ws));
      ws.onerror = () => reject(new Error(`cannot open ${url}`));
    });
  }

  #push(chunk: Uint8Array | null): void {
    if (chunk) this.#chunks.push(chunk);
    this.#waiting?.();
    this.#waiting = null;
  }

  send(bytes: Uint8Array): void {
    if (!this.#closed) this.#ws.send(bytes);
  }

  async recv(): Promise<Uint8Array> {
    while (this.#chunks.length === 0 && !this.#closed) {
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
    return this.#chunks.shift() ?? new Uint8Array(0);
  }

  close(): void {
    this.#ws.close();
  }
}

/** Connects through the bridge, verifies the server, sends `request` and reads the reply until the server closes. */
export async function fetchOverTls(opts: FetchOptions): Promise<FetchResult> {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT); // CERT_REQUIRED, checkHostname
  ctx.loadVerifyLocations({ cadata: opts.caPem });
  const incoming = new MemoryBIO();
  const outgoing = new MemoryBIO();
  const tls = ctx.wrapBio(incoming, outgoing, { serverHostname: opts.serverHostname });
  const pipe = await WebSocketPipe.open(opts.bridgeUrl);

  // The sans-I/O loop: run an operation; send what it wrote; when it wants
  // more input, wait for the next bytes from the WebSocket.
  async function step<T>(op: () => T): Promise<T> {
    for (;;) {
      try {
        return op();
      } catch (e) {
        if (!(e instanceof SSLWantReadError)) throw e;
      } finally {
        const out = outgoing.read();
        if (out.length) pipe.send(out);
      }
      const data = await pipe.recv();
      if (data.length) incoming.write(data);
      else incoming.writeEof();
    }
  }

  try {
    await step(() => tls.doHandshake());
    await step(() => tls.write(new TextEncoder().encode(opts.request)));
    const parts: Uint8Array[] = [];
    for (;;) {
      let chunk: Uint8Array;
      try {
        chunk = await step(() => tls.read(16384));
      } catch (e) {
        if (e instanceof SSLZeroReturnError) break; // the server's close_notify
        throw e;
      }
      if (chunk.length === 0) break;
      parts.push(chunk);
    }
    const info = tls.handshakeInfo();
    return {
      version: tls.version(),
      cipher: tls.cipher()?.[0] ?? null,
      group: info.group,
      helloRetryRequest: info.helloRetryRequest,
      signatureScheme: info.signatureScheme,
      peerSubject: info.peerCertificateSubject,
      reply: new TextDecoder().decode(concat(parts)),
    };
  } finally {
    pipe.close();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** fetchOverTls() with its failure turned into data, for display (and for the test driving this page). */
export async function run(opts: FetchOptions): Promise<{ ok: true; result: FetchResult } | { ok: false; error: FetchError }> {
  try {
    return { ok: true, result: await fetchOverTls(opts) };
  } catch (e) {
    const err = e as Error;
    return {
      ok: false,
      error: {
        name: err.name,
        message: err.message,
        reason: e instanceof SSLError ? e.reason : null,
        verifyCode: e instanceof SSLCertVerificationError ? e.verifyCode : null,
      },
    };
  }
}

// ------------------------------------------------------------- page wiring

interface ExampleConfig {
  bridgeUrl: string;
  serverHostname: string;
}

async function text(url: string): Promise<string> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.text();
}

/** The buttons of index.html: trust the right CA, or another one (the handshake must fail). */
async function wirePage(): Promise<void> {
  const config = JSON.parse(await text('config.json')) as ExampleConfig;
  const output = document.getElementById('output')!;
  for (const [id, caUrl] of [['right-ca', 'ca.pem'], ['wrong-ca', 'other-ca.pem']] as const) {
    document.getElementById(id)!.addEventListener('click', async () => {
      output.textContent = 'connecting...';
      const outcome = await run({ ...config, caPem: await text(caUrl), request: 'GET /hello HTTP/1.0\r\n\r\n' });
      output.textContent = JSON.stringify(outcome, null, 2);
    });
  }
  document.documentElement.dataset['ready'] = 'true'; // the buttons work from now on
}

(globalThis as { sslTsExample?: unknown }).sslTsExample = { run };
if (typeof document !== 'undefined' && document.getElementById('output')) void wirePage();
