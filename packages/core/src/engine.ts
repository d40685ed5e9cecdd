/**
 * The Matrix engine: the only module that imports matrix-js-sdk. It is loaded on first need
 * (`import('./engine.ts')`), so pages pay for the SDK only when a member actually chats.
 */
import { ClientEvent, createClient, RoomEvent, type MatrixClient, type MatrixEvent, type Room } from 'matrix-js-sdk';
import { acquireCredentials } from './auth.ts';
import { resolveHomeserver } from './homeserver.ts';
import { RoomModel } from './room-model.ts';
import { quietLogger } from './sdk-logger.ts';
import { classicSync, type SyncStrategy } from './sync.ts';
import type { RoomHandle, SessionHandle, SessionInfo, SignInOptions, Unsubscribe } from './types.ts';

export async function createSession(options: SignInOptions): Promise<SessionHandle> {
  const baseUrl = await resolveHomeserver(options.homeserver);
  const credentials = await acquireCredentials(baseUrl, options);
  const client = createClient({
    baseUrl,
    accessToken: credentials.accessToken,
    userId: credentials.userId,
    deviceId: credentials.deviceId,
    timelineSupport: true,
    logger: quietLogger(),
  });
  return new EngineSession(client, { userId: credentials.userId, deviceId: credentials.deviceId, homeserverUrl: baseUrl }, classicSync());
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
      await this.client.logout(true);
    } finally {
      this.client.stopClient();
    }
  }

  stop(): void {
    for (const model of this.#rooms.values()) model.dispose();
    this.#rooms.clear();
    this.client.stopClient();
  }
}
