/**
 * What every homeserver the harness runs does the same way, whatever its implementation: its process
 * (stop, crash, restart on the same database), and accounts through shared-secret registration, which
 * Synapse and Dendrite both implement (`/_synapse/admin/v1/register`).
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Peer } from './peer.ts';
import { registerUser, type RegisterUserOptions } from './synapse-admin.ts';
import { signal, terminate, type Running } from './synapse-process.ts';

export interface RunningServer {
  readonly baseUrl: string;
  readonly serverName: string;
  readonly pid: number;
  readonly configDir: string;
  readonly logFile: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL, as a crash would), keeping its configuration and database. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database (stopping it first if it still runs). */
  restart(): Promise<void>;
  registerUser(options?: RegisterUserOptions): Promise<Peer>;
  login(username: string, password: string): Promise<Peer>;
  guest(): Promise<Peer>;
  /** The access token of an admin account, registered on first use. */
  adminToken(): Promise<string>;
}

/** A homeserver the harness started (Synapse, or Dendrite through `startHomeserver`). */
/**
 * Where a homeserver started here keeps its files: in memory (`/dev/shm`) where the system has it. SQLite fsyncs
 * every commit, 5 ms each on this project's machines' disks and 0.01 ms in memory: sending 50 messages took Synapse
 * 3.4-4.2 s on disk and 1.4-1.5 s in memory.
 */
export function serverFilesParent(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

export interface Homeserver extends Omit<RunningServer, 'adminToken'> {
  /** A one-time `m.login.token` for `userId`, minted as a site backend would: admin puppet login, then get_token. */
  mintLoginToken(userId: string): Promise<string>;
  /** A registration token made through the admin API. */
  createRegistrationToken(options?: { usesAllowed?: number }): Promise<string>;
  /**
   * Writes a consistent copy of the running server's database (SQLite's online backup), signing key and
   * media store to `dir` (replaced), for `startSynapse({ snapshot: dir })`.
   */
  saveSnapshot(dir: string): Promise<void>;
}

export interface ServerSetup {
  readonly baseUrl: string;
  readonly serverName: string;
  readonly configDir: string;
  readonly logFile: string;
  readonly sharedSecret: string;
  /** Runs the server on its configuration; called again by `restart()`. */
  readonly launch: () => Promise<Running>;
}

/** Launches the server and returns its common handle. */
export async function runServer(setup: ServerSetup): Promise<RunningServer> {
  const { baseUrl, serverName, configDir, launch } = setup;
  let entry = await launch();
  const admin = { baseUrl, serverName, sharedSecret: setup.sharedSecret };
  let adminPeer: Promise<Peer> | undefined;
  let stopping: Promise<void> | undefined;
  return {
    baseUrl,
    serverName,
    get pid() {
      return entry.pid;
    },
    configDir,
    logFile: setup.logFile,
    stop: () => (stopping ??= terminate(entry).then(() => rm(configDir, { recursive: true, force: true }))),
    kill: async () => {
      signal(entry.pid, 'SIGKILL');
      await entry.exited;
    },
    restart: async () => {
      await terminate(entry);
      entry = await launch();
    },
    registerUser: (registerOptions) => registerUser(admin, registerOptions),
    login: (username, password) => Peer.login(baseUrl, username, password),
    guest: () => Peer.guest(baseUrl),
    adminToken: async () => (await (adminPeer ??= registerUser(admin, { admin: true }))).accessToken,
  };
}
