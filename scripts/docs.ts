/**
 * `pnpm docs`: builds the documentation site (scripts/docs/site.ts, after `pnpm build` when the package is not
 * current) into .cache/docs-site, starts the live examples' homeserver (scripts/docs/homeserver.ts: Synapse and the
 * companion, seeded) and serves the site on loopback with its `live.json`. `pnpm docs --build` only builds;
 * `--out <directory>` builds there instead (the tests' own directory).
 * Ctrl-C (or SIGINT/SIGTERM to the printed pid) stops the server and Synapse.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllSynapses } from '@omnisocial/testing';
import { ensureBuild } from '../test/support/build.ts';
import { serveStatic } from '../test/support/chromium.ts';
import { startDocsHomeserver, DOCS_PASSWORD, type DocsHomeserver } from './docs/homeserver.ts';
import { buildDocsSite } from './docs/site.ts';

const outIndex = process.argv.indexOf('--out');
const outDir =
  outIndex > 0 && process.argv[outIndex + 1]
    ? path.resolve(process.argv[outIndex + 1] ?? '')
    : path.join(fileURLToPath(new URL('..', import.meta.url)), '.cache/docs-site');

await ensureBuild();
const site = await buildDocsSite(outDir);
console.log(`omni docs: ${String(site.pages.length)} pages built in ${outDir}`);

if (!process.argv.includes('--build')) {
  let docsHomeserver: DocsHomeserver | undefined;
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  const stop = async (code: number): Promise<void> => {
    await server?.close();
    await docsHomeserver?.stop();
    await stopAllSynapses();
    process.exit(code);
  };
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, () => void stop(0));
  try {
    console.log('omni docs: starting Synapse and the companion for the live examples…');
    docsHomeserver = await startDocsHomeserver();
    server = await serveStatic(outDir, { '/live.json': JSON.stringify(docsHomeserver.live) });
    console.log(`
OmniSocial Chat documentation
  Open:        ${server.url('/index.html')}
  Homeserver:  ${docsHomeserver.live.homeserver} (members alice, bob, carol; password "${DOCS_PASSWORD}")
  Stop:        Ctrl-C (without a terminal: kill -INT ${String(process.pid)})`);
  } catch (error) {
    console.error(`omni docs: could not start: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}
