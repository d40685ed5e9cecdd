/**
 * Site-wide bans through a moderation policy list. The companion owns a policy room (the format Mjolnir
 * and Draupnir read and write); each `m.policy.rule.user` rule bans the matching users in every post room,
 * including rooms created later, and each `m.policy.rule.server` rule denies the server through the post
 * rooms' `m.room.server_acl`. A ban made for a rule carries the rule's id in its membership event, so lifting
 * the rule (an empty or redacted rule event) unbans exactly the bans it made, and nothing a moderator made by hand.
 *
 * Replicas sharing a state store (state-store.ts) follow each other's rule changes: the replica that applies a
 * change records it in the store (what each rule was when last applied, and a new version token), and every
 * decision that uses the rules first reads the token; when it changed, the rules are read again from the policy
 * room. A rule changed through any replica thus holds on every replica for the next decision after the change
 * was answered, at the cost of one store read per decision.
 */
import { randomUUID } from 'node:crypto';
import { HomeserverError, type Homeserver, type Json } from '../homeserver.ts';
import { kindOfType, parseRule, protectedError, entityError, ruleId, matches, serverAcl, type PolicyRule, type RuleKind } from './rules.ts';
import { eachLimited, roomPath, type SiteRooms } from './site-rooms.ts';
import { MemoryStateStore, type StateStore } from '../state-store.ts';

/** The key in a ban's membership content naming the rule that made it. */
export const BAN_MARK = 'org.omnisocial.policy_rule';
const POLICY_ROOM_DATA = 'org.omnisocial.policy_room';
/** The state store's record of the rules: `version` changes with every applied change. */
const POLICY = 'policy';
const VERSION = 'version';
/** Each rule id's last applied rule event: `{ eventId, rule, seeded }` (`rule` null once lifted). */
const APPLIED = 'policy-applied';

export class PolicyError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = 'PolicyError';
    this.status = status;
  }
}

export interface PolicyOptions {
  readonly homeserver: Homeserver;
  readonly rooms: SiteRooms;
  readonly botUserId: string;
  readonly serverName: string;
  /** The policy room's alias localpart (default `omni-policy`). */
  readonly aliasLocalpart: string;
  /** Users given power 50 in the policy room, so they can edit it from any Matrix client. */
  readonly editors?: readonly string[];
  /** Shared by the replicas (state-store.ts); in memory for one companion. */
  readonly store?: StateStore;
  readonly log?: (message: string) => void;
}

/** What the store says was last applied for a rule id. */
interface AppliedRule {
  readonly eventId: string;
  readonly rule: PolicyRule | undefined;
  /** Read from the policy room at a replica's start, not known to have been applied. */
  readonly seeded: boolean;
}

export interface ApplyResult {
  readonly rooms: number;
  readonly failed: number;
}

interface StateEvent {
  readonly type: string;
  readonly state_key?: string;
  readonly event_id: string;
  readonly room_id: string;
  readonly sender: string;
  readonly content: Json;
  readonly redacts?: string;
}

export class SitePolicy {
  readonly #options: PolicyOptions;
  readonly #rules = new Map<string, PolicyRule>();
  /** The event id of each rule's current state event, to notice its redaction. */
  readonly #eventOf = new Map<string, string>();
  /**
   * Rule events the companion wrote and applied itself: their push from the homeserver may come after a later
   * change (a rule added then lifted at once) and must not re-apply a stale rule.
   */
  readonly #applied = new Set<string>();
  #roomId = '';
  #updates: Promise<unknown> = Promise.resolve();
  readonly #log: (message: string) => void;
  readonly #store: StateStore;
  /** The store's version token when the rules were last read from the policy room. */
  #seenVersion: string | undefined;
  /** Re-reads of the rules start in this order; an older one finishing later must not undo a newer one. */
  #readsStarted = 0;
  #readApplied = 0;

  constructor(options: PolicyOptions) {
    this.#options = options;
    this.#store = options.store ?? new MemoryStateStore();
    this.#log = options.log ?? ((message) => console.error(`[omni-companion] ${message}`));
  }

  get roomId(): string {
    return this.#roomId;
  }

