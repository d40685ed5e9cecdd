/**
 * Synapse the way large deployments run it: PostgreSQL, Redis replication, a main process, a worker for /sync and
 * a worker for reads, behind nginx — every config file from docs/deploy/, so the deployment guide is what ran.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Peer } from '../peer.ts';
import { registerUser, type RegisterUserOptions } from '../synapse-admin.ts';
import { homeserverConfig, logConfig, signingKey, type StartSynapseOptions } from '../synapse-config.ts';
import { freePort, signal, terminate, waitUntilReady, type Running } from '../synapse-process.ts';
import { ensureScaleExtras } from './extras.ts';
import { launch, startNginx, startPostgres, startRedis, type Service } from './services.ts';
import { writeFromTemplate } from './templates.ts';

export interface ClusterProcess {
  /** `main`, `sync1` or `client1` (the worker names in docs/deploy/). */
  name: string;
  pid: number;
  logFile: string;
}

export interface SynapseCluster {
  /** The reverse proxy: the only address clients use. */
  baseUrl: string;
  serverName: string;
  processes: readonly ClusterProcess[];
  postgres: Service;
  redis: Service;
  /** The loopback ports of Synapse's processes (behind the proxy). */
  ports: { main: number; sync: number; client: number };
  /** How long the whole deployment took to start (PostgreSQL, Redis, nginx, Synapse and its workers). */
  startupMs: number;
  registerUser(options?: RegisterUserOptions): Promise<Peer>;
  login(username: string, password: string): Promise<Peer>;
  guest(): Promise<Peer>;
  /** Kills one process as a crash would (SIGKILL) and starts it again on the same ports; resolves once it answers. */
  crashAndRestart(name: 'main' | 'sync1' | 'client1'): Promise<void>;
  /** How many requests for `path` (a substring) each process logged as processed. */
  requestCounts(pathPart: string): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface ClusterOptions extends Pick<StartSynapseOptions, 'serverName' | 'registration' | 'guestAccess' | 'appServices'> {
  /**
   * Cheaper password hashing (`bcrypt_rounds: 4`) for runs that register a thousand accounts; everything else is
   * as configured for production. Default false.
   */
  cheapPasswords?: boolean;
}

const WORKERS = [{ name: 'sync1' }, { name: 'client1' }] as const;

const workerArgs = (base: string, shared: string, worker: string): string[] => [
  '-m',
  'synapse.app.generic_worker',
  '-c',
  base,
  '-c',
  shared,
  '-c',
  worker,
];

export async function startSynapseCluster(options: ClusterOptions = {}): Promise<SynapseCluster> {
  const started = Date.now();
  const { python } = await ensureScaleExtras();
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const ports = { main: await freePort(), replication: await freePort(), sync: await freePort(), client: await freePort() };
  const nginx = await startNginx({ main: ports.main, sync: ports.sync, client: ports.client });
  const baseUrl = `http://127.0.0.1:${nginx.port}`;
  const serverName = options.serverName ?? 'localhost';
  const dir = await mkdtemp(path.join(tmpdir(), 'omni-cluster-'));
  const sharedSecret = randomBytes(32).toString('hex');
  const entries: Running[] = [];
  const stopAll = async (): Promise<void> => {
    // Workers first, then the main process, then what they depend on.
    await Promise.all(entries.slice(1).map((entry) => terminate(entry)));
    if (entries[0]) await terminate(entries[0]);
    await Promise.all([nginx.stop(), redis.stop(), postgres.stop()]);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await writeFile(path.join(dir, 'signing.key'), signingKey());
    const logs = { main: path.join(dir, 'main.log'), sync1: path.join(dir, 'sync1.log'), client1: path.join(dir, 'client1.log') };
    await writeFile(path.join(dir, 'log.yaml'), JSON.stringify(logConfig(logs.main)));
    for (const { name } of WORKERS) await writeFile(path.join(dir, `log-${name}.yaml`), JSON.stringify(logConfig(logs[name])));
    const base = path.join(dir, 'homeserver.yaml');
    await writeFile(
      base,
      JSON.stringify(homeserverConfig({ ...options, serverName, port: ports.main, baseUrl, configDir: dir, sharedSecret })),
    );
    const values = {
      DIR: dir,
      PG_USER: postgres.user,
      PG_DATABASE: postgres.database,
      PG_PORT: postgres.port,
      REDIS_PORT: redis.port,
      MAIN_PORT: ports.main,
      MAIN_REPLICATION_PORT: ports.replication,
      SYNC_PORT: ports.sync,
      CLIENT_PORT: ports.client,
    };
    const shared = await writeFromTemplate('homeserver-workers.yaml', dir, values);

    // The main process creates the schema; workers start once it is ready.
    const commands = {
      main: { args: ['-m', 'synapse.app.homeserver', '-c', base, '-c', shared], url: `http://127.0.0.1:${ports.main}` },
      sync1: {
        args: workerArgs(base, shared, await writeFromTemplate('worker-sync.yaml', dir, values)),
        url: `http://127.0.0.1:${ports.sync}`,
      },
      client1: {
        args: workerArgs(base, shared, await writeFromTemplate('worker-client.yaml', dir, values)),
        url: `http://127.0.0.1:${ports.client}`,
      },
    };
    const start = async (name: 'main' | 'sync1' | 'client1', index: number): Promise<void> => {
      const entry = await launch(python, commands[name].args, dir, `${name}.out`);
      entries[index] = entry;
      await ready(commands[name].url, entry, name, logs[name]);
    };
    // The main process creates the schema; workers start once it is ready.
    await start('main', 0);
    await Promise.all(WORKERS.map((worker, index) => start(worker.name, index + 1)));
    await ready(baseUrl, entries[0], 'nginx in front of Synapse', logs.main);

    const names = ['main', ...WORKERS.map((worker) => worker.name)] as const;
    const processes = names.map((name, index) => ({
      name,
      get pid() {
        return entries[index]?.pid ?? 0;
      },
      logFile: logs[name],
    }));
    const admin = { baseUrl, serverName, sharedSecret };
    let stopping: Promise<void> | undefined;
    return {
      baseUrl,
      serverName,
      processes,
      postgres,
      redis,
      ports: { main: ports.main, sync: ports.sync, client: ports.client },
      startupMs: Date.now() - started,
      registerUser: (registerOptions) => registerUser(admin, registerOptions),
      login: (username, password) => Peer.login(baseUrl, username, password),
      guest: () => Peer.guest(baseUrl),
      requestCounts: async (pathPart) => {
        const counts: Record<string, number> = {};
        for (const { name, logFile } of processes) {
          const log = await readFile(logFile, 'utf8').catch(() => '');
          counts[name] = log.split('\n').filter((line) => line.includes('Processed request') && line.includes(pathPart)).length;
        }
        return counts;
      },
      crashAndRestart: async (name) => {
        const index = names.indexOf(name);
        const entry = entries[index];
        if (entry) {
          signal(entry.pid, 'SIGKILL');
          await entry.exited;
        }
        await start(name, index);
      },
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function ready(url: string, entry: Running | undefined, what: string, logFile: string): Promise<void> {
  let exited = false;
  void entry?.exited.then(() => (exited = true));
  try {
    await waitUntilReady(url, () => exited);
  } catch (reason) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    const last = log.trim().split('\n').slice(-5).join('\n');
    throw new Error(`omni: ${what} ${reason instanceof Error ? reason.message : String(reason)}; last log lines:\n${last}`);
  }
}
