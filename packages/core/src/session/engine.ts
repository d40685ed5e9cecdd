/**
 * The Matrix engine: the only module that imports matrix-js-sdk. It is loaded on first need
 * (`import('./engine.ts')`), so pages pay for the SDK only when a member actually chats.
 */
import {
  ClientEvent,
  createClient,
  HttpApiEvent,
  MatrixEventEvent,
  RoomEvent,
  RoomMemberEvent,
  RoomStateEvent,
  type MatrixClient,
  type MatrixEvent,
  type Room,
} from 'matrix-js-sdk';
import { MediaLoader } from '../media/media.ts';
import { RoomModel } from '../rooms/room-model.ts';
import type { RoomSession, RoomWatcher } from '../rooms/room-session.ts';
import type { HeldModel, SharedModel } from '../rooms/shared-model.ts';
import { PostRoomModel } from '../posts/post-room.ts';
import { DirectRoomModel } from '../dm/dm.ts';
import type { PostRoomTarget } from '../posts/posts.ts';
import { quietLogger } from './sdk-logger.ts';
import { Recovery, SecretStorageKeys } from '../crypto/recovery.ts';
import type { StoredSession } from './session-store.ts';
import { autoSync, type SyncStrategy } from '../sync/sync.ts';
import { refreshingFetch, type Tokens } from './token-refresh.ts';
import { MessageTrustCache } from '../crypto/message-trust.ts';
import { forgetEncrypted } from '../crypto/encrypted-rooms.ts';
import { prepareCrypto } from '../crypto/prepare.ts';
import { Verifications } from '../crypto/verification.ts';
import type { MediaRequest, RoomHandle, SecurityHandle, SessionHandle, SessionInfo, Unsubscribe } from '../types.ts';
import { OmniError } from '../types.ts';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `run` once, before the next frame is painted, or after 50 ms where no frame comes (a hidden page). */
function nextFrame(run: () => void): void {
  let ran = false;
  const once = (): void => {
    if (ran) return;
    ran = true;
    run();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(once);
  setTimeout(once, 50);
}

/** Signing in needs no engine (auth.ts); tests that drive the engine directly sign in through it here. */
export { login } from './auth.ts';

/** What the session reports back to the registry, which owns persistence and the tab lock. */
export interface SessionHooks {
  /** Access (and refresh) tokens were refreshed: store them. */
  onTokens(tokens: Tokens): void;
  /** The homeserver ended the session: `soft` keeps the device (sign in again), otherwise it is gone. */
  onLoggedOut(soft: boolean): void;
}

/** How long the password typed at sign-in may be held for the first cross-signing identity. */
export const SIGN_IN_PASSWORD_WINDOW_MS = 5 * 60_000;

export interface StartOptions {
  /**
   * The password the member just signed in with, held in memory (never stored) until crypto first
   * runs, for a homeserver that asks for it to take the member's first cross-signing identity.
   */
  signInPassword?: string;
}

/** Starts the engine for a stored session: one client, one sync loop. */
export function startSession(stored: StoredSession, hooks: SessionHooks, options: StartOptions = {}): EngineSession {
  const tokens = refreshingFetch(stored.homeserverUrl, stored, (fresh) => {
    client.setAccessToken(fresh.accessToken);
    hooks.onTokens(fresh);
  });
  const client = createClient({
    baseUrl: stored.homeserverUrl,
    accessToken: stored.accessToken,
    userId: stored.userId,
    deviceId: stored.deviceId,
    fetchFn: tokens.fetch,
    timelineSupport: true,
    // A chat with no calls: no call handlers, and no TURN servers fetched at start and every few minutes after.
    disableVoip: true,
    logger: quietLogger(),
    // Secret storage asks these for its key; recovery.ts gives them the recovery key.
    cryptoCallbacks: new SecretStorageKeys(),
  });
  client.on(HttpApiEvent.SessionLoggedOut, (error) => {
    client.stopClient();
    hooks.onLoggedOut(error.data['soft_logout'] === true);
  });
  // Guests may not create filters or read push rules; the SDK skips those once it knows.
  if (stored.guest) client.setGuest(true);
  const info: SessionInfo = { userId: stored.userId, deviceId: stored.deviceId, homeserverUrl: stored.homeserverUrl };
  const session = new EngineSession(client, stored.guest ? { ...info, guest: true } : info, autoSync(), tokens.fetch);
  if (options.signInPassword !== undefined && !stored.guest) session.holdSignInPassword(options.signInPassword);
  return session;
}

export class EngineSession implements SessionHandle, RoomSession {
  readonly info: SessionInfo;
  readonly client: MatrixClient;
  readonly #rooms = new Map<string, RoomModel>();
  /** Post rooms by post id and alias template, shared like rooms. */
  readonly #posts = new Map<string, PostRoomModel>();
  /** Direct conversations by the other member's user id, shared like rooms. */
  readonly #directs = new Map<string, DirectRoomModel>();
  readonly #firstSync: Promise<void>;
  /** Open models by room id: one client listener per event kind feeds them all, and the sync follows them. */
  readonly #byRoomId = new Map<string, Set<RoomWatcher>>();

  readonly #sync: SyncStrategy;
  /** Authenticated media for every room of the session: one cache of blob URLs. */
  readonly media: MediaLoader;
  /** Emoji verification (incoming and outgoing requests) for the session. */
  readonly verification: Verifications;
  /** The trust of encrypted messages, shared by the session's room models. */
  readonly trust: MessageTrustCache;

  constructor(client: MatrixClient, info: SessionInfo, sync: SyncStrategy, fetchFn?: typeof fetch) {
    this.client = client;
    this.info = info;
    this.#sync = sync;
    this.media = new MediaLoader({
      baseUrl: info.homeserverUrl,
      accessToken: () => client.getAccessToken(),
      serverVersions: () => client.getVersions(),
      ...(fetchFn ? { fetch: fetchFn } : {}),
    });
    // Changes are gathered per room and applied once in a microtask: a back-pagination or a sync
    // response brings dozens of events in one go, and each would otherwise rebuild the timeline.
    const dirty = new Set<string>();
    const flush = (): void => {
      const roomIds = [...dirty];
      dirty.clear();
      for (const roomId of roomIds) for (const model of this.#byRoomId.get(roomId) ?? []) model.refresh();
    };
    const dispatchRoom = (roomId: string | undefined): void => {
      if (roomId === undefined || !this.#byRoomId.has(roomId)) return;
      if (dirty.size === 0) queueMicrotask(flush);
      dirty.add(roomId);
    };
    const dispatch = (_event: MatrixEvent | undefined, room: Room | undefined): void => dispatchRoom(room?.roomId);
    client.on(RoomEvent.Timeline, (event, room) => dispatch(event, room));
    client.on(RoomEvent.LocalEchoUpdated, dispatch);
    client.on(RoomEvent.Redaction, dispatch);
    client.on(RoomEvent.Name, (room) => dispatch(undefined, room));
    // A room just joined reaches the store with its first timeline already filled in.
    client.on(ClientEvent.Room, (room) => {
      this.#followCounts(room);
      dispatch(undefined, room);
    });
    client.on(RoomEvent.MyMembership, (room) => dispatch(undefined, room));
    // What the timeline shows besides events: read receipts, the read marker (`m.fully_read`),
    // who is typing, members' names and avatars (lazy-loaded state), and decrypted content.
    client.on(RoomEvent.Receipt, (_event, room) => dispatch(undefined, room));
    client.on(RoomEvent.AccountData, (_event, room) => dispatch(undefined, room));
    client.on(RoomEvent.TimelineReset, (room) => dispatch(undefined, room));
    client.on(RoomMemberEvent.Typing, (_event, member) => dispatchRoom(member.roomId));
    client.on(RoomStateEvent.Members, (_event, _state, member) => dispatchRoom(member.roomId));
    // Decryptions end one by one (a page of history: a hundred within a few frames): one rebuild per frame.
    const decrypted = new Set<string>();
    const flushDecrypted = (): void => {
      for (const roomId of decrypted) dispatchRoom(roomId);
      decrypted.clear();
    };
    client.on(MatrixEventEvent.Decrypted, (event) => {
      const roomId = event.getRoomId();
      if (roomId === undefined || !this.#byRoomId.has(roomId)) return;
      if (decrypted.size === 0) nextFrame(flushDecrypted);
      decrypted.add(roomId);
    });
    // The server's unread count (a room with no read marker yet) arrives on the room, not the client.
    this.#onCounts = dispatchRoom;
    for (const room of client.getRooms()) this.#followCounts(room);
    this.trust = new MessageTrustCache(client, dispatchRoom);
    this.verification = new Verifications(this);
    this.#firstSync = sync.start(client);
  }

  readonly #countsFollowed = new WeakSet<Room>();
  #onCounts: ((roomId: string) => void) | undefined;

  #followCounts(room: Room): void {
    if (this.#countsFollowed.has(room)) return;
    this.#countsFollowed.add(room);
    room.on(RoomEvent.UnreadNotifications, () => this.#onCounts?.(room.roomId));
  }

  watch(roomId: string, model: RoomWatcher): Unsubscribe {
    let models = this.#byRoomId.get(roomId);
    if (!models) {
      this.#byRoomId.set(roomId, (models = new Set()));
      this.#sync.subscribe(roomId);
    }
    models.add(model);
    return () => {
      models.delete(model);
      if (models.size > 0) return;
      this.#byRoomId.delete(roomId);
      this.#sync.unsubscribe(roomId);
    };
  }

  whenSynced(): Promise<void> {
    return this.#firstSync;
  }

  /** Resolves once a watched room is in the client's store, if the member is in it. */
  whenLoaded(roomId: string): Promise<void> {
    return this.#sync.whenLoaded(roomId);
  }

  #crypto: Promise<void> | undefined;
  /** The sign-in password, until the first identity is made, the window closes or the session ends. */
  #signInPassword: { value: string; timer: ReturnType<typeof setTimeout> } | undefined;
  /** The first cross-signing identity being made (or found), once per session after crypto starts. */
  #firstIdentity: Promise<void> | undefined;

  /** Keeps the password typed at sign-in for `SIGN_IN_PASSWORD_WINDOW_MS` at most; see `StartOptions`. */
  holdSignInPassword(password: string): void {
    this.#forgetSignInPassword();
    const timer = setTimeout(() => this.#forgetSignInPassword(), SIGN_IN_PASSWORD_WINDOW_MS);
    this.#signInPassword = { value: password, timer };
  }

  #forgetSignInPassword(): void {
    if (this.#signInPassword) clearTimeout(this.#signInPassword.timer);
    this.#signInPassword = undefined;
  }

  /** Whether the sign-in password is still held (for tests of its lifetime). */
  get holdsSignInPassword(): boolean {
    return this.#signInPassword !== undefined;
  }

  /**
   * Gives the member a cross-signing identity the first time crypto runs, if the account has none
   * (see `Recovery.bootstrapFirstIdentity`). It never asks the member anything: a failure is
   * logged, and the Security panel can still set one up.
   */
  #bootstrapFirstIdentity(): Promise<void> {
    this.#firstIdentity ??= (async () => {
      try {
        await new Recovery(this.client).bootstrapFirstIdentity(this.#signInPassword?.value);
      } catch (error) {
        if (!this.#stopped) console.warn('[omni] could not set up cross-signing for this account', error);
      } finally {
        this.#forgetSignInPassword();
      }
    })();
    return this.#firstIdentity;
  }

  /**
   * Starts end-to-end encryption once per session, when a room that needs it is opened.
   * `crypto.ts` (and js-sdk's crypto wasm) load only here; the sync loop is restarted around it
   * so that it feeds the crypto layer. Guests have no crypto. A failure may be retried.
   */
  ensureCrypto(): Promise<void> {
    if (this.info.guest) return Promise.resolve();
    // Crypto stops and restarts the sync loop: a loop stopped before its first response never
    // resolves `whenSynced()`, and the restarted one would wait on it (the Security panel opened
    // right after a reload did exactly that).
    // The wasm is fetched and compiled, and crypto.ts loaded, while the first sync is under way.
    this.#crypto ??= Promise.all([this.#firstSync, import('../crypto/crypto.ts'), prepareCrypto()])
      .then(([, crypto]) =>
        crypto.ensureCrypto(this.client, {
          pause: () => this.client.stopClient(),
          // A session stopped or signed out while crypto was starting stays stopped.
          resume: () => (this.#stopped ? Promise.resolve() : this.#sync.start(this.client)),
        }),
      )
      .then(() => {
        // In the background: the room shows as soon as crypto runs; the Security panel waits for it.
        if (!this.#stopped) void this.#bootstrapFirstIdentity();
      })
      .catch((error: unknown) => {
        this.#crypto = undefined;
        throw error;
      });
    return this.#crypto;
  }

  #recovery: Promise<Recovery> | undefined;

  /** Cross-signing and key backup (recovery.ts, loaded with crypto on first use). */
  readonly security: SecurityHandle = {
    status: async () => (await this.#loadRecovery()).status(),
    setUpRecovery: async (options) => (await this.#loadRecovery()).setUpRecovery(options),
    restoreFromRecoveryKey: async (recoveryKey) => (await this.#loadRecovery()).restoreFromRecoveryKey(recoveryKey),
    resetRecovery: async (options) => (await this.#loadRecovery()).resetRecovery(options),
  };

  #loadRecovery(): Promise<Recovery> {
    if (this.info.guest) {
      return Promise.reject(new OmniError('encryption-unavailable', 'Guests have no encryption keys to recover.'));
    }
    this.#recovery ??= this.ensureCrypto()
      .then(() => this.#bootstrapFirstIdentity())
      .then(() => new Recovery(this.client))
      .catch((error: unknown) => {
        this.#recovery = undefined;
        throw error;
      });
    return this.#recovery;
  }

  openRoom(roomIdOrAlias: string): RoomHandle {
    return this.#hold(this.#rooms, roomIdOrAlias, (forget) => new RoomModel(this, roomIdOrAlias, forget));
  }

  openPostRoom(post: PostRoomTarget): RoomHandle {
    const key = `${post.aliasTemplate ?? ''}\n${post.id.normalize('NFC')}`;
    return this.#hold(this.#posts, key, (forget) => new PostRoomModel(this, post, forget));
  }

  openDirectRoom(userId: string): RoomHandle {
    const key = userId.trim();
    return this.#hold(this.#directs, key, (forget) => new DirectRoomModel(this, key, forget));
  }

  /**
   * A new hold on the model under `key` in `models`, made by `create` on first need: every element showing the
   * same room shares one model, which `forget` drops from `models` once its last hold is released.
   */
  #hold<M extends SharedModel & HeldModel>(models: Map<string, M>, key: string, create: (forget: () => void) => M): RoomHandle {
    let model = models.get(key);
    if (!model) {
      model = create(() => models.delete(key));
      models.set(key, model);
    }
    return model.hold();
  }

  /** Disposes of every open model, whoever still holds it (signing out, stopping). */
  #disposeModels(): void {
    const all: ReadonlyArray<Map<string, SharedModel>> = [this.#rooms, this.#posts, this.#directs];
    for (const models of all) {
      for (const model of models.values()) model.dispose();
      models.clear();
    }
  }

  loadMedia(request: MediaRequest): Promise<string> {
    return this.media.load(request);
  }

  /** Set by `signOut()` and `stop()`: nothing may start the sync loop again. */
  #stopped = false;

  async signOut(): Promise<void> {
    this.#stopped = true;
    this.#forgetSignInPassword();
    forgetEncrypted(this.info.userId);
    this.media.clear();
    this.#disposeModels();
    // The first cross-signing identity being uploaded holds the crypto store open and would fail
    // half-way once the token is revoked: let it end first, but not for long.
    if (this.#firstIdentity) await Promise.race([this.#firstIdentity, delay(5_000)]);
    try {
      // Guests cannot log out; their token simply stops being used.
      if (!this.info.guest) await this.client.logout(true);
    } catch (error) {
      // The member asked to leave: local data goes whatever the server says.
      console.warn('[omni] the homeserver did not confirm the sign-out', error);
    } finally {
      // Crypto still starting would hold its stores open: let it finish (it no longer restarts the sync),
      // but not for long — with the server unreachable it may keep retrying.
      if (this.#crypto) await Promise.race([this.#crypto.catch(() => undefined), delay(5_000)]);
      this.client.stopClient();
      // The crypto store has a per-device prefix, which js-sdk must be told to delete it.
      const { cryptoStorePrefix } = await import('../crypto/crypto.ts');
      const cleared = this.client.clearStores({ cryptoDatabasePrefix: cryptoStorePrefix(this.info.userId, this.info.deviceId) });
      // The store's connection closes when the last Rust object holding the store is freed; one that js-sdk
      // read and never freed keeps it open until the garbage collector finalizes it (recovery.ts does without
      // one such call; docs/encryption.md lists the others), and IndexedDB holds the deletion until then (at the
      // latest until the page goes). The deletion stays queued; signing out must not wait for it forever.
      const done = await Promise.race([cleared.then(() => true), delay(15_000).then(() => false)]);
      if (!done) console.warn('[omni] the crypto store is still in use; it will be deleted once it is closed');
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#forgetSignInPassword();
    this.media.clear();
    this.#disposeModels();
    this.client.stopClient();
  }
}
