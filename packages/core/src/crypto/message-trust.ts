/**
 * The trust shown on encrypted messages (unverified device, unknown identity…), computed once per
 * event, not per tile; the room models read it from the cache when they rebuild. Part of the engine
 * chunk: nothing here loads the crypto wasm.
 */
import type { MatrixClient, MatrixEvent, Room } from 'matrix-js-sdk';
import { CryptoEvent, EventShieldColour, EventShieldReason } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { MessageItem, MessageTrust, TimelineItem } from '../timeline/timeline-types.ts';
import type { UserTrust } from '../types.ts';

interface TrustEntry {
  readonly sender: string;
  readonly roomId: string;
  readonly trust: MessageTrust;
  /** Who shared the keys to the message with this newcomer (MSC4268), by display name. */
  readonly sharedBy: string | undefined;
}

/**
 * The trust of each encrypted message, from `getEncryptionInfoForEvent` (asynchronous), cached per
 * event id. A room model asks once per rebuild; the answers to the lookups one rebuild started mark the
 * room for one more rebuild through `changed(roomId)` once they are all in (a page of history: one
 * rebuild for its hundred answers, not one per answer), and a change of someone's devices or identity
 * marks the rooms of their messages.
 */
export class MessageTrustCache {
  readonly #client: MatrixClient;
  readonly #changed: (roomId: string) => void;
  readonly #trust = new Map<string, TrustEntry>();
  readonly #pending = new Set<string>();
  readonly #users = new Map<string, Promise<UserTrust>>();
  /**
   * Lookups in flight per Megolm session and sender: the crypto derives a message's encryption info from its
   * session (who shared it, from which device) and its sender alone, so messages of one session from one
   * sender looked up together share one lookup (each is several crypto store reads, and a page of history
   * holds a hundred messages of one session). A later message asks again, as fresh as before.
   */
  readonly #sessions = new Map<string, { readonly sender: string; readonly trust: Promise<MessageTrust> }>();
  /** Items with their trust, reused while nothing changes (tiles re-render only when their item changes). */
  readonly #annotated = new WeakMap<MessageItem, MessageItem>();
  #generation = 0;

