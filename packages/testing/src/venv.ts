import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDirectoryLock } from './dir-lock.ts';

export const SYNAPSE_VERSION = '1.163.2';

const MIN_PYTHON: readonly [number, number] = [3, 10];
/** A lock older than this belongs to an install that cannot still be making progress. */
const STALE_LOCK_MS = 15 * 60_000;

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'synapse');
const VENV_DIR = path.join(CACHE_DIR, `venv-${SYNAPSE_VERSION}`);
const LOCK_DIR = `${VENV_DIR}.lock`;
const INSTALL_LOG = path.join(CACHE_DIR, `pip-${SYNAPSE_VERSION}.log`);
/** Written last, so its presence proves the venv finished installing. */
const MARKER = path.join(VENV_DIR, '.omni-installed');
/** Synapse's optional dependencies the harness configures: `url-preview` (link previews need an HTML parser). */
const EXTRAS = 'url-preview';
/** Written once the extras are in: a venv installed before they were asked for gets them added, not rebuilt. */
const EXTRAS_MARKER = path.join(VENV_DIR, `.omni-extras-${EXTRAS}`);

function progress(message: string): void {
  process.stderr.write(`omni: ${message}\n`);
}

let pending: Promise<{ python: string }> | undefined;

/**
 * Returns a Python interpreter from the project-local virtualenv holding the pinned Synapse,
 * installing it from PyPI on first use. Concurrent callers (parallel test files) wait on one install.
 */
export function ensureSynapse(): Promise<{ python: string }> {
  // Calls within one process share one attempt; the directory lock only arbitrates between processes.
  pending ??= ensureInstalled().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function ensureInstalled(): Promise<{ python: string }> {
  const python = path.join(VENV_DIR, 'bin', 'python');
  if (existsSync(MARKER) && existsSync(EXTRAS_MARKER)) return { python };

  await mkdir(CACHE_DIR, { recursive: true });
  await withDirectoryLock(
    LOCK_DIR,
    { staleMs: STALE_LOCK_MS, onWait: () => progress('waiting for another process installing Synapse …') },
    async () => {
      // Another process may have finished the install while we waited for the lock.
      if (!existsSync(MARKER)) await install(python);
      else if (!existsSync(EXTRAS_MARKER)) await installExtras(python);
    },
  );
  return { python };
}

async function install(venvPython: string): Promise<void> {
  const systemPython = findSystemPython();
  progress(`installing Synapse ${SYNAPSE_VERSION} into .cache/synapse … (first run only)`);
  const started = Date.now();

  // A venv without the marker is a leftover from an interrupted install; pip cannot be trusted to repair it.
  await rm(VENV_DIR, { recursive: true, force: true });
  await run(systemPython, ['-m', 'venv', VENV_DIR], 'creating the virtualenv');
  await run(
    venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `matrix-synapse[${EXTRAS}]==${SYNAPSE_VERSION}`],
    `pip install matrix-synapse[${EXTRAS}]==${SYNAPSE_VERSION} (needs PyPI access)`,
  );
  await run(venvPython, ['-c', 'import synapse.app.homeserver'], 'importing the installed Synapse');
  await writeFile(EXTRAS_MARKER, `${EXTRAS}\n`);
  await writeFile(MARKER, `${SYNAPSE_VERSION}\n`);
  progress(`Synapse ${SYNAPSE_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Adds the extras to a venv installed without them. */
async function installExtras(venvPython: string): Promise<void> {
  progress(`adding Synapse's ${EXTRAS} dependencies to .cache/synapse …`);
  await run(
    venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `matrix-synapse[${EXTRAS}]==${SYNAPSE_VERSION}`],
    `pip install matrix-synapse[${EXTRAS}]==${SYNAPSE_VERSION} (needs PyPI access)`,
  );
  await writeFile(EXTRAS_MARKER, `${EXTRAS}\n`);
}

function findSystemPython(): string {
  const candidates = [process.env['OMNI_PYTHON'], 'python3', 'python'].filter((c): c is string => !!c);
  const probe = 'import sys; print("%d.%d" % sys.version_info[:2])';
  for (const candidate of candidates) {
    const result = spawnSync(candidate, ['-c', probe], { encoding: 'utf8' });
    if (result.status !== 0) continue;
    const [major = 0, minor = 0] = result.stdout.trim().split('.').map(Number);
    if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
      throw new Error(
        `omni: ${candidate} is Python ${major}.${minor}, but Synapse ${SYNAPSE_VERSION} needs Python ` +
          `${MIN_PYTHON.join('.')} or newer; install a newer python3 or point OMNI_PYTHON at one.`,
      );
    }
    // Debian/Ubuntu ship `venv` without `ensurepip`, so `python3 -m venv` fails half-way without this check.
    const venvCheck = spawnSync(candidate, ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
    if (venvCheck.status !== 0) {
      throw new Error(
        `omni: ${candidate} lacks the venv module (with ensurepip); install python3-venv ` +
          `(e.g. \`sudo apt-get install python3-venv\`) and retry.`,
      );
    }
    return candidate;
  }
  throw new Error('omni: no python3 found on PATH; install Python 3.10+ (or set OMNI_PYTHON) to run Synapse tests.');
}

/** Runs a command with its output appended to the install log, failing with a pointer to that log. */
async function run(command: string, args: string[], what: string): Promise<void> {
  const log = await open(INSTALL_LOG, 'a');
  await log.write(`\n$ ${command} ${args.join(' ')}\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', log.fd, log.fd] });
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  }).finally(() => log.close());
  if (code !== 0) {
    throw new Error(`omni: ${what} failed (exit ${code}); see ${INSTALL_LOG}. The next run retries from scratch.`);
  }
}
