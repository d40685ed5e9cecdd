import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer as createHttpServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { createServer, type PluginOption, type ServerOptions, type ViteDevServer } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Debian's Chromium (never a downloaded browser), headless, with the machine's closed network in mind.
 * `args` are added to the defaults, e.g. `--enable-precise-memory-info` for benchmarks that read
 * `performance.memory` (Chromium otherwise rounds it into coarse buckets).
 */
export function launchChromium(options: { args?: readonly string[] } = {}): Promise<Browser> {
  return chromium.launch(chromiumOptions(options.args));
}

function chromiumOptions(args: readonly string[] = []): { executablePath: string; args: string[] } {
  return {
    executablePath: process.env['OMNI_CHROMIUM'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', ...args],
  };
}

/**
 * The same Chromium with a profile on disk, as a member's browser keeps one: its HTTP cache (a 7.6 MB wasm included,
 * which a context's in-memory cache does not keep) and compiled-code cache last from page to page. The profile's
 * directory is removed when the context closes.
 */
export async function launchChromiumProfile(options: { args?: readonly string[] } = {}): Promise<BrowserContext> {
  const dir = await mkdtemp(path.join(tmpdir(), 'omni-profile-'));
  const context = await chromium.launchPersistentContext(dir, chromiumOptions(options.args));
  // Chromium may still be writing to the profile as it exits: retried, and never an error of the caller's.
  context.on('close', () => void rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch(() => undefined));
  return context;
}

/**
 * Serves the repository through Vite on a free loopback port, for pages under `test/pages/` (or `entries`).
 * `production: true` resolves dependencies' `production` exports (Lit without its dev-mode checks and
 * warnings, as sites ship it); `proxy` and `plugins` go to Vite as they are. Each server pre-bundles into a
 * cache of its own, removed on close: test files run two at a time, each with its own Vite, and sharing
 * `node_modules/.vite` let one server re-bundle the dependencies another was serving, whose page then failed
 * to load its modules (a file that passed alone failed beside another).
 */
export async function servePages(
  options: {
    production?: boolean;
    entries?: string[];
    proxy?: NonNullable<ServerOptions['proxy']>;
    plugins?: PluginOption[];
  } = {},
): Promise<{ base: string; url: (page: string) => string; close: () => Promise<void> }> {
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'omni-vite-'));
  const vite: ViteDevServer = await createServer({
    root,
    configFile: `${root}vite.config.ts`,
    logLevel: 'warn',
    cacheDir,
    server: { host: '127.0.0.1', port: 0, hmr: false, ...(options.proxy ? { proxy: options.proxy } : {}) },
    optimizeDeps: { entries: options.entries ?? ['test/pages/*.html', 'test/bench/*.html'] },
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.production ? { resolve: { conditions: ['module', 'browser', 'production'] } } : {}),
  });
  await vite.listen();
  const base = vite.resolvedUrls?.local[0];
  if (!base) throw new Error('Vite did not report its URL');
  return {
    base,
    url: (page) => new URL(page, base).href,
    close: async () => {
      await vite.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

const staticTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * A plain static file server on a free loopback port (no Vite, no bundling: what a site's own server does),
 * for built output such as `dist/`. `pages` adds in-memory files by path (`/page.html` → its HTML); `headers`
 * go with every response (a site's Content-Security-Policy).
 */
export async function serveStatic(
  directory: string,
  pages: Readonly<Record<string, string>> = {},
  headers: Readonly<Record<string, string>> = {},
): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const base = path.resolve(directory);
  const server = createHttpServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const page = pages[pathname];
    const file = path.resolve(base, `.${pathname}`);
    const typed = { ...headers, 'content-type': staticTypes[path.extname(pathname)] ?? 'application/octet-stream' };
    if (page !== undefined) {
      response.writeHead(200, typed);
      response.end(page);
      return;
    }
    if (!file.startsWith(`${base}${path.sep}`)) {
      response.writeHead(403, headers).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, typed).end(body),
      () => response.writeHead(404, headers).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server has no port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    url: (pathname) => new URL(pathname, origin).href,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
