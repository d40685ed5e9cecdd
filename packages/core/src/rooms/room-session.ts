/**
 * What the room models need of the engine session: an interface, so that the engine (which creates the
 * models) and the models (which call back into it) do not import each other. `EngineSession` implements
 * it; tests may hand a model anything that does.
 */
import type { MatrixClient } from 'matrix-js-sdk';
import type { MessageTrustCache } from '../crypto/message-trust.ts';
import type { MediaLoader } from '../media/media.ts';
import type { MediaRequest, RoomHandle, SessionInfo, Unsubscribe } from '../types.ts';

/** A model the session refreshes when its room changes (one client listener per event kind feeds them all). */
export interface RoomWatcher {
  refresh(): void;
}

export interface RoomSession {
  readonly info: SessionInfo;
  readonly client: MatrixClient;
  /** Authenticated media for every room of the session. */
  readonly media: MediaLoader;
  /** The trust of encrypted messages, shared by the session's room models. */
  readonly trust: MessageTrustCache;
  /** Resolves once the first sync response arrived. */
  whenSynced(): Promise<void>;
  /** Resolves once a watched room is in the client's store, if the member is in it. */
  whenLoaded(roomId: string): Promise<void>;
  /** Refreshes `watcher` on each change of `roomId`, and has the sync follow the room meanwhile. */
  watch(roomId: string, watcher: RoomWatcher): Unsubscribe;
  /** Starts end-to-end encryption once per session (nothing for a guest). */
  ensureCrypto(): Promise<void>;
  /** A hold on the session's shared model of a room (by id or alias). */
  openRoom(roomIdOrAlias: string): RoomHandle;
  loadMedia(request: MediaRequest): Promise<string>;
}
