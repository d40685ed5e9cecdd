/** Decrypting what a room shows: events never tried, and the member's Retry on one this device could not read. */
import type { MatrixClient, MatrixEvent, Room } from 'matrix-js-sdk';
import type { CryptoBackend } from 'matrix-js-sdk/lib/common-crypto/CryptoBackend.js';
import type { MessageTrustCache } from '../crypto/message-trust.ts';
import { measureStage, stageStart } from '../crypto/stages.ts';
import { retryingItem, undecryptableOf } from '../timeline/timeline.ts';
import type { TimelineItem } from '../timeline/timeline-types.ts';
import type { RoomSession } from './room-session.ts';

/**
 * Attempts to decrypt every encrypted event of the live timeline that was never tried. Sliding sync
 * decrypts only a room's latest events (js-sdk's `decryptCriticalEvents`: from the member's read receipt,
 * or just the last event without one), so a message followed by the member's own join stayed "not
 * started" until another sync happened to bring it again. Each attempt ends in `MatrixEventEvent.Decrypted`,
 * which rebuilds the room. An encrypted room seen before crypto ran (its encryption state arrived later)
 * starts it here, then calls `refresh`.
 */
export function decryptShown(session: RoomSession, room: Room, refresh: () => void): void {
  const client = session.client;
  if (!client.getCrypto()) {
    if (room.hasEncryptionStateEvent() && session.info.guest !== true) {
      session.ensureCrypto().then(
        () => refresh(),
        () => undefined,
      );
    }
    return;
  }
  for (const event of room.getLiveTimeline().getEvents()) {
    if (event.shouldAttemptDecryption()) client.decryptEventIfNeeded(event).catch(() => undefined);
  }
}

/**
 * Messages per page of older history in an encrypted room, against 30 elsewhere: each page is a `/messages`
 * round trip, a wait for its decryption and a re-anchoring of the scrolled log. The crypto bench (2026-12-07,
 * load average about 20): 470 messages in 5 pages of 100 took 1.4 s of requests against 5.6 s in 16 pages of 30.
 * Pages of 200 gained nothing measurable there, and one of their five reads stalled.
 */
export const ENCRYPTED_PAGE_SIZE = 100;

/**
 * How long a page of older history waits for its events' decryption before it is shown anyway (the room's
 * other changes wait with it, room-model.ts).
 */
const PAGE_DECRYPTION_WAIT_MS = 2_000;

/**
 * Loads a page of older history (`client.scrollback`) and, in an encrypted room, waits until its events
 * are decrypted and their trust is known (`trust`, the session's cache): js-sdk starts decrypting each as it
 * maps the response, all at once, and the page is then shown in one snapshot, decrypted and with its trust,
 * instead of a tile of "Decrypting…" turning into a message one by one, each turn a rebuild of the timeline,
 * and a second rebuild (and re-anchoring of the log) for the trust. A decryption that outlasts
 * `PAGE_DECRYPTION_WAIT_MS` is shown as such, and fills in later like any other.
 */
export async function scrollbackDecrypted(
  client: MatrixClient,
  room: Room,
  limit: number,
  trust: Pick<MessageTrustCache, 'prefetch'>,
): Promise<void> {
  const timeline = room.getLiveTimeline();
  const before = timeline.getEvents().length;
  const started = stageStart();
  await client.scrollback(room, limit);
  if (!room.hasEncryptionStateEvent() || !client.getCrypto()) return;
  measureStage('paginate', started);
  // Older events are prepended to the live timeline.
  const added = room.getLiveTimeline() === timeline ? timeline.getEvents().slice(0, Math.max(0, timeline.getEvents().length - before)) : [];
  const decrypting = added.filter((event) => event.isBeingDecrypted() || event.shouldAttemptDecryption());
  if (decrypting.length === 0) return;
  const decryptStarted = stageStart();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const decrypted = Promise.all(decrypting.map((event) => client.decryptEventIfNeeded(event).catch(() => undefined))).then(() =>
    measureStage('decrypt-page', decryptStarted, { events: decrypting.length }),
  );
  await Promise.race([
    decrypted.then(() => trust.prefetch(room.roomId, added)),
    new Promise((resolve) => (timer = setTimeout(resolve, PAGE_DECRYPTION_WAIT_MS))),
  ]);
  clearTimeout(timer);
}

/** The loaded event `key` names (event or transaction id) when this device could not decrypt it. */
export function undecryptableEvent(room: Room, key: string): MatrixEvent | undefined {
  return room
    .getLiveTimeline()
    .getEvents()
    .findLast((e) => (e.getId() === key || e.getUnsigned().transaction_id === key) && undecryptableOf(e) !== undefined);
}

/** The member's retries of decryption in one room, while they run (their tiles say "Decrypting…"). */
export class DecryptionRetries {
  readonly #session: RoomSession;
  readonly #refresh: () => void;
  readonly #stopped: () => boolean;
  readonly #retrying = new Set<string>();

  /** `refresh` rebuilds the room's snapshot; `stopped` says the room model was disposed. */
  constructor(session: RoomSession, refresh: () => void, stopped: () => boolean) {
    this.#session = session;
    this.#refresh = refresh;
    this.#stopped = stopped;
  }

  /** Tiles of messages being retried say so (without Retry). */
  mark(items: TimelineItem[]): TimelineItem[] {
    const retrying = this.#retrying;
    if (retrying.size === 0) return items;
    return items.map((item) =>
      item.kind === 'message' && item.eventId !== undefined && retrying.has(item.eventId) ? retryingItem(item) : item,
    );
  }

  async retry(event: MatrixEvent): Promise<void> {
    const eventId = event.getId();
    if (eventId === undefined || this.#retrying.has(eventId)) return;
    // The tile says "Decrypting…" (without Retry) from the press until the attempt ends.
    this.#retrying.add(eventId);
    this.#refresh();
    try {
      await this.#session.ensureCrypto();
      const crypto = this.#session.client.getCrypto();
      // Guests have no crypto: nothing can decrypt, the tile keeps saying so.
      if (!crypto || this.#stopped()) return;
      // A key backup this device can open is switched on first, so the attempt below asks it for this
      // message's key (js-sdk fetches the missing session from the backup). Room key requests to other
      // devices are off in js-sdk's Rust crypto (element-web#26524), so there is nobody else to ask.
      await crypto.checkKeyBackupAndEnable().catch(() => null);
      // The Rust backend is what getCrypto() returns, and what MatrixEvent.attemptDecryption takes.
      if (undecryptableOf(event)) await event.attemptDecryption(crypto as CryptoBackend, { isRetry: true }).catch(() => undefined);
    } finally {
      this.#retrying.delete(eventId);
      this.#refresh();
    }
  }
}
