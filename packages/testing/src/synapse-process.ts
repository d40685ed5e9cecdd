/**
 * The Synapse processes this Node process started: readiness, diagnosis of a failed start, stopping (and
 * killing whatever is left when the process exits or crashes), and the free ports they listen on.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';

/**
 * Synapse answers in 3-6 s on a quiet machine; at a load average of 20 on two cores its Python imports alone took over
 * 60 s (an empty log at the deadline), so the bound is generous. It only matters when a start is stuck.
 */
const READY_TIMEOUT_MS = 180_000;
const READY_POLL_MS = 100;
const STOP_GRACE_MS = 10_000;

export interface Running {
  pid: number;
  configDir: string;
  exited: Promise<void>;
}

/** A homeserver that did not start; `addressInUse` when its random port was taken meanwhile (worth a retry). */
export class ServerStartError extends Error {
  addressInUse: boolean;
  configDir: string;
  constructor(message: string, addressInUse: boolean, configDir: string) {
    super(message);
    this.name = 'ServerStartError';
    this.addressInUse = addressInUse;
    this.configDir = configDir;
  }
}

export interface LaunchSpec {
  /** The server's name in messages (`Synapse`, `Dendrite`). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly configDir: string;
  /** Its stdout and stderr, appended: with its own logger's lines, one path explains any failure. */
  readonly logFile: string;
  readonly baseUrl: string;
  /** What to do when the command cannot run at all. */
  readonly repair: string;
  /** The line of the log that explains a failed start. */
  readonly diagnose: () => Promise<{ summary: string; addressInUse: boolean }>;
}

/** Runs a homeserver's process, tracked until it exits, and waits until it answers `/versions`. */
export async function launchServer(spec: LaunchSpec): Promise<Running> {
  const { configDir, command, baseUrl } = spec;
  const log = await open(spec.logFile, 'a');
  const child = spawn(command, spec.args, { cwd: configDir, stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid;
  if (pid === undefined) {
    const { message } = await spawnError;
    throw new ServerStartError(`omni: could not run ${command} (${message}); ${spec.repair}`, false, configDir);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const launched: Running = { pid, configDir, exited };
  track(launched);
  try {
    await waitUntilReady(baseUrl, () => child.exitCode !== null || child.signalCode !== null);
  } catch (reason) {
    await terminate(launched);
    const { summary, addressInUse } = await spec.diagnose();
    const why = reason instanceof Error ? reason.message : String(reason);
    throw new ServerStartError(`omni: ${spec.name} ${why}: ${summary} (log: ${spec.logFile})`, addressInUse, configDir);
  }
  return launched;
}

/** Every Synapse this process started and has not yet reaped, keyed by PID. */
const running = new Map<number, Running>();

/** Keeps track of a started Synapse until it exits, so that it is stopped with this process. */
export function track(entry: Running): void {
  running.set(entry.pid, entry);
  void entry.exited.then(() => running.delete(entry.pid));
}

/** Runs the virtualenv's Python; rejects with its stderr when it fails. */
export async function runPython(python: string, args: readonly string[]): Promise<void> {
  const child = spawn(python, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`omni: ${python} ${args[0] ?? ''} failed (${String(code)}): ${stderr.trim()}`);
}

export async function waitUntilReady(baseUrl: string, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('exited before it was ready');
    try {
      const response = await fetch(`${baseUrl}/_matrix/client/versions`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`did not answer /_matrix/client/versions within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Finds the line of the log that explains a failed start. */
export async function diagnose(logFile: string, port: number): Promise<{ summary: string; addressInUse: boolean }> {
  const lines = (await readFile(logFile, 'utf8').catch(() => ''))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const find = (pattern: RegExp) => lines.findLast((line) => pattern.test(line));

  if (find(/Address already in use/)) {
    return { summary: `port ${port} on 127.0.0.1 is already in use`, addressInUse: true };
  }
  const configError = lines.findIndex((line) => line.startsWith('Error in configuration'));
  if (configError !== -1) {
    const detail = lines
      .slice(configError, configError + 2)
      .join(' ')
      .replace(/^Error in configuration:?\s*/, '');
    return { summary: `bad homeserver config: ${detail}`, addressInUse: false };
  }
  const last = find(/\b(ERROR|CRITICAL)\b|Error:|Exception:/) ?? lines.at(-1) ?? 'the log is empty';
  return { summary: last, addressInUse: false };
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
export async function terminate(entry: Running): Promise<void> {
  if (!running.has(entry.pid)) return;
  signal(entry.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), STOP_GRACE_MS);
  });
  const killed = await Promise.race([entry.exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (killed) {
    signal(entry.pid, 'SIGKILL');
    await entry.exited;
  }
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Gracefully stops every Synapse this process started. */
export async function stopAllSynapses(): Promise<void> {
  const entries = [...running.values()];
  await Promise.all(entries.map((entry) => terminate(entry)));
  await Promise.all(entries.map((entry) => rm(entry.configDir, { recursive: true, force: true })));
}

/** Last resort for paths where async work cannot run: the process is exiting or crashing. */
function killAllNow(): void {
  for (const { pid, configDir } of running.values()) {
    signal(pid, 'SIGKILL');
    rmSync(configDir, { recursive: true, force: true });
  }
  running.clear();
}

let cleanupInstalled = false;

export function installCleanupHandlers(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAllNow);
  // The monitor observes crashes (including unhandled rejections) without swallowing them. Test runners that
  // survive uncaught errors register their own handler; their servers must outlive one failing test.
  process.on('uncaughtExceptionMonitor', () => {
    if (process.listenerCount('uncaughtException') === 0) killAllNow();
  });
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      void stopAllSynapses().finally(() => {
        process.off(name, onSignal);
        // Listening for a signal disables Node's default exit; restore it unless the host handles the signal.
        if (process.listenerCount(name) === 0) process.kill(process.pid, name);
      });
    };
    process.on(name, onSignal);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
