/**
 * The crypto wasm fetched and compiled as a member's encrypted room nears the viewport, before the engine opens
 * the room (docs/encryption.md, "How crypto loads"). A room view (rooms/room-light-view.ts) is mounted, and makes its
 * light read, once its element nears the viewport (at once for `loading="eager"`, which asks for the view wherever the
 * element is); when that read finds the room encrypted, or the engine is already loading and this browser has seen
 * the room encrypted for the member (encrypted-rooms.ts), `prepareCrypto()` (prepare.ts) starts where the engine
 * runs: on the page, or in the engine's worker, whose module it must be. Nothing for a guest, for a plain room, for
 * a lazily loaded element far from the viewport (it has no view yet), and nothing else starts: no engine, no crypto
 * store, no request to the homeserver. Part of the page's side only, `import()`ed by a room view when needed.
 */
import { sessionStore } from '../session/session-store.ts';
import { sessionStatus } from '../session/registry.ts';
import { lightReadsPainted } from '../sync/light-reads.ts';
import { requestedEngine } from '../worker/choice.ts';
import { seenEncrypted } from './encrypted-rooms.ts';

/** What a room view knows of its room's encryption: the light read found it encrypted, or nothing yet. */
export type RoomEncryption = 'encrypted' | 'unknown';

/**
 * Prepares the crypto wasm for the member stored for `homeserverUrl` when their room `room` (as the element names
 * it) is encrypted: `encryption` is what the view's light read found, `unknown` when it made none (the engine is
 * loading or running), in which case only a room this browser has seen encrypted for the member counts. Starts
 * once the page's light reads have painted, so it never delays their first paint. Never rejects.
 */
export async function prepareCryptoForRoom(homeserverUrl: string, room: string, encryption: RoomEncryption): Promise<void> {
  try {
    const stored = await (await sessionStore()).load(homeserverUrl);
    // Guests have no crypto; an expired or signed-out session starts none.
    if (!stored || stored.guest === true || stored.expired === true || sessionStatus(homeserverUrl)?.kind === 'signed-out') return;
    if (encryption !== 'encrypted' && !seenEncrypted(stored.userId, room)) return;
    await lightReadsPainted();
    await prepareWhereTheEngineRuns();
  } catch {
    // Only a head start: the engine fetches the wasm itself when it opens the room.
  }
}

/** The page's `prepareCrypto()`, or its worker's when the page runs the engine in one (worker/choice.ts). */
async function prepareWhereTheEngineRuns(): Promise<void> {
  const mode = requestedEngine();
  if (mode !== 'main') {
    const { workerKind, workerLink } = await import('../worker/proxy.ts');
    const kind = workerKind(mode);
    // The registry starts the same worker for the member's engine; one that cannot start leaves the engine here.
    const link = kind && typeof Worker !== 'undefined' ? await workerLink(kind).catch(() => undefined) : undefined;
    if (link) {
      link.prepareCrypto();
      return;
    }
  }
  await (await import('./prepare.ts')).prepareCrypto();
}
