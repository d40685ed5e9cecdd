/**
 * The worker's module graph never reaches the module that starts the worker. A site's bundler builds
 * `new Worker(new URL('./entry.js', import.meta.url))` as a worker of its own, with everything the entry imports,
 * statically or lazily; a worker whose graph holds that same `new Worker(…)` is a worker that contains itself, and
 * Turbopack (`next build`) waited on it forever at idle CPU (docs/engine.md, "Bundlers"). Reads the sources, no server.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const source = path.dirname(fileURLToPath(new URL('../index.ts', import.meta.url)));
/** Relative specifiers of `import … from`, `export … from`, `import '…'` and `import('…')`, type-only imports left out. */
const SPECIFIER =
  /(?:^|[\s;])(?:import(?!\s+type\s)[^'"`;]*?from\s*|export(?!\s+type\s)[^'"`;]*?from\s*|import\s*\(\s*|import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

/** The same, without lazy imports (`import('…')`): what loads with a module. Bare specifiers (packages) too. */
const STATIC_SPECIFIER =
  /(?:^|[\s;])(?:import(?!\s+type\s)[^'"`;]*?from\s*|export(?!\s+type\s)[^'"`;]*?from\s*|import\s+)(['"])([^'"]+)\1/gm;

/** Every module `entry` reaches, each with the module that first imported it. */
async function graph(entry: string): Promise<Map<string, string | undefined>> {
  const reached = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const next = path.resolve(path.dirname(file), match[2] ?? '');
      if (reached.has(next)) continue;
      reached.set(next, file);
      queue.push(next);
    }
  }
  return reached;
}

function chain(reached: Map<string, string | undefined>, file: string): string {
  const names: string[] = [];
  for (let at: string | undefined = file; at !== undefined; at = reached.get(at)) names.unshift(path.relative(source, at));
  return names.join(' → ');
}

test("the worker's entry never reaches the module that starts the worker", async () => {
  const reached = await graph(path.join(source, 'worker/entry.ts'));
  // The engine is in the graph: the walk follows lazy imports as bundlers do.
  assert.ok(reached.has(path.join(source, 'session/engine.ts')), 'the walk did not reach the engine');
  const starters: string[] = [];
  for (const file of reached.keys()) {
    if (/new (?:Shared)?Worker\(/.test(await readFile(file, 'utf8'))) starters.push(chain(reached, file));
  }
  assert.deepEqual(starters, []);
});

test('the walk finds the way from the page to the worker', async () => {
  // The same walk from the session registry reaches proxy.ts, so the check above is not empty by construction.
  const reached = await graph(path.join(source, 'session/registry.ts'));
  assert.ok(reached.has(path.join(source, 'worker/proxy.ts')));
});

test("the page's side of the worker engine loads no engine: no matrix-js-sdk, no crypto wasm", async () => {
  // It draws local echoes itself (page-echoes.ts) from the pure rules the engine uses, not from the engine's modules.
  const entry = path.join(source, 'worker/proxy.ts');
  const reached = new Map<string, string | undefined>([[entry, undefined]]);
  const packages: string[] = [];
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(STATIC_SPECIFIER)) {
      const specifier = match[2] ?? '';
      if (!specifier.startsWith('.')) {
        if (/^(?:matrix-js-sdk|@matrix-org\/)/.test(specifier)) packages.push(`${chain(reached, file)} → ${specifier}`);
        continue;
      }
      const next = path.resolve(path.dirname(file), specifier);
      if (reached.has(next)) continue;
      reached.set(next, file);
      queue.push(next);
    }
  }
  assert.ok(reached.has(path.join(source, 'worker/page-echoes.ts')), 'the walk did not reach the page echoes');
  assert.deepEqual(packages, []);
});
