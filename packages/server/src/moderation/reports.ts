/**
 * The moderation queue: members' reports (`POST /rooms/{roomId}/report/{eventId}`, which the homeserver
 * keeps) of messages in the site's post rooms, read through Synapse's admin API, and messages held for
 * approval (abuse.ts). Moderators act on an item: delete the message (redacted by the bot), ban its sender
 * site-wide (policy.ts), dismiss the report, or release / reject a held message.
 *
 * Reading reports needs a server admin: the bot made admin (`PUT /_synapse/admin/v2/users/<bot>` with
 * `{"admin": true}`) or an admin's access token in the configuration (`moderation.adminToken`).
 */
import { HomeserverError, type Homeserver, type Json } from '../homeserver.ts';
import type { SitePolicy } from './policy.ts';
import { eachLimited, roomPath, type SiteRooms } from './site-rooms.ts';
import { HeldMessages, type HeldMessage } from './held.ts';
import { splitReportReason } from './report-quote.ts';
import type { QueueAction, QueueItem, QueuePage, ReportedMessage } from '@omnisocial/core/moderation';
import type { StateStore } from '../state-store.ts';

export type { HeldMessage } from './held.ts';
export type { QueueAction, QueueItem, QueuePage } from '@omnisocial/core/moderation';

/** The most reports read from the homeserver per listing (the newest first). */
const REPORTS_READ_MAX = 5_000;
const ADMIN_PAGE = 500;

export interface AdminReport {
  readonly id: number;
  readonly received_ts: number;
  readonly room_id: string;
  readonly event_id: string;
  readonly user_id: string;
  readonly reason: string | null;
  readonly sender?: string;
  readonly name?: string | null;
  readonly canonical_alias?: string | null;
}

export class QueueError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = 'QueueError';
    this.status = status;
  }
}

export interface QueueOptions {
  readonly homeserver: Homeserver;
  readonly rooms: SiteRooms;
  readonly policy: SitePolicy;
  /** An admin's access token; without it the bot must be a server admin. */
  readonly adminToken?: string;
  /** Called when a held message is released: its author is trusted from then on. */
  readonly onRelease?: (userId: string) => Promise<void>;
  /** Where held messages are queued (state-store.ts); this process's memory by default. */
  readonly store?: StateStore;
}

export class ModerationQueue {
  readonly #options: QueueOptions;
  readonly held: HeldMessages;

  constructor(options: QueueOptions) {
    this.#options = options;
    this.held = new HeldMessages(options.homeserver, options.store);
  }

  /** Holds a first message for approval (held.ts); throws when the room would not take the marker. */
  hold(message: HeldMessage): Promise<void> {
    return this.held.hold(message);
  }

