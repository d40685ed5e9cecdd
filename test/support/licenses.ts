/**
 * The licences of what the public packages ship: every production dependency (`dependencies` and
 * `optionalDependencies`, transitively, as installed in node_modules) of @omnisocial/chat, @omnisocial/core,
 * @omnisocial/server and @omnisocial/react, checked against an allow-list of licences compatible with the project's Apache-2.0.
 * `node test/support/licenses.ts` prints them and exits with 1 naming any package outside the list;
 * test/node/licenses.test.ts runs the same check.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** The packages published to npm (packages/testing and the demo stay private). */
export const PUBLIC_PACKAGES = ['packages/core', 'packages/elements', 'packages/server', 'packages/react'] as const;

/**
 * Licences that may be combined with Apache-2.0 and shipped in (or next to) an Apache-2.0 package: the permissive
 * ones, MPL-2.0 (file-level copyleft: its files stay under it, unmodified here) and OFL-1.1 (the emoji font, shipped
 * as a font file, never merged into code). Anything else (GPL, LGPL, AGPL, SSPL, no licence at all) fails.
 */
export const ALLOWED = new Set([
  'MIT',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'Apache-2.0',
  'MPL-2.0',
  'OFL-1.1',
  'CC0-1.0',
  'Unlicense',
  'BlueOak-1.0.0',
  'Python-2.0',
]);

export interface LicensedPackage {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  /** Which public package pulls it in. */
  readonly via: string;
}

interface Manifest {
  name?: string;
  version?: string;
  license?: string | { type?: string };
  licenses?: Array<{ type?: string }>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readManifest = (directory: string): Manifest => JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as Manifest;

/** Node's lookup: `<dir>/node_modules/<name>`, walking up from the dependent's real directory. */
function locate(name: string, from: string): string | undefined {
  for (let directory = from; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(directory) === directory) return undefined;
  }
}

function licenseOf(manifest: Manifest): string {
  if (typeof manifest.license === 'string') return manifest.license;
  if (manifest.license?.type) return manifest.license.type;
  return manifest.licenses?.map((l) => l.type ?? '').join(' OR ') ?? '';
}

/** `A OR B` is allowed when one side is; `A AND B` when both are; `(…)` is stripped. */
export function allowed(expression: string): boolean {
  const bare = expression.replace(/[()]/g, '').trim();
  if (bare.includes(' OR ')) return bare.split(' OR ').some(allowed);
  if (bare.includes(' AND ')) return bare.split(' AND ').every(allowed);
  return ALLOWED.has(bare);
}

/** Every production dependency of the public packages, once each (by name and version). */
export function productionDependencies(): LicensedPackage[] {
  const seen = new Map<string, LicensedPackage>();
  for (const publicPackage of PUBLIC_PACKAGES) {
    const start = path.join(root, publicPackage);
    const via = readManifest(start).name ?? publicPackage;
    const queue: string[] = [start];
    const visited = new Set<string>();
    while (queue.length > 0) {
      const directory = queue.pop() ?? '';
      if (visited.has(directory)) continue;
      visited.add(directory);
      const manifest = readManifest(directory);
      const names = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})];
      for (const name of names) {
        const found = locate(name, directory);
        // An optional dependency for another platform is not installed, and not shipped here either.
        if (!found) {
          if (manifest.optionalDependencies?.[name] !== undefined) continue;
          throw new Error(`${name} (a dependency of ${manifest.name ?? directory}) is not installed: run pnpm install`);
        }
        queue.push(found);
        const dependency = readManifest(found);
        const key = `${dependency.name ?? name}@${dependency.version ?? '?'}`;
        if (!name.startsWith('@omnisocial/') && !seen.has(key)) {
          seen.set(key, { name: dependency.name ?? name, version: dependency.version ?? '?', license: licenseOf(dependency), via });
        }
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const packages = productionDependencies();
  const refused = packages.filter((p) => !allowed(p.license));
  for (const p of packages)
    process.stdout.write(`${allowed(p.license) ? 'ok     ' : 'REFUSED'} ${p.name}@${p.version} ${p.license || '(none)'} (via ${p.via})\n`);
  process.stdout.write(`${String(packages.length)} packages, ${String(refused.length)} refused\n`);
  if (refused.length > 0) process.exitCode = 1;
}
