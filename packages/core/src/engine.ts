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
import { acquireCredentials } from './auth.ts';
import { resolveHomeserver } from './homeserver.ts';
import { MediaLoader } from './media.ts';
import { RoomModel } from './room-model.ts';
import { PostRoomModel } from './post-room.ts';
import { DirectRoomModel } from './dm.ts';
import type { PostRoomTarget } from './posts.ts';
import { quietLogger } from './sdk-logger.ts';
import { Recovery, SecretStorageKeys } from './recovery.ts';
import type { StoredSession } from './session-store.ts';
import { autoSync, type SyncStrategy } from './sync.ts';
import { refreshingFetch, type Tokens } from './token-refresh.ts';
import { MessageTrustCache, Verifications } from './verification.ts';
import type { MediaRequest, RoomHandle, SecurityHandle, SessionHandle, SessionInfo, SignInOptions, Unsubscribe } from './types.ts';
import { OmniError } from './types.ts';

/**
 * How long sign-out waits for the local stores to be deleted. IndexedDB holds a deletion back while any
 * connection to the database is open, and a Rust crypto task still running after `stopClient()` can keep
 * one open indefinitely (seen after restoring a key backup). The deletion stays queued and completes once
 * that connection closes, at the latest with the page.
 */
const CLEAR_STORES_WAIT_MS = 10_000;

/** Signs in and returns what must be stored to resume the session later. */
export async function login(options: SignInOptions, deviceId?: string): Promise<StoredSession> {
  const homeserverUrl = await resolveHomeserver(options.homeserver);
  const credentials = await acquireCredentials(homeserverUrl, options, deviceId);
  return { homeserverUrl, ...credentials };
}

/** What the session reports back to the registry, which owns persistence and the tab lock. */
export interface SessionHooks {
  /** Access (and refresh) tokens were refreshed: store them. */
  onTokens(tokens: Tokens): void;
  /** The homeserver ended the session: `soft` keeps the device (sign in again), otherwise it is gone. */
  onLoggedOut(soft: boolean): void;
}

/** Starts the engine for a stored session: one client, one sync loop. */
export function startSession(stored: StoredSession, hooks: SessionHooks): EngineSession {
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
  return new EngineSession(client, stored.guest ? { ...info, guest: true } : info, autoSync(), tokens.fetch);
}