  /** The rules as this replica last read them; `current()` first catches up with the other replicas. */
  rules(): PolicyRule[] {
    return [...this.#rules.values()];
  }

  /** The rules, after catching up with changes other replicas made. */
  async current(): Promise<PolicyRule[]> {
    await this.#catchUp();
    return this.rules();
  }

  /** Finds or creates the policy room and reads its rules. */
  async start(): Promise<void> {
    this.#roomId = await this.#ensureRoom();
    this.#seenVersion = await this.#version();
    const state = await this.#options.homeserver.request<StateEvent[]>('GET', `${roomPath(this.#roomId)}/state`);
    for (const event of state) this.#take(event);
    // What a lift or a replaced rule must undo, for a change pushed later: kept when another replica recorded it.
    for (const [id, rule] of this.#rules) {
      const record = { eventId: this.#eventOf.get(id) ?? '', rule: { ...rule }, seeded: true };
      await this.#store.putIfAbsent(APPLIED, id, record);
    }
  }

  /** Adds (or replaces) a ban rule and applies it in every post room. */
  async addRule(kind: RuleKind, entity: string, reason: string): Promise<ApplyResult> {
    const error = entityError(kind, entity) ?? protectedError(kind, entity, this.#guard);
    if (error) throw new PolicyError(`The rule was refused: ${error}.`);
    const type = `m.policy.rule.${kind}`;
    const stateKey = `rule:${entity}`;
    const content = { entity, recommendation: 'm.ban', reason };
    const { event_id: eventId } = await this.#options.homeserver.request<{ event_id: string }>(
      'PUT',
      `${roomPath(this.#roomId)}/state/${type}/${encodeURIComponent(stateKey)}`,
      { body: content },
    );
    this.#remember(eventId);
    return this.#update({ type, state_key: stateKey, event_id: eventId, room_id: this.#roomId, sender: this.#options.botUserId, content });
  }

  /** Lifts a ban rule: the bans it made are undone. */
  async removeRule(kind: RuleKind, entity: string): Promise<ApplyResult> {
    const type = `m.policy.rule.${kind}`;
    const stateKey = `rule:${entity}`;
    await this.#catchUp();
    if (!this.#rules.has(ruleId(type, stateKey))) throw new PolicyError(`There is no ${kind} rule for "${entity}".`, 404);
    const { event_id: eventId } = await this.#options.homeserver.request<{ event_id: string }>(
      'PUT',
      `${roomPath(this.#roomId)}/state/${type}/${encodeURIComponent(stateKey)}`,
      { body: {} },
    );
    return this.#update({
      type,
      state_key: stateKey,
      event_id: eventId,
      room_id: this.#roomId,
      sender: this.#options.botUserId,
      content: {},
    });
  }

