/**
 * Benchmark pages built for production by Vite (minified, chunked as a site would ship them) and served
 * as static files from loopback, so figures measure what members download, not a dev server.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Content types by file extension, for the bench's static servers. */
export const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Builds the given HTML pages (paths from the repository root) and what they import into `outDir`. */
export async function buildBenchPages(outDir: string, pages: readonly string[]): Promise<void> {
  await build({
    configFile: path.join(root, 'vite.config.ts'),
    root,
    mode: 'production',
    logLevel: 'error',
    build: {
      outDir,
      emptyOutDir: true,
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 10_000,
      rollupOptions: { input: Object.fromEntries(pages.map((page) => [path.basename(page, '.html'), path.join(root, page)])) },
    },
  });
}

/** A response the static server sent: when its request arrived, what it was for, body and header bytes. */
export interface SentFile {
  /** When the request arrived (ms since the epoch, this machine's clock: the browser runs on it too). */
  at: number;
  path: string;
  /** Body and header bytes, uncompressed (the server compresses nothing). */
  bytes: number;
}

export interface StaticOptions {
  /**
   * Lets the browser keep the build's content-hashed files (`chunks/`, `assets/`) as a site serves them
   * (`Cache-Control: public, max-age=31536000, immutable`), so a later page of the same profile takes them from its
   * HTTP cache, and the crypto wasm's compiled code from its code cache. Without it nothing is cacheable and every
   * page fetches every file again.
   */
  cacheHashed?: boolean;
}

/**
 * Serves the production build (correct MIME types, so the wasm streams as application/wasm); `onSent` hears of every
 * file sent, once its response has finished.
 */
export async function serveStatic(
  dir: string,
  onSent?: (sent: SentFile) => void,
  options: StaticOptions = {},
): Promise<{ origin: string; close(): Promise<void> }> {
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
        const hashed = options.cacheHashed === true && /^\/(chunks|assets)\//.test(pathname);
        const headers: Record<string, string> = {
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'content-length': String(info.size),
          ...(hashed ? { 'cache-control': 'public, max-age=31536000, immutable' } : {}),
        };
        response.writeHead(200, headers);
        const headerBytes = Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 17);
        if (onSent) response.on('finish', () => onSent({ at, path: pathname, bytes: info.size + headerBytes }));
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
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
