/**
 * The Matrix engine: the only module that imports matrix-js-sdk. It is loaded on first need
 * (`import('./engine.ts')`), so pages pay for the SDK only when a member actually chats.
 */
import { ClientEvent, createClient, HttpApiEvent, RoomEvent, type MatrixClient, type MatrixEvent, type Room } from 'matrix-js-sdk';
import { acquireCredentials } from './auth.ts';
import { resolveHomeserver } from './homeserver.ts';
import { RoomModel } from './room-model.ts';
import { quietLogger } from './sdk-logger.ts';
import type { StoredSession } from './session-store.ts';
import { autoSync, type SyncStrategy } from './sync.ts';
import { refreshingFetch, type Tokens } from './token-refresh.ts';
import type { RoomHandle, SessionHandle, SessionInfo, SignInOptions, Unsubscribe } from './types.ts';

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
  });
  client.on(HttpApiEvent.SessionLoggedOut, (error) => {
    client.stopClient();
    hooks.onLoggedOut(error.data['soft_logout'] === true);
  });
  // Guests may not create filters or read push rules; the SDK skips those once it knows.
  if (stored.guest) client.setGuest(true);
  const info: SessionInfo = { userId: stored.userId, deviceId: stored.deviceId, homeserverUrl: stored.homeserverUrl };
  return new EngineSession(client, stored.guest ? { ...info, guest: true } : info, autoSync());
}

export class EngineSession implements SessionHandle {
  readonly info: SessionInfo;
  readonly client: MatrixClient;
  readonly #rooms = new Map<string, RoomModel>();
  readonly #firstSync: Promise<void>;
  /** Open models by room id: one client listener per event kind feeds them all, and the sync follows them. */
  readonly #byRoomId = new Map<string, Set<RoomModel>>();

  readonly #sync: SyncStrategy;

  constructor(client: MatrixClient, info: SessionInfo, sync: SyncStrategy) {
    this.client = client;
    this.info = info;
    this.#sync = sync;
    const dispatch = (_event: MatrixEvent | undefined, room: Room | undefined): void => {
      if (room) for (const model of this.#byRoomId.get(room.roomId) ?? []) model.refresh();
    };
    client.on(RoomEvent.Timeline, (event, room) => dispatch(event, room));
    client.on(RoomEvent.LocalEchoUpdated, dispatch);
    client.on(RoomEvent.Redaction, dispatch);
    client.on(RoomEvent.Name, (room) => dispatch(undefined, room));
    // A room just joined reaches the store with its first timeline already filled in.
    client.on(ClientEvent.Room, (room) => dispatch(undefined, room));
    client.on(RoomEvent.MyMembership, (room) => dispatch(undefined, room));
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

  openRoom(roomIdOrAlias: string): RoomHandle {
    let model = this.#rooms.get(roomIdOrAlias);
    if (!model) {
      model = new RoomModel(this, roomIdOrAlias, () => this.#rooms.delete(roomIdOrAlias));
      this.#rooms.set(roomIdOrAlias, model);
    }
    return model.hold();
  }

  async signOut(): Promise<void> {
    for (const model of this.#rooms.values()) model.dispose();
    this.#rooms.clear();
    try {
      // Guests cannot log out; their token simply stops being used.
      if (!this.info.guest) await this.client.logout(true);
    } catch (error) {
      // The member asked to leave: local data goes whatever the server says.
      console.warn('[omni] the homeserver did not confirm the sign-out', error);
    } finally {
      this.client.stopClient();
      await this.client.clearStores();
    }
  }

  stop(): void {
    for (const model of this.#rooms.values()) model.dispose();
    this.#rooms.clear();
    this.client.stopClient();
  }
}
