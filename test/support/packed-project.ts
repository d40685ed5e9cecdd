/**
 * A project of its own for the packed packages (test/node/pack.test.ts, test/node/pack-vue.test.ts): `pnpm pack` of
 * each public package into an empty directory in the system's temporary directory, where npm installs the
 * tarballs with what the site's test needs from the npm registry.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { PUBLIC_PACKAGES } from './licenses.ts';
import { root } from './build.ts';

export interface Run {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command; rejects with its output when it fails. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(new Error(`${command} ${args.join(' ')} failed (${String(code)}):\n${stdout}\n${stderr}`)),
    );
  });
}

const rootManifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
/** The repository's own version of a tool (vite, typescript), so the site builds with what the project tests with. */
export const toolVersion = (name: string): string => rootManifest.devDependencies[name] ?? 'latest';

/** An empty directory in the system's temporary directory holding the tarballs of the public packages. */
export async function packProject(prefix: string): Promise<{ project: string; tarballs: readonly string[] }> {
  const project = await mkdtemp(path.join(tmpdir(), prefix));
  const tarballs: string[] = [];
  for (const directory of PUBLIC_PACKAGES) {
    const { stdout } = await run('pnpm', ['--dir', directory, 'pack', '--pack-destination', project], root);
    const tarball = stdout.trim().split('\n').at(-1) ?? '';
    assert.match(tarball, /\.tgz$/, `pnpm pack ${directory} printed ${stdout}`);
    tarballs.push(tarball);
  }
  return { project, tarballs };
}
