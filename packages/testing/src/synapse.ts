import { spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Peer, matrixFetch } from './peer.ts';
import { ensureSynapse } from './venv.ts';

export interface StartSynapseOptions {
  /** The domain in user IDs and aliases (`@alice:<serverName>`). Default `localhost`. */
  serverName?: string;
  /** Keep Synapse's production rate limits instead of relaxing them for tests. */
  rateLimited?: boolean;
  /** Allow open client registration (`POST /register`) without email/captcha. */
  registration?: boolean;
  /** Listen on this port instead of a random free one. */
  port?: number;
  /** Open registration that needs a registration token (`registration_requires_token`); see `createRegistrationToken()`. */
  registrationToken?: boolean;
  /** Registration asks the member to accept a privacy policy (`user_consent` with `m.login.terms`). */
  terms?: boolean;
  /** Guest registration (`allow_guest_access`). Default true. */
  guestAccess?: boolean;
  /** `POST /login/get_token` (MSC3882) without interactive auth, used by `mintLoginToken()`. Default true. */
  loginViaExistingSession?: boolean;
  /**
   * Expiring access tokens, as Synapse durations (`'5s'`): `refreshable` for clients that ask for a
   * refresh token, `nonRefreshable` for those that do not (they get a soft logout on expiry).
   */
  accessTokenLifetime?: { refreshable?: string; nonRefreshable?: string };
  /**
   * Room creation: `forbidden` makes Synapse refuse every `/createRoom` with 403 (a spam-checker module
   * written next to the config), `rateLimited` keeps Synapse's `rc_room_creation` at one room per
   * `perSecond` with a burst of `burstCount` (429 with a retry delay beyond it). Default: allowed.
   */
  roomCreation?: 'forbidden' | { rateLimited: { perSecond: number; burstCount: number } };
  /**
   * A single-server benchmark: Synapse skips work no figure depends on, so seeding large histories costs
   * less CPU per event. No federation sender (`federation_sender_instances: []`), no presence, no push to
   * pushers, no room/user statistics, and the log at WARNING instead of INFO (one line per request).
   * Clients see the same Matrix API. Its files live in memory (`/dev/shm` where it exists), so SQLite's
   * commits wait for no disk. Default false.
   */
  bench?: boolean;
  /**
   * Start from a copy of a snapshot written by `Homeserver.saveSnapshot()` (its database, signing key and
   * media store) instead of an empty database; the server name must be the snapshot's. Accounts, rooms and
   * access tokens in it keep working. Used by `pnpm bench` to seed a large history once per machine.
   */
  snapshot?: string;
  /** Application-service registration files the homeserver loads (`app_service_config_files`). */
  appServices?: readonly string[];
  /** Extra content of `/.well-known/matrix/client`, which the homeserver then serves. */
  wellKnown?: Record<string, unknown>;
}

export interface RegisterUserOptions {
  username?: string;
  password?: string;
  admin?: boolean;
  displayName?: string;
}

export interface Homeserver {
  baseUrl: string;
  serverName: string;
  pid: number;
  configDir: string;
  logFile: string;
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL, as a crash would), keeping its configuration and database. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database (stopping it first if it still runs). */
  restart(): Promise<void>;
  registerUser(options?: RegisterUserOptions): Promise<Peer>;
  login(username: string, password: string): Promise<Peer>;
  guest(): Promise<Peer>;
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

export const DEFAULT_PASSWORD = 'omni-test-password';

const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 100;
const STOP_GRACE_MS = 10_000;
const PORT_RETRIES = 3;

interface Running {
  pid: number;
  configDir: string;
  exited: Promise<void>;
}

/** Every Synapse this process started and has not yet reaped, keyed by PID. */
const running = new Map<number, Running>();

