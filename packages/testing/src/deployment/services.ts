/**
 * The services a scaled-out Synapse runs beside it — PostgreSQL, Redis and nginx from Debian's packages —
 * each started on a free loopback port in a directory of its own and stopped by PID with the harness's servers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, installCleanupHandlers, terminate, track, type Running } from '../synapse-process.ts';
import { writeFromTemplate } from './templates.ts';

const READY_TIMEOUT_MS = 60_000;

/** Debian installs each PostgreSQL major version under /usr/lib/postgresql/<version>/bin; the newest is taken. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return path.join(root, newest ?? '15', 'bin');
}

export interface Service {
  port: number;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

/** A binary of a Debian package, or an error naming the package to install. */
function binary(file: string, debianPackage: string): string {
  if (existsSync(file)) return file;
  throw new Error(`omni: ${file} is missing; install Debian's ${debianPackage} (apt-get install ${debianPackage})`);
}

/** PostgreSQL refuses to run as root; as root, the data belongs to Debian's `postgres` account. */
function postgresIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function launch(
  command: string,
  args: readonly string[],
  dir: string,
  log: string,
  identity?: { uid: number; gid: number },
): Promise<Running> {
  installCleanupHandlers();
  const file = await open(path.join(dir, log), 'a');
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', file.fd, file.fd], ...identity });
  await file.close();
  if (child.pid === undefined) throw new Error(`omni: could not run ${command}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const entry: Running = { pid: child.pid, configDir: dir, exited };
  track(entry);
  return entry;
}

export async function waitForPort(port: number, entry: Running, what: string): Promise<void> {
  const state = { gone: false };
  void entry.exited.then(() => (state.gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (state.gone) throw new Error(`omni: ${what} exited before it listened (see ${entry.configDir})`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`omni: ${what} did not listen on 127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000} s`);
}

function service(port: number, entry: Running): Service {
  return {
    port,
    pid: entry.pid,
    dir: entry.configDir,
    stop: async () => {
      await terminate(entry);
      await rm(entry.configDir, { recursive: true, force: true });
    },
  };
}

export interface Postgres extends Service {
  user: string;
  database: string;
}

/** A PostgreSQL cluster with one database in the C locale, which Synapse requires; trust auth on loopback only. */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  const initdb = binary(path.join(bin, 'initdb'), 'postgresql');
  const postgres = binary(path.join(bin, 'postgres'), 'postgresql');
  const psql = binary('/usr/bin/psql', 'postgresql-client');
  const identity = postgresIdentity();
  const dir = await mkdtemp(path.join(tmpdir(), 'omni-postgres-'));
  const data = path.join(dir, 'data');
  await mkdir(data);
  if (identity) {
    await chown(dir, identity.uid, identity.gid);
    await chown(data, identity.uid, identity.gid);
  }
  const user = 'synapse';
  execFileSync(initdb, ['-D', data, '-U', user, '--auth=trust', '--locale=C', '--encoding=UTF8', '--no-sync'], {
    stdio: 'ignore',
    ...identity,
  });
  const port = await freePort();
  const entry = await launch(
    postgres,
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
    dir,
    'postgres.log',
    identity,
  );
  await waitForPort(port, entry, 'PostgreSQL');
  const database = 'synapse';
  const sql = (command: string): void => {
    execFileSync(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', command], {
      stdio: 'ignore',
    });
  };
  // Accepting connections can lag the port opening by a moment while recovery finishes.
  for (let attempt = 0; ; attempt++) {
    try {
      sql(`CREATE DATABASE ${database} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
      break;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { ...service(port, entry), user, database };
}

/** Redis for Synapse's replication between workers: in memory only, loopback only. */
export async function startRedis(): Promise<Service> {
  const redis = binary('/usr/bin/redis-server', 'redis-server');
  const dir = await mkdtemp(path.join(tmpdir(), 'omni-redis-'));
  const port = await freePort();
  const entry = await launch(
    redis,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    dir,
    'redis.log',
  );
  await waitForPort(port, entry, 'Redis');
  return service(port, entry);
}

/** nginx running docs/deploy/nginx.conf with these ports filled in. */
export async function startNginx(ports: { main: number; sync: number; client: number }): Promise<Service> {
  const nginx = binary('/usr/sbin/nginx', 'nginx-light');
  const dir = await mkdtemp(path.join(tmpdir(), 'omni-nginx-'));
  const temp = path.join(dir, 'tmp');
  await mkdir(temp);
  // nginx's workers drop root privileges and must still write their buffers.
  await chmod(temp, 0o777);
  const port = await freePort();
  const config = await writeFromTemplate('nginx.conf', dir, {
    DIR: dir,
    PROXY_PORT: port,
    MAIN_PORT: ports.main,
    SYNC_PORT: ports.sync,
    CLIENT_PORT: ports.client,
  });
  const entry = await launch(nginx, ['-p', dir, '-c', config, '-g', 'daemon off;'], dir, 'nginx.log');
  await waitForPort(port, entry, 'nginx');
  return service(port, entry);
}
