/**
 * Browser-side access to the Synapse harness for tests running under @web/test-runner.
 * Each call travels to the test runner's Node process, which owns the real homeserver.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { MessageMatch } from './match.ts';
import type { MatrixEvent, Peer, TestUser } from './peer.ts';

export { matches, type MessageMatch } from './match.ts';
export type { MatrixEvent, TestUser };

export interface RegisterOptions {
  username?: string;
  password?: string;
  displayName?: string;
  admin?: boolean;
}

type AsyncMethodNames<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

export type PeerMethod = Exclude<AsyncMethodNames<Peer>, 'toJSON'>;

export interface PeerCall {
  user: TestUser;
  method: PeerMethod;
  args: unknown[];
}

type RemotePeer = {
  [K in Exclude<PeerMethod, 'waitForMessage'>]: Peer[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never;
} & {
  waitForMessage(roomId: string, match: MessageMatch, timeoutMs?: number): Promise<MatrixEvent>;
};

async function command<R>(name: string, payload?: unknown): Promise<R> {
  return executeServerCommand<R, unknown>(name, payload);
}

export function homeserver(): Promise<{ baseUrl: string; serverName: string }> {
  return command('omni:homeserver');
}

export function registerUser(options: RegisterOptions & { server?: string } = {}): Promise<TestUser> {
  return command('omni:register', options);
}

/** What a test may ask of an extra homeserver (the shared one has open guests and no registration). */
export interface ExtraHomeserverOptions {
  registration?: boolean;
  registrationToken?: boolean;
  terms?: boolean;
  guestAccess?: boolean;
  loginViaExistingSession?: boolean;
}

/**
 * Starts another real Synapse for this run, configured as asked; stopped when the run ends or by
 * `stopHomeserver()`. Pass its `baseUrl` as `server` to the other commands.
 */
export function startHomeserver(options: ExtraHomeserverOptions = {}): Promise<{ baseUrl: string; serverName: string }> {
  return command('omni:start-homeserver', options);
}

export function stopHomeserver(baseUrl: string): Promise<boolean> {
  return command('omni:stop-homeserver', { server: baseUrl });
}

/**
 * A one-time `m.login.token` for `userId`, minted as a site backend would (admin puppet login, then
 * `/login/get_token`). Synapse allows one per user per minute.
 */
export function mintLoginToken(userId: string, server?: string): Promise<string> {
  return command('omni:mint-login-token', { userId, server });
}

export function createRegistrationToken(options: { server?: string; usesAllowed?: number } = {}): Promise<string> {
  return command('omni:create-registration-token', options);
}

/** A user of the test homeserver acting from the test runner, like a second Matrix client. */
export function peer(user: TestUser): RemotePeer {
  return new Proxy({} as RemotePeer, {
    get:
      (_target, method: string) =>
      (...args: unknown[]) =>
        command('omni:peer', { user, method: method as PeerMethod, args } satisfies PeerCall),
  });
}
