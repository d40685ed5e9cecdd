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

export { DENDRITE_GAPS, dendriteSkip, type DendriteGap } from './dendrite-gaps.ts';

/** The run's homeserver; `implementation` is `synapse`, or `dendrite` under `OMNI_HOMESERVER=dendrite`. */
export function homeserver(): Promise<{ baseUrl: string; serverName: string; implementation: 'synapse' | 'dendrite' }> {
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
  /** `forbidden` (403 on every `/createRoom`) or a room-creation rate limit (see `StartSynapseOptions`). */
  roomCreation?: 'forbidden' | { rateLimited: { perSecond: number; burstCount: number } };
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

/** A homeserver of `startFederation()`: its client base URL and its `localhost:<port>` server name. */
export interface FederatedHomeserver {
  baseUrl: string;
  serverName: string;
}

/**
 * The run's two homeservers federating over loopback TLS (started on first call, stopped with the run);
 * pass a server's `baseUrl` as `server` to the other commands. `startupMs` is how long starting both took.
 */
export async function startFederation(): Promise<{ a: FederatedHomeserver; b: FederatedHomeserver; startupMs: number }> {
  // On a loaded machine the start can outlast a test-runner command (20 s). The harness starts the pair once, so
  // asking again waits for the same start.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await command('omni:start-federation');
    } catch (error) {
      if (attempt >= 6 || !/did not receive a server response/iu.test(String(error))) throw error;
    }
  }
}

/** Kills a homeserver at once (SIGKILL, as a crash would), keeping its database; see `restartHomeserver()`. */
export function killHomeserver(baseUrl: string): Promise<boolean> {
  return command('omni:kill-homeserver', { server: baseUrl });
}

/** Starts a killed homeserver again on the same ports and database. */
export function restartHomeserver(baseUrl: string): Promise<boolean> {
  return command('omni:restart-homeserver', { server: baseUrl });
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
        command<{ result: unknown }>('omni:peer', { user, method: method as PeerMethod, args } satisfies PeerCall).then(
          ({ result }) => result,
        ),
  });
}

/** Which requests a proxy fault applies to (see `test/support/fault-proxy.ts`). */
export interface ProxyRequestMatch {
  method?: string;
  /** A substring of the request path, e.g. `/send/m.room.message/`. */
  path?: string;
  /**
   * Of the sliding sync requests, only those of this connection: the body's `conn_id`, `''` for a request without
   * one (the engine's; the light read has its own). Requests of other kinds are not told apart by it.
   */
  connId?: string;
  /** Of the sliding sync requests, only those subscribing to this room. Requests of other kinds are not told apart by it. */
  room?: string;
}

/** Switches of the fault-injecting proxy; `setProxy` merges them into the current ones. */
export interface ProxyFaults {
  /** Refuse connections and cut the open ones (the server looks down). */
  offline?: boolean;
  /** Forward the next `count` matching requests, then drop their responses after the server handled them. */
  dropResponse?: ProxyRequestMatch & { count: number };
  /** 429 with `Retry-After` / `retry_after_ms` for the next `count` matching requests. */
  rateLimit?: ProxyRequestMatch & { count: number; retryAfterMs: number };
  /** 500 (or `status`) for the next `count` matching requests. */
  serverError?: ProxyRequestMatch & { count: number; status?: number };
  /** Any canned answer for the next `count` matching requests. */
  respond?: ProxyRequestMatch & { count: number; status: number; body?: Record<string, unknown>; headers?: Record<string, string> };
  /** Delay matching requests before forwarding. */
  delay?: ProxyRequestMatch & { ms: number };
}

export interface ProxyLogEntry {
  readonly method: string;
  readonly path: string;
  /** A sliding sync request's connection: its body's `conn_id`, `''` when it has none. */
  readonly connId?: string;
  /** The rooms a sliding sync request subscribes to (its `room_subscriptions`). */
  readonly rooms?: readonly string[];
  readonly at: number;
  readonly outcome: 'forwarded' | 'dropped' | 'refused' | 'aborted' | number;
}

/** A loopback proxy in front of the run's homeserver (or `server`): use its `baseUrl` as the homeserver. */
export function startProxy(server?: string): Promise<{ baseUrl: string }> {
  return command('omni:proxy-start', { server });
}

export function setProxy(proxy: string, settings: ProxyFaults): Promise<boolean> {
  return command('omni:proxy-set', { proxy, settings });
}

export function resetProxy(proxy: string): Promise<boolean> {
  return command('omni:proxy-reset', { proxy });
}

