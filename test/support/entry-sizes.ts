/**
 * Sizes of the package's entries beyond the loader, for `pnpm bench`'s size table and test/node/entry-sizes.test.ts:
 * - the views chunk (what an element loads once it nears the viewport: Lit and the views), from `pnpm build`'s
 *   manifest, less what the loader holds already;
 * - `@omnisocial/react` on top of the package: its browser entry and `@lit/react`, minified as a site's bundler would, with
 *   `@omnisocial/chat` and React left out (the page has them anyway);
 * - `@omnisocial/chat/vue` and `/svelte`: declarations only, so no JavaScript at all (their `.d.ts` measured for the
 *   record).
 * Gzip level 9, as the loader's budget.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { dist, gzipSize, loaderKey, readManifest, root, staticClosure } from './build.ts';

export const VIEWS_KEY = 'packages/elements/src/views.ts';

export interface EntrySizes {
  /** The views chunk and its static imports beyond the loader's, gzip. */
  viewsGzipBytes: number;
  viewsFiles: string;
  /** `@omnisocial/react` minified on top of `@omnisocial/chat` and React, gzip and raw. */
  reactWrapperGzipBytes: number;
  reactWrapperBytes: number;
  /** JavaScript the `/vue` and `/svelte` entries add (none: they are declarations), and their declarations, gzip. */
  vueJsBytes: number;
  vueTypesGzipBytes: number;
  svelteJsBytes: number;
  svelteTypesGzipBytes: number;
}

/** The views chunk and its static imports, less the loader's: what nearing the viewport costs a page. */
async function viewsSize(): Promise<{ gzipBytes: number; files: string }> {
  const manifest = await readManifest();
  const loader = staticClosure(manifest, loaderKey(manifest));
  if (!manifest[VIEWS_KEY]) throw new Error('no views chunk in the build');
  const files = [...staticClosure(manifest, VIEWS_KEY)].filter((key) => !loader.has(key)).map((key) => manifest[key]?.file ?? key);
  const sizes = await Promise.all(files.map(gzipSize));
  return { gzipBytes: sizes.reduce((a, b) => a + b, 0), files: files.join(', ') };
}

/** The wrapper bundled alone, minified, with what a React page has anyway left as imports. */
async function reactWrapperSize(): Promise<{ gzipBytes: number; bytes: number }> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      write: false,
      minify: true,
      target: 'es2023',
      rolldownOptions: {
        input: path.join(root, 'packages/react/src/index.ts'),
        preserveEntrySignatures: 'strict',
        external: (id) => /^(react|react-dom|@omnisocial\/chat)(\/|$)/u.test(id),
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const code = outputs
    .flatMap((output) => output.output)
    .filter((chunk): chunk is Rolldown.OutputChunk => chunk.type === 'chunk')
    .map((chunk) => chunk.code)
    .join('\n');
  return { gzipBytes: gzipSync(code, { level: 9 }).length, bytes: Buffer.byteLength(code) };
}

/** The JavaScript an entry of `@omnisocial/chat`'s published exports points at (0 for declarations only). */
async function entryJsBytes(entry: string): Promise<number> {
  const manifest = JSON.parse(await readFile(path.join(root, 'packages/elements/package.json'), 'utf8')) as {
    publishConfig: { exports: Record<string, Record<string, string>> };
  };
  const conditions = manifest.publishConfig.exports[entry] ?? {};
  const code = Object.entries(conditions).filter(([condition]) => condition !== 'types');
  const sizes = await Promise.all(code.map(async ([, file]) => (await readFile(path.join(root, 'packages/elements', file))).length));
  return sizes.reduce((a, b) => a + b, 0);
}

const typesGzip = async (file: string): Promise<number> => gzipSync(await readFile(path.join(dist, 'types', file)), { level: 9 }).length;

export async function measureEntries(): Promise<EntrySizes> {
  const views = await viewsSize();
  const react = await reactWrapperSize();
  return {
    viewsGzipBytes: views.gzipBytes,
    viewsFiles: views.files,
    reactWrapperGzipBytes: react.gzipBytes,
    reactWrapperBytes: react.bytes,
    vueJsBytes: await entryJsBytes('./vue'),
    vueTypesGzipBytes: await typesGzip('vue.d.ts'),
    svelteJsBytes: await entryJsBytes('./svelte'),
    svelteTypesGzipBytes: await typesGzip('svelte.d.ts'),
  };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) process.stdout.write(`${JSON.stringify(await measureEntries(), null, 2)}\n`);
