/**
 * The last step of `pnpm build` (after the two Vite builds of @omnisocial/chat): what npm packages ship besides
 * the bundles.
 * - @omnisocial/core, @omnisocial/server and @omnisocial/react: JavaScript and declarations in their `dist/` (`tsc`, relative `.ts`
 *   imports rewritten to `.js`; Node does not strip types under node_modules, so they cannot ship TypeScript).
 * - @omnisocial/chat: declarations in `dist/types/` (the bundles are Vite's) and `custom-elements.json`.
 * Declarations keep the `.ts` of the sources' relative imports, so they are rewritten to `.js` as in the code.
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const typeRoots = ['packages/core/dist', 'packages/server/dist', 'packages/elements/dist/types', 'packages/react/dist'];

function run(command: string, args: readonly string[], cwd = root): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${String(result.status ?? result.signal)})`);
}

/** `from './x.ts'` / `import('./x.ts')` → `.js`; package specifiers are left alone. */
export const rewriteSpecifiers = (source: string): string => source.replace(/(['"])(\.{1,2}\/[^'"]*?)\.ts\1/g, '$1$2.js$1');

async function rewriteDeclarations(directory: string): Promise<void> {
  const entries = await readdir(path.join(root, directory), { withFileTypes: true, recursive: true });
  await Promise.all(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'))
      .map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        const source = await readFile(file, 'utf8');
        const rewritten = rewriteSpecifiers(source);
        if (rewritten !== source) await writeFile(file, rewritten);
      }),
  );
}

/**
 * The engine's worker ships as modules in @omnisocial/core's `dist/worker/`, started by the literal
 * `new Worker(new URL('./entry.js', import.meta.url), { type: 'module' })` that bundlers recognise: a site's bundler
 * (Vite, Turbopack, webpack) builds the worker and its engine as a worker of its own (docs/engine.md). The source
 * names `./entry.ts`, which `tsc` leaves as it is in a string: it becomes `./entry.js` here.
 */
async function pointWorkerAtJs(file: string): Promise<void> {
  const source = await readFile(path.join(root, file), 'utf8');
  const literal = "new URL('./entry.ts', import.meta.url)";
  if (!source.includes(literal)) throw new Error(`${file}: the worker's URL was not found`);
  await writeFile(path.join(root, file), source.replaceAll(literal, "new URL('./entry.js', import.meta.url)"));
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  // The referenced projects' declarations (.cache/types, shared with `tsc -b`), then each package's emit in full:
  // `tsc -p`, since Vite has just emptied packages/elements/dist and a build-mode check would call it up to date.
  run('tsc', ['-b', 'packages/core', 'packages/testing', 'packages/elements']);
  for (const directory of ['packages/core', 'packages/server', 'packages/elements', 'packages/react'])
    run('tsc', ['-p', `${directory}/tsconfig.build.json`]);
  for (const directory of typeRoots) await rewriteDeclarations(directory);
  await pointWorkerAtJs('packages/core/dist/worker/proxy.js');
  // packages/elements/custom-elements.json, from the shells' and views' JSDoc (custom-elements-manifest.config.mjs).
  run('cem', ['analyze', '--quiet', '--config', 'custom-elements-manifest.config.mjs'], path.join(root, 'packages/elements'));
}
