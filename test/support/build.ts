/**
 * Building and measuring what `pnpm build` ships in packages/elements/dist, read from Vite's manifest: the
 * loader (omni-chat.js and what it imports statically), the engine chunk and the crypto wasm. One module for
 * the size check (test/node/build.test.ts, budgets in test/node/budgets.ts), the tests that load the built
 * module (csp, emoji font, journeys) and `pnpm bench` (its summary; `node test/support/build.ts` prints it).
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { withDirectoryLock } from '@omnisocial/testing';
import { ENGINE_BUDGET, LOADER_BUDGET, LOCALE_BUDGET } from '../node/budgets.ts';

export { ENGINE_BUDGET, LOADER_BUDGET, LOCALE_BUDGET };

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const dist = path.join(root, 'packages/elements/dist');

/** Held while dist/ is checked and rebuilt (.cache/ is the repository's own, ignored by git). */
const BUILD_LOCK = path.join(root, '.cache', 'build.lock');
/** Far longer than a build on a loaded machine; a crashed owner is found sooner by its pid. */
const BUILD_LOCK_STALE_MS = 15 * 60_000;

export const ENGINE_KEY = 'packages/core/src/session/engine.ts';

export interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

export interface BuildSizes {
  /** omni-chat.js and the chunks it imports statically, gzip level 9. */
  loaderGzipBytes: number;
  loaderFiles: Array<{ file: string; gzipBytes: number }>;
  /** The engine chunk and the chunks it imports statically beyond the loader's (what the loader loads on first need), gzip level 9. */
  engineGzipBytes: number;
  engineFile: string;
  /** The crypto wasm as served (uncompressed bytes, what a page fetches from a static server) and gzipped. */
  wasmBytes: number;
  wasmGzipBytes: number;
  wasmFile: string;
  /** Each locale module (its translations), gzip level 9, by locale code: fetched only by a page in that language. */
  localeGzipBytes: Record<string, number>;
  /** What the first language other than English loads besides its strings (the localization runtime), gzip level 9. */
  localizationRuntimeGzipBytes: number;
}

/** The locale modules' manifest keys, by locale code. */
export function localeKeys(manifest: Manifest): Map<string, string> {
  const keys = new Map<string, string>();
  for (const key of Object.keys(manifest)) {
    const locale = /^packages\/elements\/src\/locales\/([a-z-]+)\.ts$/.exec(key)?.[1];
    if (locale && locale !== 'locale-codes') keys.set(locale, key);
  }
  return keys;
}

export async function readManifest(): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(dist, '.vite/manifest.json'), 'utf8')) as Manifest;
}

export const gzipSize = async (file: string): Promise<number> => gzipSync(await readFile(path.join(dist, file)), { level: 9 }).length;

/** A chunk and every chunk it imports statically (what the browser must fetch before running it). */
export function staticClosure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) staticClosure(manifest, imported, seen);
  return seen;
}

/** The manifest key of omni-chat.js, the loader entry; undefined when the build has no such entry. */
export const findLoaderKey = (manifest: Manifest): string | undefined =>
  Object.keys(manifest).find((k) => manifest[k]?.isEntry && manifest[k].file === 'omni-chat.js');

export function loaderKey(manifest: Manifest): string {
  const key = findLoaderKey(manifest);
  if (!key) throw new Error('omni-chat.js is not an entry of the build');
  return key;
}