export async function startSynapse(options: StartSynapseOptions = {}): Promise<Homeserver> {
  const { python } = await ensureSynapse();
  installCleanupHandlers();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(python, options);
    } catch (error) {
      // A random port can be taken between probing it and Synapse binding it; an explicit port cannot be retried.
      const portRace = error instanceof SynapseStartError && error.addressInUse && options.port === undefined;
      if (!portRace || attempt >= PORT_RETRIES) throw error;
      // Only the final failure's log is worth keeping for the developer.
      await rm(error.configDir, { recursive: true, force: true });
    }
  }
}

class SynapseStartError extends Error {
  addressInUse: boolean;
  configDir: string;
  constructor(message: string, addressInUse: boolean, configDir: string) {
    super(message);
    this.name = 'SynapseStartError';
    this.addressInUse = addressInUse;
    this.configDir = configDir;
  }
}

async function startOnce(python: string, options: StartSynapseOptions): Promise<Homeserver> {
  const serverName = options.serverName ?? 'localhost';
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  // SQLite fsyncs every commit; a benchmark's database in memory spares it the disk's latency.
  const parent = options.bench && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const configDir = await mkdtemp(path.join(parent, 'omni-synapse-'));
  const logFile = path.join(configDir, 'homeserver.log');
  const configFile = path.join(configDir, 'homeserver.yaml');
  const sharedSecret = randomBytes(32).toString('hex');

  if (options.snapshot) {
    await copyFile(path.join(options.snapshot, 'homeserver.db'), path.join(configDir, 'homeserver.db'));
    await copyFile(path.join(options.snapshot, 'signing.key'), path.join(configDir, 'signing.key'));
    await cp(path.join(options.snapshot, 'media'), path.join(configDir, 'media'), { recursive: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  } else {
    await writeFile(path.join(configDir, 'signing.key'), signingKey());
  }
  await writeFile(path.join(configDir, 'log.yaml'), JSON.stringify(logConfig(logFile, options.bench ? 'WARNING' : 'INFO'), null, 2));
  if (options.terms) await writeConsentTemplates(configDir);
  if (options.roomCreation === 'forbidden') await writeFile(path.join(configDir, `${NO_ROOMS_MODULE}.py`), NO_ROOMS_SOURCE);
  await writeFile(
    configFile,
    JSON.stringify(homeserverConfig({ ...options, serverName, port, baseUrl, configDir, sharedSecret }), null, 2),
  );

  /** Runs Synapse on this configuration (again, after `kill()`: same port, same database). */
  const launch = async (): Promise<Running> => {
    // Synapse's own logger and its stdout/stderr share one append-only file, so a single path explains any failure.
    const log = await open(logFile, 'a');
    const child = spawn(python, ['-m', 'synapse.app.homeserver', '-c', configFile], {
      cwd: configDir,
      stdio: ['ignore', log.fd, log.fd],
    });
    await log.close();
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const pid = child.pid;
    if (pid === undefined) {
      const { message } = await spawnError;
      throw new SynapseStartError(`omni: could not run ${python} (${message}); delete .cache/synapse and retry`, false, configDir);
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const launched: Running = { pid, configDir, exited };
    running.set(pid, launched);
    void exited.then(() => running.delete(pid));

    try {
      await waitUntilReady(baseUrl, () => child.exitCode !== null || child.signalCode !== null);
    } catch (reason) {
      await terminate(launched);
      const { summary, addressInUse } = await diagnose(logFile, port);
      const why = reason instanceof Error ? reason.message : String(reason);
      throw new SynapseStartError(`omni: Synapse ${why}: ${summary} (log: ${logFile})`, addressInUse, configDir);
    }
    return launched;
  };
  let entry = await launch();

  const admin = { baseUrl, serverName, sharedSecret };
  let adminPeer: Promise<Peer> | undefined;
  const adminToken = async (): Promise<string> => (await (adminPeer ??= registerUser(admin, { admin: true }))).accessToken;
  let stopping: Promise<void> | undefined;
  return {
    baseUrl,
    serverName,
    get pid() {
      return entry.pid;
    },
    configDir,
    logFile,
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
    mintLoginToken: async (userId) => mintLoginToken(baseUrl, await adminToken(), userId),
    createRegistrationToken: async (tokenOptions) => {
      const created = await matrixFetch<{ token: string }>('POST', `${baseUrl}/_synapse/admin/v1/registration_tokens/new`, {
        accessToken: await adminToken(),
        body: { uses_allowed: tokenOptions?.usesAllowed ?? null },
      });
      return created.token;
    },
    saveSnapshot: async (dir) => {
      // Written beside `dir` and renamed into place, so an interrupted save leaves no half snapshot.
      const partial = `${dir}.partial-${String(process.pid)}`;
      await rm(partial, { recursive: true, force: true });
      await mkdir(partial, { recursive: true });
      await runPython(python, [
        '-c',
        'import sqlite3, sys\nsource = sqlite3.connect(sys.argv[1])\ntarget = sqlite3.connect(sys.argv[2])\nsource.backup(target)\ntarget.close()\nsource.close()',
        path.join(configDir, 'homeserver.db'),
        path.join(partial, 'homeserver.db'),
      ]);
      await copyFile(path.join(configDir, 'signing.key'), path.join(partial, 'signing.key'));
      if (existsSync(path.join(configDir, 'media')))
        await cp(path.join(configDir, 'media'), path.join(partial, 'media'), { recursive: true });
      await rm(dir, { recursive: true, force: true });
      await rename(partial, dir);
    },
  };
}

/** Runs the virtualenv's Python; rejects with its stderr when it fails. */
async function runPython(python: string, args: readonly string[]): Promise<void> {
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

async function waitUntilReady(baseUrl: string, hasExited: () => boolean): Promise<void> {
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
async function diagnose(logFile: string, port: number): Promise<{ summary: string; addressInUse: boolean }> {
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
async function terminate(entry: Running): Promise<void> {
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

function signal(pid: number, name: NodeJS.Signals): void {
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

function installCleanupHandlers(): void {
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

/** Synapse's key file format: `ed25519 <key id> <unpadded base64 seed>`. */
function signingKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  return `ed25519 a_${randomBytes(3).toString('hex')} ${seed.toString('base64').replace(/=+$/, '')}\n`;
}

function logConfig(logFile: string, level: 'INFO' | 'WARNING' = 'INFO'): Record<string, unknown> {
  return {
    version: 1,
    formatters: { precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' } },
    handlers: { file: { class: 'logging.FileHandler', formatter: 'precise', filename: logFile, encoding: 'utf8' } },
    loggers: { 'synapse.storage.SQL': { level: 'WARNING' } },
    root: { level, handlers: ['file'] },
    disable_existing_loggers: false,
  };
}

/** Every rate limiter Synapse 1.163 reads (synapse/config/ratelimiting.py). */
const RATE_LIMITERS = [
  'rc_message',
  'rc_registration',
  'rc_registration_token_validity',
  'rc_login.address',
  'rc_login.account',
  'rc_login.failed_attempts',
  'rc_admin_redaction',
  'rc_joins.local',
  'rc_joins.remote',
  'rc_joins_per_room',
  'rc_key_requests',
  'rc_3pid_validation',
  'rc_invites.per_room',
  'rc_invites.per_user',
  'rc_invites.per_issuer',
  'rc_third_party_invite',
  'rc_media_create',
  'rc_presence.per_user',
  'rc_delayed_event_mgmt',
  'rc_room_creation',
  'rc_reports',
  'rc_user_directory',
  'rc_profile',
];

function relaxedRateLimits(): Record<string, unknown> {
  const relaxed = { per_second: 1000, burst_count: 1000 };
  const config: Record<string, Record<string, unknown>> = {};
  for (const key of RATE_LIMITERS) {
    const [section = key, sub] = key.split('.');
    if (sub === undefined) config[section] = relaxed;
    else config[section] = { ...config[section], [sub]: relaxed };
  }
  // Federation uses a different limiter shape; loose values keep multi-server tests from being throttled.
  config['rc_federation'] = { window_size: 1000, sleep_limit: 1000, sleep_delay: 1, reject_limit: 10_000, concurrent: 100 };
  return config;
}

/**
 * The configuration `startSynapse(options)` writes, with this start's port, paths and secrets replaced by
 * placeholders: what a cache of a seeded database (`saveSnapshot`) must be keyed by besides the version.
 */
export function synapseConfigFingerprint(options: StartSynapseOptions = {}): string {
  const fixed = homeserverConfig({
    ...options,
    snapshot: undefined,
    serverName: options.serverName ?? 'localhost',
    port: 0,
    baseUrl: 'http://127.0.0.1:0',
    configDir: '/config',
    sharedSecret: 'secret',
  });
  // Secrets are made afresh on every start and do not change what the database holds.
  const rest = Object.fromEntries(Object.entries(fixed).filter(([key]) => key !== 'macaroon_secret_key' && key !== 'form_secret'));
  return JSON.stringify({ config: rest, log: options.bench ? 'WARNING' : 'INFO' });
}

function homeserverConfig(o: {
  serverName: string;
  port: number;
  baseUrl: string;
  configDir: string;
  sharedSecret: string;
  rateLimited?: boolean;
  registration?: boolean;
  registrationToken?: boolean;
  terms?: boolean;
  guestAccess?: boolean;
  loginViaExistingSession?: boolean;
  accessTokenLifetime?: { refreshable?: string; nonRefreshable?: string };
  roomCreation?: StartSynapseOptions['roomCreation'];
  bench?: boolean;
  snapshot?: string;
  appServices?: readonly string[];
  wellKnown?: Record<string, unknown>;
}): Record<string, unknown> {
  const registration = o.registration === true || o.registrationToken === true;
  // JSON is valid YAML, so no YAML serialiser is needed.
  return {
    server_name: o.serverName,
    public_baseurl: `${o.baseUrl}/`,
    pid_file: path.join(o.configDir, 'homeserver.pid'),
    listeners: [
      {
        port: o.port,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: o.terms ? ['client', 'federation', 'consent'] : ['client', 'federation'], compress: false }],
      },
    ],
    database: { name: 'sqlite3', args: { database: path.join(o.configDir, 'homeserver.db') } },
    media_store_path: path.join(o.configDir, 'media'),
    signing_key_path: path.join(o.configDir, 'signing.key'),
    log_config: path.join(o.configDir, 'log.yaml'),
    registration_shared_secret: o.sharedSecret,
    macaroon_secret_key: randomBytes(32).toString('hex'),
    form_secret: randomBytes(32).toString('hex'),
    enable_registration: registration,
    ...(registration ? { enable_registration_without_verification: true } : {}),
    ...(o.registrationToken ? { registration_requires_token: true } : {}),
    ...(o.terms
      ? {
          user_consent: {
            version: CONSENT_VERSION,
            template_dir: path.join(o.configDir, 'consent'),
            require_at_registration: true,
            policy_name: 'Terms of Service',
          },
        }
      : {}),
    // A site backend mints one-time login tokens for its members with a puppet token, which cannot answer UIA.
    ...(o.loginViaExistingSession === false ? {} : { login_via_existing_session: { enabled: true, require_ui_auth: false } }),
    allow_guest_access: o.guestAccess !== false,
    ...(o.appServices?.length ? { app_service_config_files: [...o.appServices] } : {}),
    ...(o.wellKnown ? { serve_client_wellknown: true, extra_well_known_client_content: o.wellKnown } : {}),
    ...(o.accessTokenLifetime?.refreshable ? { refreshable_access_token_lifetime: o.accessTokenLifetime.refreshable } : {}),
    ...(o.accessTokenLifetime?.nonRefreshable ? { nonrefreshable_access_token_lifetime: o.accessTokenLifetime.nonRefreshable } : {}),
    enable_authenticated_media: true,
    report_stats: false,
    enable_metrics: false,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    url_preview_enabled: false,
    // Synapse refuses outbound requests to private addresses by default; federation between local test servers needs loopback.
    ip_range_whitelist: ['127.0.0.1', '::1'],
    ...(o.rateLimited ? {} : relaxedRateLimits()),
    // Synapse runs with its config directory as working directory, so `python -m` finds the module there.
    ...(o.roomCreation === 'forbidden' ? { modules: [{ module: `${NO_ROOMS_MODULE}.NoRoomCreation`, config: {} }] } : {}),
    ...(typeof o.roomCreation === 'object'
      ? {
          rc_room_creation: {
            per_second: o.roomCreation.rateLimited.perSecond,
            burst_count: o.roomCreation.rateLimited.burstCount,
          },
        }
      : {}),
    ...(o.bench
      ? { federation_sender_instances: [], presence: { enabled: false }, push: { enabled: false }, stats: { enabled: false } }
      : {}),
  };
}

const NO_ROOMS_MODULE = 'omni_no_room_creation';

/** A Synapse module refusing room creation to everyone, as a site that reserves it to its backend would. */
const NO_ROOMS_SOURCE = `from synapse.module_api import ModuleApi
from synapse.module_api.errors import Codes


class NoRoomCreation:
    def __init__(self, config, api: ModuleApi):
        api.register_spam_checker_callbacks(user_may_create_room=self.user_may_create_room)

    @staticmethod
    def parse_config(config):
        return config

    async def user_may_create_room(self, user_id, room_config=None):
        return Codes.FORBIDDEN
`;

async function registerUser(
  server: { baseUrl: string; serverName: string; sharedSecret: string },
  options: RegisterUserOptions = {},
): Promise<Peer> {
  const username = options.username ?? `user-${randomBytes(6).toString('hex')}`;
  const password = options.password ?? DEFAULT_PASSWORD;
  const admin = options.admin ?? false;
  const url = `${server.baseUrl}/_synapse/admin/v1/register`;
  const { nonce } = await matrixFetch<{ nonce: string }>('GET', url);
  const mac = createHmac('sha1', server.sharedSecret)
    .update(`${nonce}\0${username}\0${password}\0${admin ? 'admin' : 'notadmin'}`)
    .digest('hex');
  const registered = await matrixFetch<{ user_id: string; access_token: string; device_id: string }>('POST', url, {
    body: { nonce, username, password, admin, mac, ...(options.displayName ? { displayname: options.displayName } : {}) },
  });
  return new Peer({
    userId: registered.user_id,
    accessToken: registered.access_token,
    deviceId: registered.device_id,
    username,
    password,
    homeserver: server.baseUrl,
  });
}

const CONSENT_VERSION = '1.0';

/** The policy pages `user_consent` serves at `/_matrix/consent` (one directory per language). */
async function writeConsentTemplates(configDir: string): Promise<void> {
  const dir = path.join(configDir, 'consent', 'en');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, `${CONSENT_VERSION}.html`),
    '<!doctype html><html lang="en"><title>Terms of Service</title><h1>Terms of Service</h1><p>Be kind.</p></html>\n',
  );
  await writeFile(path.join(dir, 'success.html'), '<!doctype html><html lang="en"><title>Thanks</title><p>Thank you.</p></html>\n');
}

/**
 * How a site backend mints a one-time login token for its member (docs/sign-in.md): an admin logs in as
 * the member (a puppet token, no device), asks for a login token, then drops the puppet token.
 */
async function mintLoginToken(baseUrl: string, adminToken: string, userId: string): Promise<string> {
  const puppet = await matrixFetch<{ access_token: string }>(
    'POST',
    `${baseUrl}/_synapse/admin/v1/users/${encodeURIComponent(userId)}/login`,
    { accessToken: adminToken, body: {} },
  );
  try {
    const minted = await matrixFetch<{ login_token: string }>('POST', `${baseUrl}/_matrix/client/v1/login/get_token`, {
      accessToken: puppet.access_token,
      body: {},
    });
    return minted.login_token;
  } finally {
    await matrixFetch('POST', `${baseUrl}/_matrix/client/v3/logout`, { accessToken: puppet.access_token, body: {} }).catch(() => undefined);
  }
}
