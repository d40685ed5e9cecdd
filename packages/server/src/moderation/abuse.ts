/**
 * Abuse controls for guests and new accounts. The homeserver pushes every event of the post rooms to the
 * companion (its bot is in each of them, and the bot is in the service's user namespace); the companion
 * checks each message of a restricted sender and redacts, as the bot, what breaks the site's limits:
 * more messages a minute than allowed, more links than allowed, a first message the site's check refuses.
 * In approval mode a first message is held instead (held.ts): marked, shown to its author only, queued.
 *
 * The trade-off: the message reached the room before the companion saw it, so other members may glimpse it
 * for the moment between the push and the redaction (typically well under a second). A Synapse spam-checker
 * module could refuse it before it is stored, but that is Python inside the homeserver; this works with any
 * homeserver that runs application services.
 *
 * The counters, and the senders whose first message passed, are kept in the companion's state store
 * (state-store.ts), so they hold across replicas; each message is counted once even when the homeserver sends
 * its transaction again, to another replica.
 */
import { createHash } from 'node:crypto';
import type { Homeserver } from '../homeserver.ts';
import { signSiteRequest } from '../site-auth.ts';
import { MemoryStateStore, type StateStore } from '../state-store.ts';
import type { PushedEvent as RoomEvent } from './pushed-event.ts';
import type { ModerationQueue } from './reports.ts';
import { roomPath, type SiteRooms } from './site-rooms.ts';

export interface AbuseConfig {
  /** Messages a restricted sender may send per minute across the site's post rooms; unset: no limit. */
  readonly messagesPerMinute?: number;
  /** Links (http(s) URLs or www. names) a restricted sender's message may contain; unset: no limit. */
  readonly maxLinks?: number;
  /** The site's check of a restricted sender's first message: a signed `POST`, answering `{"allow": bool, "reason"?}`. */
  readonly firstMessageCallback?: string;
  /** A restricted sender's first message waits in the moderation queue for a moderator. */
  readonly firstMessageApproval?: boolean;
  /** Accounts younger than this are restricted like guests (0: only guests). */
  readonly newAccountMs?: number;
  readonly callbackTimeoutMs?: number;
}

export interface AbuseOptions {
  readonly homeserver: Homeserver;
  readonly rooms: SiteRooms;
  readonly queue: ModerationQueue;
  readonly botUserId: string;
  readonly config: AbuseConfig;
  readonly siteSecret: string;
  readonly adminToken?: string;
  readonly log?: (message: string) => void;
  /** Where the counters and the trusted senders are kept; this process's memory by default. */
  readonly store?: StateStore;
}

const LINK = /\bhttps?:\/\/[^\s<>"]+|\bwww\.[^\s<>"]+/giu;
const WINDOW_MS = 60_000;
const SENDERS_MAX = 50_000;
/** How long a checked message is remembered, so the homeserver's retry of its transaction does not count it again. */
const SEEN_MS = 24 * 60 * 60_000;

export function countLinks(text: string): number {
  return text.match(LINK)?.length ?? 0;
}

export interface AbuseStats {
  redacted: number;
  held: number;
}

export class AbuseControls {
  readonly #options: AbuseOptions;
  readonly #restricted = new Map<string, Promise<boolean>>();
  /** Keeps the per-minute counts, the checked messages, and the restricted senders whose first message passed. */
  readonly #store: StateStore;
  readonly #log: (message: string) => void;
  readonly stats: AbuseStats = { redacted: 0, held: 0 };

  constructor(options: AbuseOptions) {
    this.#options = options;
    this.#store = options.store ?? new MemoryStateStore();
    this.#log = options.log ?? ((message) => console.error(`[omni-companion] ${message}`));
  }

  get enabled(): boolean {
    const c = this.#options.config;
    return (
      c.messagesPerMinute !== undefined ||
      c.maxLinks !== undefined ||
      c.firstMessageCallback !== undefined ||
      c.firstMessageApproval === true
    );
  }

  /** A released message's author is trusted from then on. */
  async trust(userId: string): Promise<void> {
    await this.#store.put('abuse-trusted', userId, {});
  }

