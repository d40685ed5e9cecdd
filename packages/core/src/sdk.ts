/**
 * The part of matrix-js-sdk the engine uses, imported from the modules that define it rather than from the package's
 * index. The index (lib/matrix.js, lib/browser-index.js) also imports the widget client (lib/embedded.js and
 * matrix-widget-api, ~120 KB minified) and the legacy IndexedDB crypto store, and none of it is tree-shaken (the
 * package declares no `sideEffects`): every page would download them before its first message. `pnpm build` points
 * core's `import … from 'matrix-js-sdk'` here (vite.config.ts); types still come from the index, which is the same
 * classes. A value core starts to use must be added here, or the build fails on the missing export.
 */
import { MatrixClient, type ICreateClientOpts } from 'matrix-js-sdk/lib/client.js';
import { MemoryCryptoStore } from 'matrix-js-sdk/lib/crypto/store/memory-crypto-store.js';
import { MatrixScheduler } from 'matrix-js-sdk/lib/scheduler.js';
import { MemoryStore } from 'matrix-js-sdk/lib/store/memory.js';

export { ClientEvent, MatrixClient, PendingEventOrdering } from 'matrix-js-sdk/lib/client.js';
export { EventType, MsgType, RelationType } from 'matrix-js-sdk/lib/@types/event.js';
export { ReceiptType } from 'matrix-js-sdk/lib/@types/read_receipts.js';
export { ConnectionError, HTTPError, MatrixError } from 'matrix-js-sdk/lib/http-api/errors.js';
export { HttpApiEvent } from 'matrix-js-sdk/lib/http-api/interface.js';
export { Method } from 'matrix-js-sdk/lib/http-api/method.js';
export { MatrixEvent, MatrixEventEvent } from 'matrix-js-sdk/lib/models/event.js';
export { EventStatus } from 'matrix-js-sdk/lib/models/event-status.js';
export { Direction, EventTimeline } from 'matrix-js-sdk/lib/models/event-timeline.js';
export { NotificationCountType, Room, RoomEvent } from 'matrix-js-sdk/lib/models/room.js';
export { RoomMemberEvent } from 'matrix-js-sdk/lib/models/room-member.js';
export { RoomStateEvent } from 'matrix-js-sdk/lib/models/room-state.js';
export { SyncState } from 'matrix-js-sdk/lib/sync.js';

/**
 * matrix-js-sdk's `createClient`: the client with an in-memory store and the SDK's scheduler. The crypto store is the
 * in-memory one (what the SDK's own default is outside its browser index): it only serves migrating a legacy
 * (libolm) crypto store to the Rust one, and no session of ours ever had a legacy store.
 */
export function createClient(options: ICreateClientOpts): MatrixClient {
  return new MatrixClient({
    ...options,
    store: options.store ?? new MemoryStore({ localStorage: globalThis.localStorage }),
    scheduler: options.scheduler ?? new MatrixScheduler(),
    cryptoStore: options.cryptoStore ?? new MemoryCryptoStore(),
  });
}
