/**
 * Dendrite, the second homeserver implementation the suites run on: built once from its Go module with
 * `go install` (through the Go module proxy) into `.cache/dendrite/<version>/bin`, under a lock shared
 * by parallel test processes, like the Synapse virtualenv (venv.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withDirectoryLock } from './dir-lock.ts';
import { REPO_ROOT } from './venv.ts';

export const DENDRITE_VERSION = 'v0.13.8';
const MODULE = 'github.com/matrix-org/dendrite';
/** The server, the signing-key generator and the account tool (for a manual look at a test's server). */
const COMMANDS = ['dendrite', 'generate-keys', 'create-account'] as const;

/** A cold build takes minutes on two shared cores; a lock older than this has no live owner making progress. */
const STALE_LOCK_MS = 30 * 60_000;
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'dendrite');
const INSTALL_DIR = path.join(CACHE_DIR, DENDRITE_VERSION);
const BIN_DIR = path.join(INSTALL_DIR, 'bin');
const LOCK_DIR = `${INSTALL_DIR}.lock`;
const BUILD_LOG = path.join(CACHE_DIR, `build-${DENDRITE_VERSION}.log`);
/** Written last, so its presence proves every binary was built. */
const MARKER = path.join(INSTALL_DIR, '.omni-built');

export interface DendriteBinaries {
  dendrite: string;
  generateKeys: string;
}

const binaries: DendriteBinaries = {
  dendrite: path.join(BIN_DIR, 'dendrite'),
  generateKeys: path.join(BIN_DIR, 'generate-keys'),
};

let pending: Promise<DendriteBinaries> | undefined;

/** The pinned Dendrite's binaries, built on first use; concurrent callers wait on one build. */
export function ensureDendrite(): Promise<DendriteBinaries> {
  pending ??= ensureBuilt().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function ensureBuilt(): Promise<DendriteBinaries> {
  if (existsSync(MARKER)) return binaries;
  await mkdir(CACHE_DIR, { recursive: true });
  await withDirectoryLock(
    LOCK_DIR,
    { staleMs: STALE_LOCK_MS, onWait: () => progress('waiting for another process building Dendrite …') },
    async () => {
      if (!existsSync(MARKER)) await build();
    },
  );
  return binaries;
}

async function build(): Promise<void> {
  progress(`building Dendrite ${DENDRITE_VERSION} into .cache/dendrite with go install … (first run only, minutes)`);
  const started = Date.now();
  await rm(INSTALL_DIR, { recursive: true, force: true });
  await mkdir(BIN_DIR, { recursive: true });
  const go = process.env['OMNI_GO'] ?? 'go';
  const packages = COMMANDS.map((command) => `${MODULE}/cmd/${command}@${DENDRITE_VERSION}`);
  // GOTOOLCHAIN=local: the installed Go builds it; a toolchain download would be a second, silent fetch.
  const code = await logged(go, ['install', ...packages], { ...process.env, GOBIN: BIN_DIR, GOTOOLCHAIN: 'local', CGO_ENABLED: '1' });
  if (code === 'missing') {
    throw new Error(`omni: Dendrite tests need Go (https://go.dev/dl/) on PATH, or OMNI_GO pointing at it, to build ${MODULE}.`);
  }
  if (code !== 0) {
    throw new Error(`omni: go install ${MODULE}@${DENDRITE_VERSION} failed (exit ${code}); see ${BUILD_LOG}. The next run retries.`);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  await writeFile(MARKER, `${DENDRITE_VERSION} built in ${seconds} s\n`);
  progress(`Dendrite ${DENDRITE_VERSION} built in ${seconds} s`);
}

/** Runs a command with its output appended to the build log. */
async function logged(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number | 'missing'> {
  const log = await open(BUILD_LOG, 'a');
  await log.write(`\n$ ${command} ${args.join(' ')}\n`);
  return new Promise<number | 'missing'>((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', log.fd, log.fd], env, cwd: CACHE_DIR });
    child.once('error', () => resolve('missing'));
    child.once('exit', (exitCode) => resolve(exitCode ?? 1));
  }).finally(() => log.close());
}

function progress(message: string): void {
  process.stderr.write(`omni: ${message}\n`);
}
