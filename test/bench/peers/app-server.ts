/**
 * The side-by-side benchmark's static server: the production build served from loopback, with every response it
 * sends logged (when, what, how many bytes). Counting at the server sees what the browser fetched for the page,
 * its dedicated, shared and service workers alike, and never counts a response a service worker answered from
 * its own cache as a transfer.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { TYPES } from '../static.ts';

export interface Sent {
  /** When the request arrived (ms since the epoch, this machine's clock: the browser runs on it too). */
  at: number;
  path: string;
  /** Body and header bytes, uncompressed (the server compresses nothing). */
  bytes: number;
}

export interface AppServer {
  origin: string;
  /** Responses sent since the last `clearLog()`. */
  log(): readonly Sent[];
  clearLog(): void;
  close(): Promise<void>;
}

export async function serveApp(dir: string): Promise<AppServer> {
  let sent: Sent[] = [];
  const server: Server = createServer((request, response) => {
    const at = Date.now();
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, path.normalize(pathname));
    if (!file.startsWith(dir)) {
      response.writeHead(403).end();
      return;
    }
    stat(file).then(
      (info) => {
        if (!info.isFile()) throw new Error('not a file');
        const headers = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': String(info.size) };
        response.writeHead(200, headers);
        const headerBytes = Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 17);
        response.on('finish', () => sent.push({ at, path: pathname, bytes: info.size + headerBytes }));
        createReadStream(file).pipe(response);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no server address');
  return {
    origin: `http://127.0.0.1:${String(address.port)}`,
    log: () => sent,
    clearLog: () => {
      sent = [];
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