  /** An event the homeserver pushed to the application service. */
  async onEvent(event: StateEvent): Promise<void> {
    if (event.room_id === this.#roomId) {
      if (this.#applied.delete(event.event_id)) return;
      if (event.type === 'm.room.redaction' && event.redacts) {
        const id = await this.#ruleOfEvent(event.redacts);
        const [type = '', stateKey = ''] = id ? id.split('|') : [];
        if (id) await this.#update({ ...event, type, state_key: stateKey, content: {} });
      } else if (event.state_key !== undefined && kindOfType(event.type)) {
        await this.#update(event);
      }
      return;
    }
    if (event.type === 'm.room.member' && event.state_key && this.#options.rooms.has(event.room_id)) {
      const membership = event.content['membership'];
      if (membership !== 'join' && membership !== 'invite' && membership !== 'knock') return;
      await this.#catchUp();
      const rule = this.rules().find((r) => r.kind === 'user' && matches(r, event.state_key ?? ''));
      if (rule) await this.#ban(event.room_id, event.state_key, rule).catch((error: unknown) => this.#failed(rule, event.room_id, error));
    }
  }

  /** Brings a post room just created in line with the list: literal bans and the server ACL. */
  async applyToRoom(roomId: string): Promise<void> {
    await this.#catchUp();
    const bans = this.rules().filter((rule) => rule.kind === 'user' && rule.literal);
    await eachLimited(bans, (rule) => this.#ban(roomId, rule.entity, rule));
    if (this.rules().some((rule) => rule.kind === 'server')) await this.#setAcl(roomId, serverAcl(this.#rules.values()));
  }

  async #version(): Promise<string> {
    return JSON.stringify((await this.#store.get(POLICY, VERSION)) ?? null);
  }

  /**
   * Reads the rules again from the policy room when another replica (or this one) changed them since they were
   * last read. A failure leaves the rules as they were, logged: a decision is not refused for it.
   */
  async #catchUp(): Promise<void> {
    try {
      const version = await this.#version();
      if (version === this.#seenVersion) return;
      this.#readsStarted += 1;
      const read = this.#readsStarted;
      const state = await this.#options.homeserver.request<StateEvent[]>('GET', `${roomPath(this.#roomId)}/state`);
      if (read < this.#readApplied) return;
      this.#readApplied = read;
      this.#rules.clear();
      this.#eventOf.clear();
      for (const event of state) {
        const parsed = kindOfType(event.type) ? parseRule(event.type, event.state_key ?? '', event.content, this.#guard) : undefined;
        if (!parsed?.ok) continue;
        this.#rules.set(parsed.rule.id, parsed.rule);
        this.#eventOf.set(parsed.rule.id, event.event_id);
      }
      // The version was read before the room: a change recorded meanwhile shows as a new version next time.
      this.#seenVersion = version;
    } catch (error) {
      this.#log(`reading the policy rules again failed (the rules read before stay in use): ${String(error)}`);
    }
  }

  async #appliedRule(id: string): Promise<AppliedRule | undefined> {
    const record = await this.#store.get(APPLIED, id);
    if (!record || typeof record['eventId'] !== 'string') return undefined;
    const rule = record['rule'];
    return {
      eventId: record['eventId'],
      rule: rule && typeof rule === 'object' ? (rule as PolicyRule) : undefined,
      seeded: record['seeded'] === true,
    };
  }

  /** The rule id whose event `eventId` is, from this replica's rules or what any replica applied. */
  async #ruleOfEvent(eventId: string): Promise<string | undefined> {
    const own = [...this.#eventOf].find(([, id]) => id === eventId)?.[0];
    if (own) return own;
    return (await this.#store.list(APPLIED)).find(([, record]) => record['eventId'] === eventId)?.[0];
  }

  get #guard(): { botUserId: string; serverName: string } {
    return { botUserId: this.#options.botUserId, serverName: this.#options.serverName };
  }

  /** Reads a rule event into the list; returns the previous rule of that id. */
  #take(event: StateEvent): { before: PolicyRule | undefined; after: PolicyRule | undefined; changed: boolean } {
    const id = ruleId(event.type, event.state_key ?? '');
    const before = this.#rules.get(id);
    if (!kindOfType(event.type)) return { before, after: before, changed: false };
    const parsed = parseRule(event.type, event.state_key ?? '', event.content, this.#guard);
    if (!parsed.ok) {
      if (!parsed.lifted) this.#log(`policy rule ${id} (event ${event.event_id}) skipped: ${parsed.error}.`);
      this.#rules.delete(id);
      this.#eventOf.delete(id);
      return { before, after: undefined, changed: before !== undefined };
    }
    this.#rules.set(id, parsed.rule);
    this.#eventOf.set(id, event.event_id);
    const same = before?.entity === parsed.rule.entity && before.reason === parsed.rule.reason;
    return { before, after: parsed.rule, changed: !same };
  }

  /**
   * Updates run one after another: the homeserver may push a rule event to the application service before the
   * request that wrote it has answered, and the request must not report success while the push is still applying it.
   */
  #update(event: StateEvent): Promise<ApplyResult> {
    const run = this.#updates.then(() => this.#updateNow(event));
    this.#updates = run.catch(() => undefined);
    return run;
  }

  async #updateNow(event: StateEvent): Promise<ApplyResult> {
    // The server ACL is made of every server rule: those other replicas added first.
    await this.#catchUp();
    const { after } = this.#take(event);
    const id = ruleId(event.type, event.state_key ?? '');
    // What was applied before comes from the store, not from this replica's rules: another replica may have
    // changed the rule since, and a re-read of the policy room may already show this very event.
    const record = await this.#appliedRule(id);
    const before = record?.rule;
    await this.#options.rooms.refresh();
    const rooms = this.#options.rooms.list();
    const same = before?.entity === after?.entity && before?.reason === after?.reason;
    const done = record ? (record.eventId === event.event_id ? !record.seeded : same) : after === undefined;
    if (done) return { rooms: rooms.length, failed: 0 };
    await this.#store.put(APPLIED, id, { eventId: event.event_id, rule: after ? { ...after } : null, seeded: false });
    await this.#store.put(POLICY, VERSION, { token: randomUUID() });
    let failed = 0;
    if (before?.kind === 'user' && before.entity !== after?.entity) failed += await this.#lift(before, rooms);
    if (after?.kind === 'user') failed += await this.#apply(after, rooms);
    if (before?.kind === 'server' || after?.kind === 'server') failed += await this.#applyAcl(rooms);
    return { rooms: rooms.length, failed };
  }

  async #apply(rule: PolicyRule, rooms: readonly string[]): Promise<number> {
    const errors = await eachLimited(rooms, async (roomId) => {
      if (rule.literal) return this.#ban(roomId, rule.entity, rule);
      const { joined } = await this.#options.homeserver.request<{ joined: Record<string, unknown> }>(
        'GET',
        `${roomPath(roomId)}/joined_members`,
      );
      for (const userId of Object.keys(joined)) if (matches(rule, userId)) await this.#ban(roomId, userId, rule);
    });
    for (const error of errors) this.#failed(rule, '(a post room)', error);
    return errors.length;
  }

  async #lift(rule: PolicyRule, rooms: readonly string[]): Promise<number> {
    const { homeserver } = this.#options;
    const errors = await eachLimited(rooms, async (roomId) => {
      const { chunk } = await homeserver.request<{ chunk: StateEvent[] }>('GET', `${roomPath(roomId)}/members`, {
        query: { membership: 'ban' },
      });
      for (const member of chunk) {
        if (member.content[BAN_MARK] !== rule.id || !member.state_key) continue;
        await homeserver.request('POST', `${roomPath(roomId)}/unban`, {
          body: { user_id: member.state_key, reason: 'Site-wide ban lifted' },
        });
      }
    });
    for (const error of errors) this.#log(`lifting ${rule.id} in a post room failed: ${String(error)}`);
    return errors.length;
  }

