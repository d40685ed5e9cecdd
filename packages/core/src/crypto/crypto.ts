/**
 * End-to-end encryption, loaded lazily: this module is `import()`ed by the engine only when a
 * signed-in member opens an encrypted room, and it is the only place that starts js-sdk's Rust
 * crypto (whose ~2 MB gzip wasm js-sdk fetches, as a separate `application/wasm` file, inside
 * `initRustCrypto`). Pages that show only public rooms never load it.
 *
 * The engine runs in one tab per account (see tab-lock.ts), so one crypto store is open at a time.
 */
import type { MatrixClient, MatrixEvent } from 'matrix-js-sdk';
import { undecryptableOf } from '../timeline/timeline.ts';
import { prepareCrypto } from './prepare.ts';
import { startSharedHistory } from './shared-history.ts';
import { markStage } from './stages.ts';

/**
 * The IndexedDB prefix of a device's crypto store (js-sdk appends `::matrix-sdk-crypto` and
 * `::matrix-sdk-crypto-meta`). One store per user and device, so another member or a new device
 * signed in on the same site never opens the wrong keys.
 */
export function cryptoStorePrefix(userId: string, deviceId: string): string {
  return `omni-crypto:${userId}:${deviceId}`;
}

/** How the engine pauses its sync while crypto starts, and resumes it afterwards. */
export interface SyncControl {
  /** Stops the sync loop (without crypto it would consume to-device messages crypto needs). */
  pause(): void;
  /** Starts the sync loop again; it now feeds the crypto layer. Resolves after its first response. */
  resume(): Promise<void>;
}

/**
 * Starts Rust crypto for this client with a persistent IndexedDB store, then decrypts the events
 * already in the client's rooms. js-sdk hands crypto to the sync loop only when the loop starts
 * (to-device messages, device lists, one-time-key counts), so the loop is restarted around it.
 * Call once per client; the engine memoises the promise.
 */
export async function ensureCrypto(client: MatrixClient, sync: SyncControl): Promise<void> {
  if (client.getCrypto()) return;
  const userId = client.getSafeUserId();
  const deviceId = client.getDeviceId();
  if (!deviceId) throw new Error('Encryption needs a device id.');
  // The wasm is fetched and compiled (usually already, see prepare.ts) while the sync loop still runs:
  // the loop is stopped only for what needs it stopped. (Not later than this: stopping the client once
  // crypto runs would close its OlmMachine, js-sdk's `stopClient` stops both.)
  await prepareCrypto();
  sync.pause();
  try {
    await client.initRustCrypto({ useIndexedDB: true, cryptoDatabasePrefix: cryptoStorePrefix(userId, deviceId) });
    markStage('crypto-olm');
  } finally {
    await sync.resume();
  }
  markStage('crypto-sync');
  // Newcomers to encrypted rooms with shared history get its keys from the members online (MSC4268).
  startSharedHistory(client);
  await decryptLoadedEvents(client);
  markStage('crypto-ready');
}

/** Events that reached the store before crypto ran were never decrypted: decrypt them now. */
async function decryptLoadedEvents(client: MatrixClient): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const room of client.getRooms()) {
    for (const event of [...room.getLiveTimeline().getEvents(), ...room.getPendingEvents()]) {
      if (event.shouldAttemptDecryption() || event.isDecryptionFailure()) {
        pending.push(client.decryptEventIfNeeded(event, { isRetry: event.isDecryptionFailure() }).catch(() => undefined));
      }
    }
  }
  await Promise.all(pending);
}

/**
 * Where an event stands with encryption, for the timeline:
 * - `plain`: not encrypted;
 * - `decrypted`: encrypted and readable (read the event as usual), or deleted;
 * - `decrypting`: a decryption attempt is running;
 * - `waiting-for-keys`: not readable yet, but the keys may still arrive (late to-device message,
 *   crypto not started yet, key backup later) — show a placeholder, it fills in on `MatrixEventEvent.Decrypted`;
 * - `failed`: the keys will not come (withheld, unknown message index, unknown error) — say so.
 * The timeline's `undecryptableOf` (timeline.ts) says why, in the same terms.
 */
export type DecryptionState = 'plain' | 'decrypted' | 'decrypting' | 'waiting-for-keys' | 'failed';

export function decryptionState(event: MatrixEvent): DecryptionState {
  if (!event.isEncrypted()) return 'plain';
  const problem = undecryptableOf(event);
  if (!problem) return 'decrypted';
  return problem.state === 'decrypting' ? 'decrypting' : problem.state === 'waiting' ? 'waiting-for-keys' : 'failed';
}