  async onEvent(event: RoomEvent): Promise<void> {
    if (!this.enabled || event.state_key !== undefined || event.sender === this.#options.botUserId) return;
    if (event.type !== 'm.room.message' && event.type !== 'm.room.encrypted' && event.type !== 'm.sticker') return;
    if (!this.#options.rooms.has(event.room_id) || !(await this.#isRestricted(event.sender))) return;
    const { config } = this.#options;
    const now = Date.now();
    if (!(await this.#store.claim('abuse-seen', event.event_id, SEEN_MS, now))) return;
    const sent = await this.#store.hit('abuse-rate', event.sender, WINDOW_MS, now);
    if (config.messagesPerMinute !== undefined && sent > config.messagesPerMinute) {
      return this.#redact(event, `Too many messages: at most ${String(config.messagesPerMinute)} a minute until your account is older.`);
    }
    const body = typeof event.content['body'] === 'string' ? event.content['body'] : '';
    const formatted = typeof event.content['formatted_body'] === 'string' ? event.content['formatted_body'] : '';
    const links = Math.max(countLinks(body), countLinks(formatted));
    if (config.maxLinks !== undefined && links > config.maxLinks) {
      return this.#redact(event, `Too many links: at most ${String(config.maxLinks)} in one message until your account is older.`);
    }
    if (await this.#store.get('abuse-trusted', event.sender)) return;
    if (config.firstMessageApproval) return this.#hold(event, body, now);
    if (config.firstMessageCallback) {
      const verdict = await this.#askSite(config.firstMessageCallback, event, body);
      if (!verdict.allow) return this.#redact(event, verdict.reason);
      await this.trust(event.sender);
    }
  }

  /** Holds a first message for a moderator (held.ts); one the room will not mark is removed instead, never left shown. */
  async #hold(event: RoomEvent, body: string, now: number): Promise<void> {
    const encrypted = event.type === 'm.room.encrypted';
    try {
      await this.#options.queue.hold({
        roomId: event.room_id,
        eventId: event.event_id,
        sender: event.sender,
        body,
        encrypted,
        heldAt: now,
      });
      this.stats.held += 1;
    } catch (error) {
      this.#log(`holding ${event.event_id} of ${event.sender} failed: ${error instanceof Error ? error.message : String(error)}`);
      await this.#redact(event, 'This first message could not be held for a moderator; please send it again later.');
    }
  }

  async #askSite(callback: string, event: RoomEvent, body: string): Promise<{ allow: boolean; reason: string }> {
    const url = new URL(callback);
    const payload = JSON.stringify({ userId: event.sender, roomId: event.room_id, eventId: event.event_id, body });
    try {
      const headers = signSiteRequest(this.#options.siteSecret, 'POST', url.pathname + url.search, payload);
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(this.#options.config.callbackTimeoutMs ?? 5_000),
      });
      const answer = (await response.json()) as { allow?: unknown; reason?: unknown };
      if (!response.ok || typeof answer.allow !== 'boolean') throw new Error(`answered HTTP ${String(response.status)} without "allow"`);
      return { allow: answer.allow, reason: typeof answer.reason === 'string' ? answer.reason : 'The site did not accept this message.' };
    } catch (error) {
      // Failing closed: an unchecked first message is what the check exists to stop.
      this.#log(`the site's first-message check failed: ${error instanceof Error ? error.message : String(error)}`);
      return { allow: false, reason: 'This message could not be checked; please try again later.' };
    }
  }

  async #redact(event: RoomEvent, reason: string): Promise<void> {
    const txn = createHash('sha256').update(event.event_id).digest('hex').slice(0, 32);
    try {
      await this.#options.homeserver.request('PUT', `${roomPath(event.room_id)}/redact/${encodeURIComponent(event.event_id)}/${txn}`, {
        body: { reason },
      });
      this.stats.redacted += 1;
    } catch (error) {
      this.#log(`redacting ${event.event_id} of ${event.sender} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Guests, and accounts younger than `newAccountMs`, by the homeserver's admin API (cached). */
  #isRestricted(userId: string): Promise<boolean> {
    let known = this.#restricted.get(userId);
    if (!known) {
      known = this.#lookUp(userId);
      if (this.#restricted.size >= SENDERS_MAX) this.#restricted.clear();
      this.#restricted.set(userId, known);
    }
    return known;
  }

  async #lookUp(userId: string): Promise<boolean> {
    const { homeserver, adminToken, config } = this.#options;
    try {
      const user = await homeserver.request<{ is_guest?: unknown; creation_ts?: unknown }>(
        'GET',
        `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`,
        adminToken ? { token: adminToken } : {},
      );
      if (user.is_guest === true || user.is_guest === 1) return true;
      const created = typeof user.creation_ts === 'number' ? user.creation_ts : 0;
      // Synapse has given creation_ts in seconds in some versions and milliseconds in others.
      const createdMs = created < 1e12 ? created * 1000 : created;
      return (config.newAccountMs ?? 0) > 0 && Date.now() - createdMs < (config.newAccountMs ?? 0);
    } catch (error) {
      this.#restricted.delete(userId);
      this.#log(`cannot tell whether ${userId} is a guest: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