  async #ban(roomId: string, userId: string, rule: PolicyRule): Promise<void> {
    const reason = rule.reason ? `Site-wide ban: ${rule.reason}` : 'Site-wide ban';
    // The ban is sent as the membership state itself so that it can carry the rule's id (the /ban endpoint takes only a reason).
    await this.#options.homeserver.request('PUT', `${roomPath(roomId)}/state/m.room.member/${encodeURIComponent(userId)}`, {
      body: { membership: 'ban', reason, [BAN_MARK]: rule.id },
    });
  }

  async #applyAcl(rooms: readonly string[]): Promise<number> {
    const acl = serverAcl(this.#rules.values());
    const errors = await eachLimited(rooms, (roomId) => this.#setAcl(roomId, acl));
    for (const error of errors) this.#log(`setting the server ACL of a post room failed: ${String(error)}`);
    return errors.length;
  }

  async #setAcl(roomId: string, acl: Json): Promise<void> {
    await this.#options.homeserver.request('PUT', `${roomPath(roomId)}/state/m.room.server_acl/`, { body: acl });
  }

  #remember(eventId: string): void {
    // Pushes that never come (the homeserver gave up on a transaction) must not grow the set for ever.
    if (this.#applied.size >= 10_000) this.#applied.clear();
    this.#applied.add(eventId);
  }

  #failed(rule: PolicyRule, roomId: string, error: unknown): void {
    this.#log(`applying ${rule.id} in ${roomId} failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  async #ensureRoom(): Promise<string> {
    const { homeserver, botUserId, serverName, aliasLocalpart, editors = [] } = this.#options;
    const dataPath = `/_matrix/client/v3/user/${encodeURIComponent(botUserId)}/account_data/${POLICY_ROOM_DATA}`;
    const known = await homeserver.request<{ room_id?: unknown }>('GET', dataPath).catch((): Json => ({}));
    if (typeof known['room_id'] === 'string') return known['room_id'];
    const request = {
      preset: 'private_chat',
      name: 'Site-wide bans',
      topic: `The site's moderation policy list, applied by ${botUserId} in every post room.`,
      // The bot, as the room's creator, holds all power (room version 12 refuses it in `users`).
      power_level_content_override: { users: Object.fromEntries(editors.map((user) => [user, 50])), state_default: 50 },
    };
    let created: { room_id: string };
    try {
      created = await homeserver.request('POST', '/_matrix/client/v3/createRoom', {
        body: { ...request, room_alias_name: aliasLocalpart },
      });
    } catch (error) {
      if (!(error instanceof HomeserverError) || (error.errcode !== 'M_ROOM_IN_USE' && error.errcode !== 'M_EXCLUSIVE')) throw error;
      // The alias is taken, or outside a registration made before the policy alias was part of it: the list
      // still works, found through the bot's account data.
      this.#log(`#${aliasLocalpart}:${serverName} cannot be the policy room's alias (${error.errcode}); the room is created without one.`);
      created = await homeserver.request('POST', '/_matrix/client/v3/createRoom', { body: request });
    }
    await homeserver.request('PUT', dataPath, { body: { room_id: created.room_id } });
    for (const editor of editors) {
      await homeserver
        .request('POST', `${roomPath(created.room_id)}/invite`, { body: { user_id: editor } })
        .catch((error: unknown) => this.#log(`inviting ${editor} to the policy room failed: ${String(error)}`));
    }
    return created.room_id;
  }
}
