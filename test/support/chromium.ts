import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Debian's Chromium (never a downloaded browser), headless, with the machine's closed network in mind.
 * `args` are added to the defaults, e.g. `--enable-precise-memory-info` for benchmarks that read
 * `performance.memory` (Chromium otherwise rounds it into coarse buckets).
 */
export function launchChromium(options: { args?: readonly string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['OMNI_CHROMIUM'] ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      ...(options.args ?? []),
    ],
  });
}

/** Serves the repository through Vite on a free loopback port, for pages under `test/pages/`. */
export async function servePages(): Promise<{ url: (page: string) => string; close: () => Promise<void> }> {
  const vite: ViteDevServer = await createServer({
    root,
    configFile: `${root}vite.config.ts`,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, hmr: false },
    optimizeDeps: { entries: ['test/pages/*.html', 'test/bench/*.html'] },
  });
  await vite.listen();
  const base = vite.resolvedUrls?.local[0];
  if (!base) throw new Error('Vite did not report its URL');
  return { url: (page) => new URL(page, base).href, close: () => vite.close() };
}