export async function measureBuild(): Promise<BuildSizes> {
  const manifest = await readManifest();
  const loaderFiles = await Promise.all(
    [...staticClosure(manifest, loaderKey(manifest))].map(async (key) => {
      const file = manifest[key]?.file ?? key;
      return { file, gzipBytes: await gzipSize(file) };
    }),
  );
  const engine = manifest[ENGINE_KEY];
  if (!engine) throw new Error('no engine chunk in the build');
  // The engine chunk and its static imports, less what the loader holds already: the bundler may put
  // matrix-js-sdk in a chunk of its own, which the engine needs all the same.
  const loaderKeys = staticClosure(manifest, loaderKey(manifest));
  const engineFiles = [...staticClosure(manifest, ENGINE_KEY)]
    .filter((key) => !loaderKeys.has(key))
    .map((key) => manifest[key]?.file ?? key);
  const wasm = Object.values(manifest).find((chunk) => chunk.file.endsWith('.wasm'));
  if (!wasm) throw new Error('no crypto wasm in the build');
  const wasmBuffer = await readFile(path.join(dist, wasm.file));
  return {
    loaderGzipBytes: loaderFiles.reduce((sum, f) => sum + f.gzipBytes, 0),
    loaderFiles,
    engineGzipBytes: (await Promise.all(engineFiles.map(gzipSize))).reduce((sum, bytes) => sum + bytes, 0),
    engineFile: engineFiles.join(', '),
    wasmBytes: wasmBuffer.length,
    wasmGzipBytes: gzipSync(wasmBuffer, { level: 9 }).length,
    wasmFile: wasm.file,
    localeGzipBytes: Object.fromEntries(
      await Promise.all(
        [...localeKeys(manifest)].map(async ([locale, key]) => [locale, await gzipSize(manifest[key]?.file ?? key)] as const),
      ),
    ),
    localizationRuntimeGzipBytes: (
      await Promise.all(
        [...staticClosure(manifest, 'packages/elements/src/i18n/locale-runtime.ts')]
          .filter((key) => !loaderKeys.has(key) && !localeKeys(manifest).has(key))
          .map((key) => gzipSize(manifest[key]?.file ?? key)),
      )
    ).reduce((sum, bytes) => sum + bytes, 0),
  };
}

/** Runs `pnpm build` (both Vite builds) and resolves with its duration in seconds. */
export function runBuild(): Promise<number> {
  const started = performance.now();
  return new Promise<number>((resolve, reject) => {
    const child = spawn('sh', ['scripts/with-env.sh', 'pnpm', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`pnpm build failed (${String(code)}):\n${output}`)),
    );
  });
}

async function newestMtime(target: string): Promise<number> {
  const info = await stat(target);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(target, { withFileTypes: true, recursive: true });
  const times = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(path.join(e.parentPath, e.name))).mtimeMs),
  );
  return Math.max(0, ...times);
}

/** `pnpm build`'s age (dist/.vite/manifest.json) against the newest source it is built from: whether it is current. */
async function isBuildCurrent(): Promise<boolean> {
  const built = await stat(path.join(dist, '.vite/manifest.json')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = [
    'packages/core/src',
    'packages/elements/src',
    'packages/server/src',
    'packages/react/src',
    'vite.config.ts',
    'scripts/build-packages.ts',
    'packages/elements/custom-elements-manifest.config.mjs',
    'pnpm-lock.yaml',
  ].map((p) => path.join(root, p));
  const newest = Math.max(...(await Promise.all(sources.map(newestMtime))));
  return built > newest;
}

/**
 * `pnpm build`, unless dist/ is newer than every source it is built from; resolves with the build's duration in
 * seconds, or undefined when dist/ was current. Parallel test files read dist/ and call this first: a lock
 * between processes means one builds while the others wait, and none rebuilds dist/ under another.
 */
export async function ensureBuild(): Promise<number | undefined> {
  await mkdir(path.dirname(BUILD_LOCK), { recursive: true });
  return withDirectoryLock(
    BUILD_LOCK,
    { staleMs: BUILD_LOCK_STALE_MS, onWait: () => process.stderr.write('omni: waiting for another process building dist/ …\n') },
    async () => ((await isBuildCurrent()) ? undefined : runBuild()),
  );
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  await runBuild();
  process.stdout.write(`${JSON.stringify(await measureBuild(), null, 2)}\n`);
}
