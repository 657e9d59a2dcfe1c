// The bridge between a web page and a TCP server: a page cannot open a TCP
// connection, but it can open a WebSocket. Each WebSocket connection here
// gets its own TCP connection to `target`, and bytes flow both ways
// unchanged (binary messages in, binary messages out). The bridge never sees
// plaintext: TLS runs end to end between the page and the server.
import { once } from 'node:events';
import * as net from 'node:net';
import { WebSocketServer, type RawData } from 'ws';

export interface Bridge {
  /** ws://127.0.0.1:PORT/ */
  url: string;
  close(): Promise<void>;
}

function bytesOf(data: RawData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
}

/** Listens on 127.0.0.1 (`port` 0: any free port) and pipes each WebSocket to a new TCP connection to `target`. */
export async function startBridge(target: { host: string; port: number }, port = 0): Promise<Bridge> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await once(wss, 'listening');
  wss.on('connection', (ws) => {
    const tcp = net.connect(target.port, target.host);
    ws.on('message', (data) => tcp.write(bytesOf(data)));
    ws.on('close', () => tcp.end());
    ws.on('error', () => tcp.destroy());
    tcp.on('data', (data) => ws.send(data));
    // The server's FIN closes the WebSocket; the page reads that as end of input.
    tcp.on('end', () => ws.close());
    tcp.on('error', () => ws.terminate());
  });
  const address = wss.address() as net.AddressInfo;
  return {
    url: `ws://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