  /** The queue, newest first: `limit` items from `from`, with the total. */
  async list(from = 0, limit = 50): Promise<QueuePage> {
    await this.#options.rooms.refresh();
    const reports = (await this.#reports()).filter((report) => this.#options.rooms.has(report.room_id));
    const held = (await this.held.all()).map(([id, m]) => ({ id, m }));
    const all = [
      ...held.map((item) => ({ at: item.m.heldAt, item })),
      ...reports.map((report) => ({ at: report.received_ts, report })),
    ].sort((a, b) => b.at - a.at);
    const page = all.slice(from, from + limit);
    const items: QueueItem[] = new Array<QueueItem>(page.length);
    await eachLimited(
      page.map((entry, index) => ({ entry, index })),
      async ({ entry, index }) => {
        items[index] = 'item' in entry ? await this.#describeHeld(entry.item.id, entry.item.m) : await this.#describe(entry.report);
      },
    );
    return { items, total: all.length };
  }

  /** Acts on one item; the item leaves the queue (but a ban leaves the report for a delete). */
  async act(id: string, action: QueueAction, reason?: string): Promise<Json> {
    if (id.startsWith('held:')) return this.#actOnHeld(id, action);
    const match = /^report:(\d{1,18})$/u.exec(id);
    if (!match) throw new QueueError(`No queue item "${id}".`, 404);
    const report = await this.#admin<AdminReport & { event_json?: Json }>(
      'GET',
      `/_synapse/admin/v1/event_reports/${match[1] ?? ''}`,
    ).catch((error: unknown) => {
      if (error instanceof HomeserverError && error.status === 404)
        throw new QueueError(`The report ${id} is no longer in the queue.`, 404);
      throw error;
    });
    if (!(await this.#options.rooms.learn(report.room_id)))
      throw new QueueError(`The report ${id} is not about a post room of this site.`, 404);
    const { homeserver, policy } = this.#options;
    if (action === 'delete') {
      await homeserver
        .request('PUT', `${roomPath(report.room_id)}/redact/${encodeURIComponent(report.event_id)}/${transactionId()}`, {
          body: reason ? { reason } : {},
        })
        .catch((error: unknown) => {
          // Already deleted by someone else: the moderator's intent holds.
          if (!(error instanceof HomeserverError && error.status === 404)) throw error;
        });
    } else if (action === 'ban') {
      const sender = report.sender ?? (typeof report.event_json?.['sender'] === 'string' ? report.event_json['sender'] : undefined);
      if (!sender) throw new QueueError('The reported message has no known sender.');
      const applied = await policy.addRule('user', sender, reason ?? report.reason ?? 'reported');
      await this.#dismiss(match[1] ?? '');
      return { banned: sender, ...applied };
    } else if (action !== 'dismiss') {
      throw new QueueError(`A report can be deleted, banned or dismissed, not "${action}".`);
    }
    await this.#dismiss(match[1] ?? '');
    return { ok: true };
  }

  async #actOnHeld(id: string, action: QueueAction): Promise<Json> {
    const held = await this.held.get(id);
    if (!held) throw new QueueError(`The held message ${id} is no longer in the queue.`, 404);
    if (action === 'reject') {
      await this.held.reject(id, held);
      return { ok: true };
    }
    if (action !== 'release') throw new QueueError(`A held message can be released or rejected, not "${action}".`);
    await this.held.release(id, held);
    await this.#options.onRelease?.(held.sender);
    return { released: held.eventId };
  }

  async #describeHeld(id: string, m: HeldMessage): Promise<QueueItem> {
    const name = await this.#options.homeserver
      .request<{ name?: unknown }>('GET', `${roomPath(m.roomId)}/state/m.room.name`)
      .then((state) => (typeof state.name === 'string' ? state.name : null))
      .catch(() => null);
    return {
      id,
      kind: 'held',
      roomId: m.roomId,
      roomName: name,
      eventId: m.eventId,
      sender: m.sender,
      body: m.body,
      ...(m.encrypted ? { encrypted: true as const } : {}),
      receivedAt: m.heldAt,
    };
  }

  async #dismiss(reportId: string): Promise<void> {
    await this.#admin('DELETE', `/_synapse/admin/v1/event_reports/${reportId}`).catch((error: unknown) => {
      if (!(error instanceof HomeserverError && error.status === 404)) throw error;
    });
  }

  async #reports(): Promise<AdminReport[]> {
    const reports: AdminReport[] = [];
    for (let from = 0; from < REPORTS_READ_MAX; from += ADMIN_PAGE) {
      const page = await this.#admin<{ event_reports: AdminReport[] | null; total: number }>('GET', '/_synapse/admin/v1/event_reports', {
        from: String(from),
        limit: String(ADMIN_PAGE),
        dir: 'b',
      });
      // Dendrite answers `null` for no reports.
      const read = page.event_reports ?? [];
      reports.push(...read);
      if (read.length < ADMIN_PAGE || reports.length >= page.total) break;
    }
    return reports;
  }

  async #describe(report: AdminReport): Promise<QueueItem> {
    let message: ReportedMessage = { unavailable: true };
    let sender = report.sender ?? null;
    const { reason, quoted } = splitReportReason(report.reason);
    try {
      const event = await this.#options.homeserver.request<{ type: string; sender: string; content: Json; unsigned?: Json }>(
        'GET',
        `${roomPath(report.room_id)}/event/${encodeURIComponent(report.event_id)}`,
      );
      sender = event.sender;
      if (event.unsigned?.['redacted_because'] || Object.keys(event.content).length === 0) message = { deleted: true };
      else if (event.type === 'm.room.encrypted') message = quoted === undefined ? { encrypted: true } : { encrypted: true, quoted };
      else if (typeof event.content['body'] === 'string') message = { body: event.content['body'] };
    } catch {
      message = { unavailable: true };
    }
    return {
      id: `report:${String(report.id)}`,
      kind: 'report',
      roomId: report.room_id,
      roomName: report.name ?? report.canonical_alias ?? null,
      eventId: report.event_id,
      reporter: report.user_id,
      reason,
      receivedAt: report.received_ts,
      sender,
      message,
    };
  }

  #admin<T = Json>(method: string, path: string, query?: Record<string, string>): Promise<T> {
    const { adminToken } = this.#options;
    return this.#options.homeserver.request<T>(method, path, { ...(query ? { query } : {}), ...(adminToken ? { token: adminToken } : {}) });
  }
}

let counter = 0;
function transactionId(): string {
  counter += 1;
  return `omni-mod-${String(Date.now())}-${String(counter)}`;
}
