/**
 * The companion's moderation: the queue of reports and held messages (reports.ts), site-wide bans through a
 * policy list (policy.ts), abuse controls for guests and new accounts (abuse.ts), and the site API over them
 * (queue-api.ts). Fed by the events the homeserver pushes to the application service.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Homeserver } from '../homeserver.ts';
import type { SiteVerifier } from '../site-auth.ts';
import type { StateStore } from '../state-store.ts';
import { AbuseControls, type AbuseConfig } from './abuse.ts';
import { asPushedEvent } from './pushed-event.ts';
import { SitePolicy } from './policy.ts';
import { moderationRoute, MODERATION_PREFIX, serveModerationPage, type Reply } from './queue-api.ts';
import { ModerationQueue } from './reports.ts';
import { SiteRooms } from './site-rooms.ts';

export { MODERATION_PREFIX } from './queue-api.ts';
export type { AbuseConfig } from './abuse.ts';
export { mintModeratorToken, verifyModeratorToken, type ModeratorToken } from './moderator-token.ts';

export interface ModerationConfig {
  /** An admin's access token for the report admin API; without it the bot must be a server admin. */
  readonly adminToken?: string;
  /** The policy room's alias localpart. */
  readonly policyAlias: string;
  /** Users who may edit the policy room from any Matrix client (power 50 there). */
  readonly policyEditors: readonly string[];
  /** The key moderators enter in the served page (`/_omni/v1/moderation/`); unset: no page. */
  readonly moderatorKey?: string;
  readonly abuse: AbuseConfig;
}

export interface ModerationOptions {
  readonly homeserver: Homeserver;
  readonly botUserId: string;
  readonly serverName: string;
  readonly siteSecret: string;
  readonly verifier: SiteVerifier;
  readonly config: ModerationConfig;
  /** Held messages, abuse counters and the policy rules' version, shared by replicas with the PostgreSQL store (state-store.ts). */
  readonly store?: StateStore;
  readBody(request: IncomingMessage): Promise<string>;
}

export class Moderation {
  readonly rooms: SiteRooms;
  readonly policy: SitePolicy;
  readonly queue: ModerationQueue;
  readonly abuse: AbuseControls;
  readonly #options: ModerationOptions;
  #unknownRooms: Promise<unknown> = Promise.resolve();
  /** Each sender's last event still being judged: the next waits for it, so counts follow the homeserver's order. */
  readonly #judging = new Map<string, Promise<void>>();

  constructor(options: ModerationOptions) {
    this.#options = options;
    const { homeserver, botUserId, serverName, config } = options;
    const store = options.store ? { store: options.store } : {};
    const adminToken = config.adminToken ? { adminToken: config.adminToken } : {};
    this.rooms = new SiteRooms(homeserver, botUserId, options.store);
    this.policy = new SitePolicy({
      homeserver,
      rooms: this.rooms,
      botUserId,
      serverName,
      aliasLocalpart: config.policyAlias,
      editors: config.policyEditors,
      ...store,
    });
    this.queue = new ModerationQueue({
      homeserver,
      rooms: this.rooms,
      policy: this.policy,
      ...adminToken,
      ...store,
      onRelease: (user) => this.abuse.trust(user),
    });
    this.abuse = new AbuseControls({
      homeserver,
      rooms: this.rooms,
      queue: this.queue,
      botUserId,
      config: config.abuse,
      siteSecret: options.siteSecret,
      ...adminToken,
      ...store,
    });
  }

  /** Finds the post rooms and the policy room (created when missing). */
  async start(): Promise<void> {
    // Messages held before a restart are waiting in their rooms: back into the queue.
    await this.rooms.load((roomId, state) => this.queue.held.restore(roomId, state));
    await this.policy.start();
  }

  /** A post room the companion just created: it joins the list and follows the site-wide bans at once. */
  async onRoomCreated(roomId: string): Promise<void> {
    await this.rooms.add(roomId);
    await this.policy.applyToRoom(roomId);
  }

  /** An event the homeserver pushed; failures are logged, never thrown back at the homeserver. */
  onEvent(raw: Record<string, unknown>): void {
    const event = asPushedEvent(raw);
    if (!event) return;
    const judge = (): Promise<unknown> => Promise.all([this.policy.onEvent(event), this.abuse.onEvent(event)]);
    // A sender's events are judged one after the other, in the order the homeserver sent them: judged at once, a later
    // message could take an earlier place in the per-minute count and the wrong one be removed. A room another replica
    // created is known from the state store before its event is judged; such events wait their turn too.
    const previous = this.#judging.get(event.sender);
    let ready: Promise<unknown> | undefined = previous;
    if (!this.rooms.has(event.room_id)) {
      const learned = this.#unknownRooms.then(() => this.rooms.learn(event.room_id));
      this.#unknownRooms = learned.catch(() => undefined);
      ready = previous ? Promise.all([previous, learned]) : learned;
    }
    const judged = ready ? ready.then(judge) : judge();
    const settled = judged.then(
      () => undefined,
      (error: unknown) => {
        console.error(`[omni-companion] moderating ${event.event_id} failed:`, error instanceof Error ? error.message : error);
      },
    );
    this.#judging.set(event.sender, settled);
    void settled.then(() => {
      if (this.#judging.get(event.sender) === settled) this.#judging.delete(event.sender);
    });
  }

  /** Resolves once every event received so far has been judged: the companion stops its store only then. */
  async settled(): Promise<void> {
    await Promise.all([...this.#judging.values(), this.#unknownRooms]);
  }

  handles(url: URL): boolean {
    return url.pathname.startsWith(MODERATION_PREFIX);
  }

  /** Answers with the moderation page when that is what is asked (true), before any JSON route. */
  servesPage(request: IncomingMessage, response: ServerResponse): boolean {
    return serveModerationPage(this.#options.config.moderatorKey, request, response);
  }

  route(request: IncomingMessage, url: URL): Promise<Reply> {
    return moderationRoute(
      {
        queue: this.queue,
        policy: this.policy,
        verifier: this.#options.verifier,
        ...(this.#options.config.moderatorKey ? { moderatorKey: this.#options.config.moderatorKey } : {}),
        siteSecret: this.#options.siteSecret,
        readBody: (r) => this.#options.readBody(r),
      },
      request,
      url,
    );
  }
}
