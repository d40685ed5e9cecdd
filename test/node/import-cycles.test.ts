/**
 * No module of a package imports itself back through others: a cycle makes module order matter (a class
 * used before its module ran) and ties together concerns the folders say are apart. Walks every static
 * relative import of `packages/*\/src`, `import type` included (it couples the two modules as much as a
 * value does), and fails naming each cycle found. A dynamic `import()` is not followed: it is the lazy
 * boundary (the registry loads the engine, the engine loads crypto, the loader loads the views) and runs
 * only after both modules have been evaluated.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** `… from './x.ts'` (imports and re-exports) and `import './x.ts'`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/gu;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.ts$/u.test(name) && !/\.test\.ts$/u.test(name) ? [full] : [];
  });
}

/** Each module's relative imports, as absolute paths. */
function importGraph(): Map<string, string[]> {
  const packages = path.join(root, 'packages');
  const files = readdirSync(packages).flatMap((name) => {
    const src = path.join(packages, name, 'src');
    try {
      return statSync(src).isDirectory() ? sourceFiles(src) : [];
    } catch {
      return [];
    }
  });
  const graph = new Map<string, string[]>();
  for (const file of files) {
    // Comments may quote imports: only code counts.
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//gu, '')
      .replace(/^\s*\/\/.*$/gmu, '');
    const targets = [...code.matchAll(SPECIFIER)].map((match) => path.resolve(path.dirname(file), match[1] ?? ''));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every elementary cycle's entry point, found by depth-first search (one report per cycle). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

test('no import cycle in packages/*/src', () => {
  const graph = importGraph();
  assert.ok(graph.size > 20, 'the walk found the packages’ sources');
  const described = cycles(graph).map((cycle) => cycle.map((file) => path.relative(root, file)).join(' → '));
  assert.deepEqual(described, [], `import cycles:\n${described.join('\n')}`);
});