/** Requests that went through the proxy (matching `match`), oldest first; `clear` empties the log after. */
export function proxyLog(proxy: string, match?: ProxyRequestMatch, clear = false): Promise<ProxyLogEntry[]> {
  return command('omni:proxy-log', { proxy, match, clear });
}

export function stopProxy(proxy: string): Promise<boolean> {
  return command('omni:proxy-stop', { proxy });
}

/** Interoperability: an independent Matrix client (matrix-nio + libolm) run by the test runner. */
export interface NioMessage {
  sender: string;
  body: string;
  event_id: string;
  decrypted: boolean;
}

/** An event as nio saw it (decrypted when it could), and whether it came encrypted. */
export interface NioEvent {
  event: { type?: string; event_id?: string; sender?: string; content?: Record<string, unknown>; redacts?: string };
  decrypted: boolean;
}

/** What `forwardKey` sent: the `m.forwarded_room_key` content (inside an Olm `m.room.encrypted`). */
export interface NioForwardedKey {
  content: {
    algorithm: string;
    room_id: string;
    sender_key: string;
    session_id: string;
    session_key: string;
    sender_claimed_ed25519_key: string;
    forwarding_curve25519_key_chain: string[];
  };
  /** The first message index the exported session can decrypt. */
  first_index: number;
}

/** An encrypted attachment nio read back: the event's content and the plaintext nio decrypted (base64). */
export interface NioAttachment {
  content: Record<string, unknown>;
  data: string;
}

export interface RemoteNioPeer {
  /** Logs in with a password as `device`, uploads its keys and starts syncing. */
  login(args: { homeserver: string; user: string; password: string; device: string }): Promise<{ user_id: string; device_id: string }>;
  join(args: { room: string }): Promise<string>;
  waitMember(args: { room: string; user: string; timeout?: number }): Promise<boolean>;
  /** Verifies every device of `user` once nio knows one (or `device`); resolves to how many. */
  trust(args: { user: string; device?: string; timeout?: number }): Promise<number>;
  /** Sends an encrypted `m.text` (waits until nio knows the room is encrypted). */
  send(args: { room: string; body: string }): Promise<string>;
  waitMessage(args: { room: string; body: string; timeout?: number }): Promise<NioMessage>;
  /** Sends any event (encrypted in an encrypted room, except `m.reaction`, as nio does). */
  sendEvent(args: { room: string; type: string; content: Record<string, unknown> }): Promise<string>;
  redact(args: { room: string; event_id: string; reason?: string }): Promise<string>;
  /** Waits for an event matching every `where` entry ("/"-separated paths into the event as nio sees it). */
  waitEvent(args: { room: string; where: Record<string, unknown>; timeout?: number }): Promise<NioEvent>;
  /**
   * Sends `device` of `user`, unasked, the Megolm session of `event_id` (which this peer decrypted) as
   * an Olm-encrypted `m.forwarded_room_key`, whether or not either device trusts the other.
   */
  forwardKey(args: { room: string; event_id: string; user: string; device: string; timeout?: number }): Promise<NioForwardedKey>;
  /** Downloads (authenticated media) and decrypts, with nio's own code, the attachment named `filename`. */
  readAttachment(args: { room: string; filename: string; timeout?: number }): Promise<NioAttachment>;
  /** Sends an encrypted `m.image` of these bytes (base64) as nio does. */
  sendImage(args: { room: string; name: string; data: string; mimetype: string; width: number; height: number }): Promise<string>;
  close(): Promise<boolean>;
}

export async function startNioPeer(): Promise<RemoteNioPeer> {
  const id = await command<string>('omni:nio-start');
  // Each method's types come from RemoteNioPeer; the answer is whatever nio_peer.py returned.
  const call =
    (cmd: string) =>
    (args: object): Promise<never> =>
      command<never>('omni:nio', { peer: id, cmd, args });
  return {
    login: call('login'),
    join: call('join'),
    waitMember: call('wait_member'),
    trust: call('trust'),
    send: call('send'),
    waitMessage: call('wait_message'),
    sendEvent: call('send_event'),
    redact: call('redact'),
    waitEvent: call('wait_event'),
    forwardKey: call('forward_key'),
    readAttachment: call('read_attachment'),
    sendImage: call('send_image'),
    close: () => command<boolean>('omni:nio-stop', { peer: id }),
  };
}

/** A room's non-state events as the homeserver stored them (`event_json`), oldest first. */
export function storedRoomEvents(roomId: string, server?: string): Promise<Array<{ type: string; json: string }>> {
  return command('omni:stored-room-events', { roomId, server });
}

/** Whether the homeserver's database files contain `text` anywhere, as raw bytes. */
export function databaseContains(text: string, server?: string): Promise<boolean> {
  return command('omni:database-contains', { text, server });
}
