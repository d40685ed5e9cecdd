import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withDirectoryLock } from '../dir-lock.ts';
import { ensureSynapse } from '../venv.ts';

/** What Synapse's `postgres` and `redis` extras pull in, pinned (binary wheels: no compiler or libpq headers needed). */
export const SCALE_EXTRAS = ['psycopg2-binary==2.9.13', 'txredisapi==1.5.0', 'hiredis==3.5.0'] as const;

/** The virtualenv's Python with PostgreSQL and Redis support added to the pinned Synapse (installed on first use). */
export async function ensureScaleExtras(): Promise<{ python: string }> {
  const { python } = await ensureSynapse();
  const venv = path.dirname(path.dirname(python));
  const marker = path.join(venv, '.omni-scale-extras');
  const wanted = `${SCALE_EXTRAS.join(' ')}\n`;
  if (existsSync(marker)) return { python };
  await withDirectoryLock(`${venv}-extras.lock`, { staleMs: 10 * 60_000 }, async () => {
    if (existsSync(marker)) return;
    process.stderr.write('omni: installing Synapse’s PostgreSQL and Redis support (first run only)\n');
    await pip(python, ['install', '--disable-pip-version-check', '--no-input', ...SCALE_EXTRAS]);
    await writeFile(marker, wanted);
  });
  return { python };
}

async function pip(python: string, args: readonly string[]): Promise<void> {
  const child = spawn(python, ['-m', 'pip', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`omni: pip ${args.join(' ')} failed (needs PyPI access): ${stderr.trim()}`);
}
