/**
 * One Synapse shared by every test file of a step (`scripts/test.ts` starts it before the node step and the
 * journeys), instead of one per file: a file that asks `startSynapse()` for the configuration the shared server
 * runs gets a handle on it. Accounts are random by default, so files meet only in the server's database, never in
 * each other's rooms. A file that needs a server of its own (another configuration, a crash, a restart, a
 * snapshot) gets one as before: another configuration never matches, and `kill()`/`restart()`/`saveSnapshot()` on
 * the shared handle throw, so a file that needs them must ask `startSynapse({ own: true })`.
 */
import { createRegistrationToken, mintLoginToken, registerUser } from './synapse-admin.ts';
import { Peer } from './peer.ts';
import { synapseConfigFingerprint, type StartSynapseOptions } from './synapse-config.ts';
import type { Homeserver } from './homeserver-base.ts';

/** The environment variable carrying the shared server to the test files' processes. */
export const SHARED_SYNAPSE_ENV = 'OMNI_SHARED_SYNAPSE';

/** What a test file needs to use the shared server: no process of its own, only addresses and the secret. */
export interface SharedSynapse {
  readonly baseUrl: string;
  readonly serverName: string;
  readonly sharedSecret: string;
  readonly configDir: string;
  readonly logFile: string;
  readonly pid: number;
  /** `synapseConfigFingerprint()` of the options it was started with. */
  readonly fingerprint: string;
}

/** The value of `SHARED_SYNAPSE_ENV` for a server started with `options`. */
export function describeShared(
  server: Omit<SharedSynapse, 'fingerprint'>,
  options: StartSynapseOptions = {},
): Record<typeof SHARED_SYNAPSE_ENV, string> {
  const shared: SharedSynapse = {
    baseUrl: server.baseUrl,
    serverName: server.serverName,
    sharedSecret: server.sharedSecret,
    configDir: server.configDir,
    logFile: server.logFile,
    pid: server.pid,
    fingerprint: synapseConfigFingerprint(options),
  };
  return { [SHARED_SYNAPSE_ENV]: JSON.stringify(shared) };
}

function sharedFromEnvironment(): SharedSynapse | undefined {
  const value = process.env[SHARED_SYNAPSE_ENV];
  if (!value) return undefined;
  const parsed = JSON.parse(value) as Partial<SharedSynapse>;
  const fields = ['baseUrl', 'serverName', 'sharedSecret', 'configDir', 'logFile', 'fingerprint'] as const;
  if (fields.some((field) => typeof parsed[field] !== 'string') || typeof parsed.pid !== 'number') {
    throw new Error(`${SHARED_SYNAPSE_ENV} is not a shared Synapse: ${value}`);
  }
  return parsed as SharedSynapse;
}

/**
 * A handle on the shared server when the environment names one and `options` ask for its configuration, or
 * undefined: a server of its own is then started.
 */
export function sharedSynapse(options: StartSynapseOptions & { own?: boolean }): Homeserver | undefined {
  if (options.own || options.port !== undefined || options.snapshot !== undefined) return undefined;
  const shared = sharedFromEnvironment();
  if (!shared || shared.fingerprint !== synapseConfigFingerprint(options)) return undefined;
  return sharedHandle(shared);
}

function refuse(what: string): Promise<never> {
  return Promise.reject(new Error(`${what} would reach every test file on the shared Synapse: start one with startSynapse({ own: true })`));
}

function sharedHandle(shared: SharedSynapse): Homeserver {
  const { baseUrl, serverName, sharedSecret } = shared;
  const admin = { baseUrl, serverName, sharedSecret };
  let adminPeer: Promise<Peer> | undefined;
  const adminToken = async (): Promise<string> => (await (adminPeer ??= registerUser(admin, { admin: true }))).accessToken;
  return {
    baseUrl,
    serverName,
    pid: shared.pid,
    configDir: shared.configDir,
    logFile: shared.logFile,
    // The step that started it stops it after the last file.
    stop: () => Promise.resolve(),
    kill: () => refuse('kill()'),
    restart: () => refuse('restart()'),
    saveSnapshot: () => refuse('saveSnapshot()'),
    registerUser: (registerOptions) => registerUser(admin, registerOptions),
    login: (username, password) => Peer.login(baseUrl, username, password),
    guest: () => Peer.guest(baseUrl),
    mintLoginToken: async (userId) => mintLoginToken(baseUrl, await adminToken(), userId),
    createRegistrationToken: async (tokenOptions) => createRegistrationToken(baseUrl, await adminToken(), tokenOptions),
  };
}