  constructor(client: MatrixClient, changed: (roomId: string) => void) {
    this.#client = client;
    this.#changed = changed;
    const forget = (userIds: readonly string[] | undefined): void => {
      this.#generation += 1;
      const rooms = new Set<string>();
      for (const [eventId, entry] of this.#trust) {
        if (userIds && !userIds.includes(entry.sender)) continue;
        this.#trust.delete(eventId);
        rooms.add(entry.roomId);
      }
      if (userIds) for (const userId of userIds) this.#users.delete(userId);
      else this.#users.clear();
      for (const [key, session] of this.#sessions) if (!userIds || userIds.includes(session.sender)) this.#sessions.delete(key);
      for (const roomId of rooms) changed(roomId);
    };
    client.on(CryptoEvent.UserTrustStatusChanged, (userId) => forget([userId]));
    client.on(CryptoEvent.DevicesUpdated, (userIds) => forget(userIds));
    client.on(CryptoEvent.KeysChanged, () => forget(undefined));
  }

  /** `items` with the trust of their encrypted messages where it is known; lookups start for the rest. */
  annotate(room: Room, items: readonly TimelineItem[]): readonly TimelineItem[] {
    const crypto = this.#client.getCrypto();
    if (!crypto) return items;
    let events: Map<string, MatrixEvent> | undefined;
    const lookups: Array<Promise<void>> = [];
    const result = items.map((item) => {
      if (item.kind !== 'message' || item.eventId === undefined) return item;
      const known = this.#trust.get(item.eventId);
      if (known) {
        if (item.trust === known.trust && item.sharedBy === known.sharedBy) return item;
        const cached = this.#annotated.get(item);
        if (cached?.trust === known.trust && cached.sharedBy === known.sharedBy) return cached;
        const next: MessageItem = { ...item, trust: known.trust, ...(known.sharedBy ? { sharedBy: known.sharedBy } : {}) };
        this.#annotated.set(item, next);
        return next;
      }
      if (!this.#pending.has(item.eventId)) {
        events ??= new Map(
          room
            .getLiveTimeline()
            .getEvents()
            .map((e) => [e.getId() ?? '', e]),
        );
        const event = events.get(item.eventId);
        const lookup = event ? this.#lookUp(room.roomId, event) : undefined;
        if (lookup) lookups.push(lookup);
      }
      return item;
    });
    if (lookups.length > 0) {
      const roomId = room.roomId;
      void Promise.allSettled(lookups).then(() => this.#changed(roomId));
    }
    return result;
  }

  /**
   * Looks up the trust of `events` (a page of history, decrypted) and resolves once the answers are cached,
   * without asking for a rebuild: the room's next rebuild shows them with their trust.
   */
  prefetch(roomId: string, events: readonly MatrixEvent[]): Promise<void> {
    const lookups: Array<Promise<void>> = [];
    for (const event of events) {
      const eventId = event.getId();
      if (eventId === undefined || this.#trust.has(eventId) || this.#pending.has(eventId)) continue;
      const lookup = this.#lookUp(roomId, event);
      if (lookup) lookups.push(lookup);
    }
    return Promise.allSettled(lookups).then(() => undefined);
  }

  /** Looks up one event's trust and caches it; undefined when the event has none to look up. */
  #lookUp(roomId: string, event: MatrixEvent): Promise<void> | undefined {
    const crypto = this.#client.getCrypto();
    const eventId = event.getId();
    const sender = event.getSender();
    // Plain events have no trust; encrypted ones are looked up once decrypted (the room rebuilds then).
    if (!crypto || !eventId || !sender || !event.isEncrypted() || event.isDecryptionFailure() || event.getClearContent() === null) {
      return undefined;
    }
    this.#pending.add(eventId);
    const generation = this.#generation;
    const key = sessionKey(roomId, sender, event);
    let session = key === undefined ? undefined : this.#sessions.get(key);
    if (!session) {
      const lookup = { sender, trust: this.#trustOf(sender, event) };
      if (key !== undefined) {
        this.#sessions.set(key, lookup);
        void lookup.trust.then(() => {
          if (this.#sessions.get(key) === lookup) this.#sessions.delete(key);
        });
      }
      session = lookup;
    }
    return session.trust.then((trust) => {
      this.#pending.delete(eventId);
      // Someone's devices changed meanwhile: the answer may be stale, ask again on the next rebuild.
      if (generation === this.#generation) this.#trust.set(eventId, { sender, roomId, trust, sharedBy: this.#sharer(roomId, event) });
    });
  }

  /** What the crypto says of a decrypted message from `sender`. */
  #trustOf(sender: string, event: MatrixEvent): Promise<MessageTrust> {
    const crypto = this.#client.getCrypto();
    if (!crypto) return Promise.resolve('unknown');
    return (async (): Promise<MessageTrust> => {
      // This browser's own device is the one the member is using: what it sent needs no warning, even
      // while its cross-signing is still being set up (or could not be), which is when it would get one.
      if (sender === this.#client.getUserId() && event.getSenderKey() === (await crypto.getOwnDeviceKeys()).curve25519) {
        return (await this.#userTrust(sender)) === 'verified' ? 'verified' : 'unverified';
      }
      const info = await crypto.getEncryptionInfoForEvent(event);
      if (!info) return 'unknown';
      switch (info.shieldReason) {
        case EventShieldReason.VERIFICATION_VIOLATION:
          return 'identity-changed';
        case EventShieldReason.UNSIGNED_DEVICE:
        case EventShieldReason.UNKNOWN_DEVICE:
          return 'unverified-device';
        case EventShieldReason.AUTHENTICITY_NOT_GUARANTEED:
        case EventShieldReason.MISMATCHED_SENDER:
          return 'unknown';
        default:
          if (info.shieldColour === EventShieldColour.RED) return 'unknown';
      }
      const user = await this.#userTrust(sender);
      return user === 'verified' ? 'verified' : user === 'identity-changed' ? 'identity-changed' : 'unverified';
    })().catch((): MessageTrust => 'unknown');
  }

  /** The member who shared this message's keys in a history bundle, by name (js-sdk keeps them on the event). */
  #sharer(roomId: string, event: MatrixEvent): string | undefined {
    const userId = event.getKeyForwardingUser();
    if (!userId) return undefined;
    return this.#client.getRoom(roomId)?.getMember(userId)?.name ?? userId;
  }

  #userTrust(userId: string): Promise<UserTrust> {
    let trust = this.#users.get(userId);
    if (!trust) {
      const crypto = this.#client.getCrypto();
      trust = crypto
        ? crypto
            .getUserVerificationStatus(userId)
            .then((status) =>
              status.isCrossSigningVerified() ? 'verified' : status.wasCrossSigningVerified() ? 'identity-changed' : 'unverified',
            )
        : Promise.resolve('unverified');
      this.#users.set(userId, trust);
    }
    return trust;
  }
}

/**
 * The Megolm session a received message was encrypted with, with its sender: undefined for a local echo
 * (js-sdk answers for those without asking the crypto) and for a message without a session id.
 */
function sessionKey(roomId: string, sender: string, event: MatrixEvent): string | undefined {
  if (event.status !== null) return undefined;
  const content = event.getWireContent() as { session_id?: unknown };
  if (typeof content.session_id !== 'string') return undefined;
  return JSON.stringify([roomId, sender, event.getSenderKey() ?? '', content.session_id]);
}