export class EngineSession implements SessionHandle {
  readonly info: SessionInfo;
  readonly client: MatrixClient;
  readonly #rooms = new Map<string, RoomModel>();
  /** Post rooms by post id and alias template, shared like rooms. */
  readonly #posts = new Map<string, PostRoomModel>();
  /** Direct conversations by the other member's user id, shared like rooms. */
  readonly #directs = new Map<string, DirectRoomModel>();
  readonly #firstSync: Promise<void>;
  /** Open models by room id: one client listener per event kind feeds them all, and the sync follows them. */
  readonly #byRoomId = new Map<string, Set<RoomModel>>();

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
    client.on(ClientEvent.Room, (room) => dispatch(undefined, room));
    client.on(RoomEvent.MyMembership, (room) => dispatch(undefined, room));
    // What the timeline shows besides events: read receipts, the read marker (`m.fully_read`),
    // who is typing, members' names and avatars (lazy-loaded state), and decrypted content.
    client.on(RoomEvent.Receipt, (_event, room) => dispatch(undefined, room));
    client.on(RoomEvent.AccountData, (_event, room) => dispatch(undefined, room));
    client.on(RoomEvent.TimelineReset, (room) => dispatch(undefined, room));
    client.on(RoomMemberEvent.Typing, (_event, member) => dispatchRoom(member.roomId));
    client.on(RoomStateEvent.Members, (_event, _state, member) => dispatchRoom(member.roomId));
    client.on(MatrixEventEvent.Decrypted, (event) => dispatchRoom(event.getRoomId()));
    this.trust = new MessageTrustCache(client, dispatchRoom);
    this.verification = new Verifications(this);
    this.#firstSync = sync.start(client);
  }

  watch(roomId: string, model: RoomModel): Unsubscribe {
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

  /**
   * Starts end-to-end encryption once per session, when a room that needs it is opened.
   * `crypto.ts` (and js-sdk's crypto wasm) load only here; the sync loop is restarted around it
   * so that it feeds the crypto layer. Guests have no crypto. A failure may be retried.
   */
  ensureCrypto(): Promise<void> {
    if (this.info.guest) return Promise.resolve();
    this.#crypto ??= import('./crypto.ts')
      .then((crypto) =>
        crypto.ensureCrypto(this.client, {
          pause: () => this.client.stopClient(),
          // A session stopped or signed out while crypto was starting stays stopped.
          resume: () => (this.#stopped ? Promise.resolve() : this.#sync.start(this.client)),
        }),
      )
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
      .then(() => new Recovery(this.client))
      .catch((error: unknown) => {
        this.#recovery = undefined;
        throw error;
      });
    return this.#recovery;
  }

  openRoom(roomIdOrAlias: string): RoomHandle {
    let model = this.#rooms.get(roomIdOrAlias);
    if (!model) {
      model = new RoomModel(this, roomIdOrAlias, () => this.#rooms.delete(roomIdOrAlias));
      this.#rooms.set(roomIdOrAlias, model);
    }
    return model.hold();
  }

  openPostRoom(post: PostRoomTarget): RoomHandle {
    const key = `${post.aliasTemplate ?? ''}\n${post.id.normalize('NFC')}`;
    let model = this.#posts.get(key);
    if (!model) {
      model = new PostRoomModel(this, post, () => this.#posts.delete(key));
      this.#posts.set(key, model);
    }
    return model.hold();
  }

  openDirectRoom(userId: string): RoomHandle {
    const key = userId.trim();
    let model = this.#directs.get(key);
    if (!model) {
      model = new DirectRoomModel(this, key, () => this.#directs.delete(key));
      this.#directs.set(key, model);
    }
    return model.hold();
  }

  loadMedia(request: MediaRequest): Promise<string> {
    return this.media.load(request);
  }

  /** Set by `signOut()` and `stop()`: nothing may start the sync loop again. */
  #stopped = false;

  async signOut(): Promise<void> {
    this.#stopped = true;
    this.media.clear();
    for (const model of this.#rooms.values()) model.dispose();
    this.#rooms.clear();
    for (const model of this.#posts.values()) model.dispose();
    this.#posts.clear();
    for (const model of this.#directs.values()) model.dispose();
    this.#directs.clear();
    try {
      // Guests cannot log out; their token simply stops being used.
      if (!this.info.guest) await this.client.logout(true);
    } catch (error) {
      // The member asked to leave: local data goes whatever the server says.
      console.warn('[omni] the homeserver did not confirm the sign-out', error);
    } finally {
      // Crypto still starting would hold its stores open: let it finish (it no longer restarts the sync),
      // but not for long — with the server unreachable it may keep retrying.
      if (this.#crypto) {
        await Promise.race([this.#crypto.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      }
      this.client.stopClient();
      // The crypto store has a per-device prefix, which js-sdk must be told to delete it.
      const { cryptoStorePrefix } = await import('./crypto.ts');
      const cleared = this.client.clearStores({ cryptoDatabasePrefix: cryptoStorePrefix(this.info.userId, this.info.deviceId) });
      cleared.catch((error: unknown) => console.warn('[omni] the local stores could not be deleted', error));
      await Promise.race([cleared, new Promise((resolve) => setTimeout(resolve, CLEAR_STORES_WAIT_MS))]);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.media.clear();
    for (const model of this.#rooms.values()) model.dispose();
    this.#rooms.clear();
    for (const model of this.#posts.values()) model.dispose();
    this.#posts.clear();
    for (const model of this.#directs.values()) model.dispose();
    this.#directs.clear();
    this.client.stopClient();
  }
}
