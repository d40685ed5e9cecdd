/**
 * How a session keeps its rooms up to date. The session tells the strategy which rooms are on
 * screen (`subscribe`/`unsubscribe`), so a strategy can scope its work to them.
 */
import { ClientEvent, PendingEventOrdering, SyncState, type MatrixClient } from 'matrix-js-sdk';

export interface SyncStrategy {
  /** Starts syncing; resolves once rooms can be looked up and joined. */
  start(client: MatrixClient): Promise<void>;
  /** A room is shown by at least one element. */
  subscribe(roomId: string): void;
  /** No element shows the room any more. */
  unsubscribe(roomId: string): void;
}

const INITIAL_SYNC_LIMIT = 30;

/** The classic `/sync` long-poll with lazy-loaded members. Its cost grows with the rooms joined. */
export function classicSync(): SyncStrategy {
  return {
    start(client) {
      const ready = new Promise<void>((resolve) => {
        const onSync = (state: SyncState): void => {
          if (state === SyncState.Prepared || state === SyncState.Syncing) {
            client.off(ClientEvent.Sync, onSync);
            resolve();
          }
        };
        client.on(ClientEvent.Sync, onSync);
      });
      void client.startClient({
        initialSyncLimit: INITIAL_SYNC_LIMIT,
        lazyLoadMembers: true,
        pendingEventOrdering: PendingEventOrdering.Detached,
      });
      return ready;
    },
    subscribe: () => undefined,
    unsubscribe: () => undefined,
  };
}
