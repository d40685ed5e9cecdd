import { Direction, EventTimeline, EventType, MatrixError, RelationType, type Room, type RoomState } from 'matrix-js-sdk';
import type { EngineSession } from '../session/engine.ts';
// Sending (outbox): separate lines so the timeline's imports stay untouched.
import { EventStatus, HTTPError, ReceiptType, type MatrixClient, type MatrixEvent } from 'matrix-js-sdk';
import { Outbox, outboxStorage, type OutboxRequest, type OutboxTransport, type SendFailure } from '../outbox/outbox.ts';
import { echoOf, editContent, messageContent, plainMessage, sizeRefusal, TOO_LARGE_TEXT, type OutgoingMessage } from '../format/content.ts';
import type { MessageItem } from '../timeline/timeline-types.ts';
import {
  computeTimeline,
  guestItem,
  MemberDirectory,
  retryingItem,
  sanitiseName,
  TimelineCache,
  undecryptableOf,
} from '../timeline/timeline.ts';
import type { CryptoBackend } from 'matrix-js-sdk/lib/common-crypto/CryptoBackend.js';
import type { MemberInfo } from '../timeline/timeline-types.ts';
import { OmniError, type RoomHandle, type RoomSnapshot, type Unsubscribe } from '../types.ts';
import type { MediaRequest } from '../types.ts';

/** Retry delays for opening a room while the homeserver cannot be reached. */
const START_RETRY_MS = 1000;
const START_RETRY_MAX_MS = 30_000;

/** How long a room waits for its first sync response before showing what the client has. */
const LOAD_TIMEOUT_MS = 10_000;

/**
 * One model per room per session, shared by every element showing that room. It turns the SDK's
 * mutable room into immutable snapshots once per change, not once per tile.
 */
const LOADING: RoomSnapshot = {
  status: 'loading',
  items: [],
  encrypted: false,
  canSend: false,
  hasMoreBefore: false,
  paginating: false,
  typing: [],
  unreadCount: 0,
};

/** One outbox per client per room, shared by the room's models and outliving them (sending goes on). */
const outboxes = new WeakMap<MatrixClient, Map<string, Outbox>>();

/**
 * The room's outbox, shared by the room's models and by whatever hands messages over to the room
 * (messages typed before a post room or DM existed, see lazy-room.ts).
 */
export function roomOutbox(session: EngineSession, roomId: string): Outbox {
  const client = session.client;
  let byRoom = outboxes.get(client);
  if (!byRoom) {
    outboxes.set(client, (byRoom = new Map<string, Outbox>()));
    // The outbox is the queue: createClient() always installs the SDK's MatrixScheduler, which would
    // queue and retry room messages behind our back (and wedge its queue on a failure). Without it the
    // SDK sends each attempt straight away, after encrypting it where the room requires.
    client.scheduler = undefined;
  }
  let outbox = byRoom.get(roomId);
  if (!outbox) {
    outbox = new Outbox(sdkTransport(client, roomId), outboxStorage(session.info.userId, roomId));
    byRoom.set(roomId, outbox);
  }
  return outbox;
}

/** Rooms a session joined itself (a post room joined by alias) before its scoped sync brought them. */
const joinedHere = new WeakMap<MatrixClient, Set<string>>();

/** Records that the session just joined `roomId`: opening it needs no membership look-up. */
export function noteJoined(session: EngineSession, roomId: string): void {
  let rooms = joinedHere.get(session.client);
  if (!rooms) joinedHere.set(session.client, (rooms = new Set()));
  rooms.add(roomId);
}

export class RoomModel {
  /** Sending: the room's outbox, once the room is known (see `#outboxFor`). */
  #outbox: Outbox | undefined;
  #snapshot: RoomSnapshot = LOADING;
  readonly #listeners = new Set<(snapshot: RoomSnapshot) => void>();
  readonly #session: EngineSession;
  readonly #target: string;
  readonly #onDispose: () => void;
  #roomId: string | undefined;
  #unwatch: Unsubscribe | undefined;
  #holders = 0;
  #startAttempts = 0;
  #disposed = false;
  /** Parsed content and previous items, so each rebuild reuses what did not change. */
  readonly #timeline = new TimelineCache();
  #paginating: Promise<boolean> | undefined;
  /** When `m.typing: true` was last sent: a keystroke does not need a request each time. */
  #typingSentAt = 0;
  /** Events whose decryption the member asked to retry, while that runs (their tiles say "Decrypting…"). */
  readonly #retrying = new Set<string>();

  constructor(session: EngineSession, target: string, onDispose: () => void) {
    this.#session = session;
    this.#target = target;
    this.#onDispose = onDispose;
    void this.#start();
  }

  hold(): RoomHandle {
    this.#holders += 1;
    return new RoomHolder(this);
  }

  get snapshot(): RoomSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  release(): void {
    this.#holders -= 1;
    if (this.#holders === 0) this.dispose();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#unwatch?.();
    this.#listeners.clear();
    this.#onDispose();
  }

  async #start(): Promise<void> {
    try {
      await this.#session.whenSynced();
      const roomId = await this.#resolveRoomId();
      if (this.#disposed) return;
      // Subscribe first, so the scoped sync brings the room as soon as the member is in it.
      this.#unwatch = this.#session.watch(roomId, this);
      const loaded = this.#session.whenLoaded(roomId);
      await this.#joinUnlessMember(roomId);
      if (this.#isDisposed()) return;
      // The server answers a subscription only when it has something for the member; after a join it has.
      await Promise.race([loaded, new Promise((resolve) => setTimeout(resolve, LOAD_TIMEOUT_MS))]);
      if (this.#isDisposed()) return;
      // An encrypted room starts the session's crypto (loaded on first need) before it is shown.
      if (this.#session.client.getRoom(roomId)?.hasEncryptionStateEvent()) await this.#session.ensureCrypto();
      if (this.#isDisposed()) return;
      this.#roomId = roomId;
      this.refresh();
    } catch (error) {
      this.#unwatch?.();
      this.#unwatch = undefined;
      const failure = roomError(error, this.#target, this.#session.info.guest === true);
      this.#publish({ ...LOADING, status: 'error', error: failure });
      // A homeserver that cannot be reached now may be back soon: keep trying, more slowly each time.
      if ((failure.code === 'network' || failure.code === 'rate-limited') && !this.#disposed) {
        const delay = Math.min(START_RETRY_MAX_MS, START_RETRY_MS * 2 ** this.#startAttempts);
        this.#startAttempts += 1;
        setTimeout(() => {
          if (!this.#disposed) void this.#start();
        }, delay);
      }
    }
  }

  /**
   * Attempts to decrypt every encrypted event of the live timeline that was never tried. Sliding sync
   * decrypts only a room's latest events (js-sdk's `decryptCriticalEvents`: from the member's read receipt,
   * or just the last event without one), so a message followed by the member's own join stayed "not
   * started" until another sync happened to bring it again. Each attempt ends in `MatrixEventEvent.Decrypted`,
   * which rebuilds the room. An encrypted room seen before crypto ran (its encryption state arrived later)
   * starts it here.
   */
  #decryptShown(room: Room): void {
    const client = this.#session.client;
    if (!client.getCrypto()) {
      if (room.hasEncryptionStateEvent() && this.#session.info.guest !== true) {
        this.#session.ensureCrypto().then(
          () => this.refresh(),
          () => undefined,
        );
      }
      return;
    }
    for (const event of room.getLiveTimeline().getEvents()) {
      if (event.shouldAttemptDecryption()) client.decryptEventIfNeeded(event).catch(() => undefined);
    }
  }

  /** Read through a call so that checks after each `await` are not narrowed away. */
  #isDisposed(): boolean {
    return this.#disposed;
  }

  async #joinUnlessMember(roomId: string): Promise<void> {
    const client = this.#session.client;
    if (client.getRoom(roomId)?.getMyMembership() === 'join' || joinedHere.get(client)?.has(roomId)) return;
    // A scoped sync may not have brought the room yet: ask the server before joining. Not for a guest:
    // its membership is rarely there to find, and joining again changes nothing (one request, not two).
    const membership = this.#session.info.guest
      ? undefined
      : await client.getStateEvent(roomId, 'm.room.member', this.#session.info.userId).then(
          (content: Record<string, unknown>) => content['membership'],
          () => undefined,
        );
    if (membership === 'join') return;
    await client.joinRoom(roomId, { viaServers: viaServers(this.#target) });
  }

  async #resolveRoomId(): Promise<string> {
    if (this.#target.startsWith('!')) return this.#target;
    if (!this.#target.startsWith('#') || !this.#target.includes(':')) {
      throw new OmniError('bad-room', `"${this.#target}" is not a room address; use #alias:server or !roomid:server.`);
    }
    const { room_id: roomId } = await this.#session.client.getRoomIdForAlias(this.#target);
    return roomId;
  }

  /** Recomputes the snapshot from the SDK's current room; called once per change of the room. */
  refresh(): void {
    const room = this.#room();
    if (!room || this.#disposed) return;
    this.#decryptShown(room);
    const own = this.#session.info.userId;
    const { items: built, unreadCount, typing } = computeTimeline(room, own, this.#timeline);
    const retrying = this.#retrying;
    const guest = this.#session.info.guest === true;
    const items = guest
      ? built.map((item) => (item.kind === 'message' ? guestItem(item) : item))
      : retrying.size === 0
        ? built
        : built.map((item) =>
            item.kind === 'message' && item.eventId !== undefined && retrying.has(item.eventId) ? retryingItem(item) : item,
          );
    const cannotSendReason = whyCannotSend(room, own, guest);
    const topic = this.#topic(room);
    this.#publish({
      ...LOADING,
      status: 'ready',
      roomId: room.roomId,
      name: sanitiseName(room.name),
      ...(topic ? { topic } : {}),
      encrypted: room.hasEncryptionStateEvent(),
      // sending: outbox merged in (local echoes, queued, failed); trust of encrypted messages from the session's cache
      items: this.#outboxFor(room.roomId).merge(this.#session.trust.annotate(room, items)),
      canSend: cannotSendReason === undefined,
      ...(cannotSendReason !== undefined ? { cannotSendReason } : {}),
      hasMoreBefore: hasMoreBefore(room),
      paginating: this.#paginating !== undefined,
      typing,
      unreadCount,
    });
  }

  /** The room's topic: the scoped sync's required state carries it (see ROOM_SUBSCRIPTION), classic sync all state. */
  #topic(room: Room): string | undefined {
    const topic: unknown = liveState(room)?.getStateEvents(EventType.RoomTopic, '')?.getContent()['topic'];
    return typeof topic === 'string' ? topic : undefined;
  }

  #room(): Room | null {
    return this.#roomId === undefined ? null : this.#session.client.getRoom(this.#roomId);
  }

  #readyRoom(): Room {
    const room = this.#room();
    if (!room) throw new OmniError('network', 'The room is not ready yet.');
    return room;
  }

  #publish(snapshot: RoomSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  // ---- Sending: everything goes through the room's outbox (packages/core/src/outbox/outbox.ts). ----

  /**
   * The room's outbox, created on first need. Messages are sent with our own transaction ids through
   * `client.sendEvent(roomId, type, content, txnId)`, so the SDK still encrypts them for encrypted
   * rooms, while ordering, retries, persistence and status are the outbox's: the SDK's own local echo of
   * an attempt is hidden behind the outbox's item (same key) and removed when an attempt fails, because
   * a NOT_SENT echo would block every later send of the room.
   */
  #outboxFor(roomId: string): Outbox {
    if (this.#outbox) return this.#outbox;
    const shared = roomOutbox(this.#session, roomId);
    shared.subscribe(() => {
      if (this.#isDisposed()) return false;
      // Published at once (inside `send()` for a local echo): no await, no rebuild of the timeline.
      if (this.#snapshot.status === 'ready') this.#publish({ ...this.#snapshot, items: shared.remerge() });
      return true;
    });
    this.#outbox = shared;
    return shared;
  }

  #readyOutbox(): { room: Room; outbox: Outbox } {
    const room = this.#readyRoom();
    return { room, outbox: this.#outboxFor(room.roomId) };
  }

  /**
   * Queues the message (plain text, or a message composed by `composeDraft()`); its local echo, formatted
   * as it will be shown, is in the published snapshot before this returns. Refuses, before anything is
   * queued, a message larger than the homeserver accepts.
   */
  send(message: string | OutgoingMessage, options: { replyTo?: string } = {}): Promise<void> {
    const { room, outbox } = this.#readyOutbox();
    const outgoing = typeof message === 'string' ? plainMessage(message) : message;
    const content = messageContent(outgoing, options);
    const tooLarge = sizeRefusal(content, room.hasEncryptionStateEvent());
    if (tooLarge) return Promise.reject(tooLarge);
    const own = this.#session.info.userId;
    const member = room.getMember(own);
    const avatar = member?.getMxcAvatarUrl();
    const sender: MemberInfo = { userId: own, displayName: member?.name ?? own, ...(avatar ? { avatarMxc: avatar } : {}) };
    outbox.enqueue({ op: 'event', type: EventType.RoomMessage, content }, (txnId): MessageItem => ({
      ...echoOf(outgoing, txnId, sender),
      ...(options.replyTo ? { replyTo: { eventId: options.replyTo } } : {}),
    }));
    return Promise.resolve();
  }

  /** Replaces one of the member's messages (`m.replace`), composed like a new one. */
  edit(eventId: string, message: string | OutgoingMessage): Promise<void> {
    const { room, outbox } = this.#readyOutbox();
    const outgoing = typeof message === 'string' ? plainMessage(message) : message;
    const mentions: unknown = room.findEventById(eventId)?.getContent()['m.mentions'];
    const userIds: unknown =
      typeof mentions === 'object' && mentions !== null ? (mentions as Record<string, unknown>)['user_ids'] : undefined;
    const already = Array.isArray(userIds) ? userIds.filter((id): id is string => typeof id === 'string') : [];
    const content = editContent(eventId, outgoing, already);
    const tooLarge = sizeRefusal(content, room.hasEncryptionStateEvent());
    if (tooLarge) return Promise.reject(tooLarge);
    outbox.enqueue({ op: 'event', type: EventType.RoomMessage, content });
    return Promise.resolve();
  }

  redact(eventId: string, reason?: string): Promise<void> {
    const { room, outbox } = this.#readyOutbox();
    // Deleting a message that is not sent yet is cancelling it.
    if (outbox.cancel(eventId)) {
      dropSdkEcho(this.#session.client, room, (id) => id === eventId);
      return Promise.resolve();
    }
    outbox.enqueue({ op: 'redact', redacts: eventId, ...(reason ? { reason } : {}) });
    return Promise.resolve();
  }

  toggleReaction(eventId: string, key: string): Promise<void> {
    const { room, outbox } = this.#readyOutbox();
    const own = this.#session.info.userId;
    const unsent = outbox.find((request) => {
      if (request.op !== 'event' || request.type !== 'm.reaction') return false;
      const relation = request.content['m.relates_to'] as { event_id?: unknown; key?: unknown } | undefined;
      return relation?.event_id === eventId && relation.key === key;
    });
    if (unsent !== undefined && outbox.cancel(unsent)) {
      dropSdkEcho(this.#session.client, room, (id) => id === unsent);
      return Promise.resolve();
    }
    const existing = room
      .getLiveTimeline()
      .getEvents()
      .find((e) => {
        const relation = e.getRelation();
        return (
          e.getType() === 'm.reaction' && e.getSender() === own && !e.isRedacted() && relation?.event_id === eventId && relation.key === key
        );
      });
    const existingId = existing?.getId();
    if (existingId && !existingId.startsWith('~')) return this.redact(existingId);
    outbox.enqueue({
      op: 'event',
      type: 'm.reaction',
      content: { 'm.relates_to': { rel_type: RelationType.Annotation, event_id: eventId, key } },
    });
    return Promise.resolve();
  }

  /**
   * Sends a failed (or waiting) message again now, with the same transaction id; for a message this
   * device cannot read, tries to decrypt it again (`retryDecryption`): a tile's Retry means either.
   */
  retry(key: string): Promise<void> {
    const { room, outbox } = this.#readyOutbox();
    const unreadable = room
      .getLiveTimeline()
      .getEvents()
      .findLast((e) => (e.getId() === key || e.getUnsigned().transaction_id === key) && undecryptableOf(e) !== undefined);
    if (unreadable) return this.#retryDecryption(unreadable);
    outbox.retry(key);
    return Promise.resolve();
  }

  /** Tries again to decrypt a loaded encrypted event this device could not read; nothing for any other event. */
  retryDecryption(eventId: string): Promise<void> {
    const event = this.#readyRoom()
      .getLiveTimeline()
      .getEvents()
      .findLast((e) => e.getId() === eventId);
    return event && undecryptableOf(event) ? this.#retryDecryption(event) : Promise.resolve();
  }

  async #retryDecryption(event: MatrixEvent): Promise<void> {
    const eventId = event.getId();
    if (eventId === undefined || this.#retrying.has(eventId)) return;
    // The tile says "Decrypting…" (without Retry) from the press until the attempt ends.
    this.#retrying.add(eventId);
    this.refresh();
    try {
      await this.#session.ensureCrypto();
      const crypto = this.#session.client.getCrypto();
      // Guests have no crypto: nothing can decrypt, the tile keeps saying so.
      if (!crypto || this.#isDisposed()) return;
      // A key backup this device can open is switched on first, so the attempt below asks it for this
      // message's key (js-sdk fetches the missing session from the backup). Room key requests to other
      // devices are off in js-sdk's Rust crypto (element-web#26524), so there is nobody else to ask.
      await crypto.checkKeyBackupAndEnable().catch(() => null);
      // The Rust backend is what getCrypto() returns, and what MatrixEvent.attemptDecryption takes.
      if (undecryptableOf(event)) await event.attemptDecryption(crypto as CryptoBackend, { isRetry: true }).catch(() => undefined);
    } finally {
      this.#retrying.delete(eventId);
      this.refresh();
    }
  }

  /** Drops a message that is not sent yet (one in flight is redacted if the server stored it). */
  cancel(key: string): Promise<void> {
    const { room, outbox } = this.#readyOutbox();
    if (outbox.cancel(key)) dropSdkEcho(this.#session.client, room, (id) => id === key);
    return Promise.resolve();
  }

  /** Loads older history through `/messages`; concurrent calls share one request. */
  paginateBackwards(limit = 30): Promise<boolean> {
    if (this.#paginating) return this.#paginating;
    const room = this.#readyRoom();
    if (!hasMoreBefore(room)) return Promise.resolve(false);
    const run = async (): Promise<boolean> => {
      try {
        await this.#session.client.scrollback(room, limit);
      } finally {
        this.#paginating = undefined;
        this.refresh();
      }
      return this.#snapshot.hasMoreBefore;
    };
    this.#paginating = run();
    this.refresh();
    return this.#paginating;
  }

  setTyping(typing: boolean): void {
    const room = this.#room();
    if (!room || room.getMyMembership() !== 'join') return;
    const now = Date.now();
    // Tell the server again only when its 5 s timeout is close to running out.
    if (typing && now - this.#typingSentAt < TYPING_RESEND_MS) return;
    this.#typingSentAt = typing ? now : 0;
    void this.#session.client.sendTyping(room.roomId, typing, TYPING_TIMEOUT_MS).catch(() => undefined);
  }

  /** Moves the read receipt and the read marker (`m.fully_read`) to a loaded, sent event. */
  markRead(eventId: string): void {
    const room = this.#room();
    // Looked up in the live timeline itself: under sliding sync `findEventById` missed events the
    // timeline showed (seen in timeline.test.ts).
    const event = room
      ?.getLiveTimeline()
      .getEvents()
      .findLast((e) => e.getId() === eventId);
    if (!room || !event || eventId.startsWith('~') || room.getMyMembership() !== 'join') return;
    const current: unknown = room.getAccountData('m.fully_read')?.getContent()['event_id'];
    // Never move the marker backwards: a tile scrolled into view late must not mark newer messages unread.
    if (typeof current === 'string' && isBefore(room, eventId, current)) return;
    this.#typingSentAt = 0;
    // A guest's read position serves only this visit: kept locally, it saves a request per room shown.
    if (this.#session.info.guest) {
      room.addLocalEchoReceipt(this.#session.info.userId, event, ReceiptType.Read);
      return;
    }
    void this.#session.client.setRoomReadMarkers(room.roomId, eventId, event).catch(() => undefined);
  }

  /** Joined and invited members whose name or user id matches; names start-matches first. */
  searchMembers(query: string, limit = 8): Promise<readonly MemberInfo[]> {
    const room = this.#room();
    if (!room) return Promise.resolve([]);
    const needle = query.trim().toLowerCase().replace(/^@/u, '');
    const directory = new MemberDirectory(room);
    const own = this.#session.info.userId;
    const ranked: { info: MemberInfo; rank: number }[] = [];
    for (const member of room.getMembers()) {
      if ((member.membership !== 'join' && member.membership !== 'invite') || member.userId === own) continue;
      const info = directory.get(member.userId);
      const name = info.displayName.toLowerCase();
      const id = member.userId.toLowerCase();
      const rank = name.startsWith(needle) || id.startsWith(`@${needle}`) ? 0 : name.includes(needle) || id.includes(needle) ? 1 : -1;
      if (rank >= 0) ranked.push({ info, rank });
    }
    ranked.sort((a, b) => a.rank - b.rank || a.info.displayName.localeCompare(b.info.displayName));
    return Promise.resolve(ranked.slice(0, limit).map((r) => r.info));
  }

  /** Media of this room's messages and members, through the session's shared loader. */
  loadMedia(request: MediaRequest): Promise<string> {
    return this.#session.media.load(request);
  }
}

const TYPING_TIMEOUT_MS = 5000;
const TYPING_RESEND_MS = 3500;

function liveState(room: Room): RoomState | undefined {
  return room.getLiveTimeline().getState(EventTimeline.FORWARDS) ?? undefined;
}

/** Older history exists: the server gave a token back, and the room's creation is not loaded. */
function hasMoreBefore(room: Room): boolean {
  const timeline = room.getLiveTimeline();
  if (timeline.getPaginationToken(Direction.Backward) === null) return false;
  return timeline.getEvents()[0]?.getType() !== EventType.RoomCreate;
}

/** Whether event `a` comes before event `b` in the live timeline (false when either is unknown). */
function isBefore(room: Room, a: string, b: string): boolean {
  const events = room.getLiveTimeline().getEvents();
  let ia = -1;
  let ib = -1;
  for (let i = events.length - 1; i >= 0 && (ia === -1 || ib === -1); i--) {
    const id = events[i]?.getId();
    if (id === a) ia = i;
    if (id === b) ib = i;
  }
  return ia !== -1 && ib !== -1 && ia < ib;
}

/** Why the member cannot post here, in words, or undefined when they can. */
function whyCannotSend(room: Room, own: string, guest: boolean): string | undefined {
  if (liveState(room)?.getStateEvents(EventType.RoomTombstone, '')) return 'This room has been replaced by a new one.';
  const membership = room.getMyMembership();
  if (membership === 'ban') return 'You were banned from this room.';
  if (membership === 'invite') return 'Accept the invitation to write here.';
  if (membership !== 'join') {
    return guest ? 'Guests can read this room but not write in it. Sign in to take part.' : 'Join the room to write here.';
  }
  if (liveState(room)?.maySendMessage(own) === true) return undefined;
  const content = liveState(room)?.getStateEvents(EventType.RoomPowerLevels, '')?.getContent() ?? {};
  const events: unknown = content['events'];
  const perType = typeof events === 'object' && events !== null ? (events as Record<string, unknown>)[EventType.RoomMessage] : undefined;
  const required = typeof perType === 'number' ? perType : typeof content['events_default'] === 'number' ? content['events_default'] : 0;
  if (required >= 100) return 'Only admins can write in this room.';
  if (required >= 50) return 'Only moderators can write in this room.';
  return 'You do not have permission to write in this room.';
}

/**
 * Sends outbox entries through the SDK (which encrypts where the room requires it) with our txn ids.
 * The SDK remembers a transaction id once it has seen it in a room, so a later attempt of the same
 * entry resends the SDK's unsent echo (`resendEvent`, same txn id, same ciphertext) instead.
 */
function sdkTransport(client: MatrixClient, roomId: string): OutboxTransport {
  return {
    async send(txnId: string, request: OutboxRequest): Promise<string> {
      const room = client.getRoom(roomId);
      // Unsent echoes of entries that are gone would make the SDK refuse this one ("blocked by other events").
      if (room) dropSdkEcho(client, room, (id) => id !== txnId);
      const echo = room?.getEventForTxnId(txnId);
      if (room && echo?.status === EventStatus.NOT_SENT) return (await client.resendEvent(echo, room)).event_id;
      const response =
        request.op === 'redact'
          ? await client.redactEvent(roomId, request.redacts, txnId, request.reason ? { reason: request.reason } : undefined)
          : await client.sendEvent(roomId, request.type as never, request.content as never, txnId);
      return response.event_id;
    },
    classify,
  };
}

/** Removes the SDK's unsent local echoes whose transaction id `which` selects. */
function dropSdkEcho(client: MatrixClient, room: Room, which: (txnId: string | undefined) => boolean): void {
  let pending: MatrixEvent[];
  try {
    pending = room.getPendingEvents();
  } catch {
    return; // not in detached pending-event mode: nothing of ours is held there
  }
  for (const event of pending) {
    if (which(event.getTxnId()) && (event.status === EventStatus.NOT_SENT || event.status === EventStatus.QUEUED)) {
      client.cancelPendingEvent(event);
    }
  }
}

/** Network trouble waits for the connection; 429 waits as told; 5xx retries; other refusals fail. */
function classify(error: unknown): SendFailure {
  if (error instanceof MatrixError || error instanceof HTTPError) {
    const status = error.httpStatus ?? 0;
    if (status === 429 || (error instanceof MatrixError && error.errcode === 'M_LIMIT_EXCEEDED')) {
      let waitMs: number | null;
      try {
        waitMs = error.getRetryAfterMs();
      } catch {
        waitMs = null;
      }
      return { kind: 'rate-limited', waitMs: Math.max(0, waitMs ?? 5_000) };
    }
    if (status === 413 || (error instanceof MatrixError && error.errcode === 'M_TOO_LARGE')) {
      return { kind: 'rejected', message: TOO_LARGE_TEXT, retryable: false };
    }
    if (status >= 500 || status === 408 || status === 0) return { kind: 'server' };
    const message = error instanceof MatrixError ? (error.data.error ?? error.message) : error.message;
    return { kind: 'rejected', message };
  }
  return { kind: 'network' };
}

type Commands = Omit<RoomHandle, 'snapshot' | 'subscribe' | 'release'>;

/** A model elements hold: a room's, or one of a room that may not exist yet (lazy-room.ts). */
export interface HeldModel extends Commands {
  readonly snapshot: RoomSnapshot;
  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe;
  release(): void;
}

/** One element's hold on a shared room model; releasing twice is harmless, commands after it reject. */
export class RoomHolder implements RoomHandle {
  #model: HeldModel | undefined;
  readonly #unsubscribes = new Set<Unsubscribe>();

  constructor(model: HeldModel) {
    this.#model = model;
  }

  get snapshot(): RoomSnapshot {
    return this.#model?.snapshot ?? LOADING;
  }

  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe {
    const unsubscribe = this.#model?.subscribe(listener) ?? (() => undefined);
    this.#unsubscribes.add(unsubscribe);
    return () => {
      this.#unsubscribes.delete(unsubscribe);
      unsubscribe();
    };
  }

  #call<K extends keyof Commands>(command: K, ...args: Parameters<Commands[K]>): ReturnType<Commands[K]> {
    const model = this.#model;
    if (!model) throw new OmniError('unknown', 'This room was already released.');
    return (model[command] as (...a: Parameters<Commands[K]>) => ReturnType<Commands[K]>).apply(model, args);
  }

  send = (message: string | OutgoingMessage, options?: { replyTo?: string }): Promise<void> => this.#call('send', message, options);
  edit = (eventId: string, message: string | OutgoingMessage): Promise<void> => this.#call('edit', eventId, message);
  redact = (eventId: string, reason?: string): Promise<void> => this.#call('redact', eventId, reason);
  toggleReaction = (eventId: string, key: string): Promise<void> => this.#call('toggleReaction', eventId, key);
  retry = (key: string): Promise<void> => this.#call('retry', key);
  retryDecryption = (eventId: string): Promise<void> => this.#call('retryDecryption', eventId);
  cancel = (key: string): Promise<void> => this.#call('cancel', key);
  paginateBackwards = (limit?: number): Promise<boolean> => this.#call('paginateBackwards', limit);
  setTyping = (typing: boolean): void => this.#call('setTyping', typing);
  markRead = (eventId: string): void => this.#call('markRead', eventId);
  searchMembers = (query: string, limit?: number): Promise<readonly MemberInfo[]> => this.#call('searchMembers', query, limit);
  loadMedia = (request: MediaRequest): Promise<string> => this.#call('loadMedia', request);

  release(): void {
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes.clear();
    this.#model?.release();
    this.#model = undefined;
  }
}

function viaServers(target: string): string[] {
  const server = target.slice(target.indexOf(':') + 1);
  return server ? [server] : [];
}

/**
 * Turns why a room could not be opened into an error the element can explain. The message is for
 * developers (`omni-error`); what a member reads is chosen by `code`, so server wording never shows.
 */
export function roomError(error: unknown, target: string, guest = false): OmniError {
  if (error instanceof OmniError) return error;
  const shape = errorShape(error);
  if (shape === undefined) {
    return new OmniError('network', `The room ${target} could not be loaded; check the connection.`, { cause: error });
  }
  const reason = shape.reason ? `: ${shape.reason}` : '';
  // Synapse refuses a guest's join with a plain M_FORBIDDEN ("Guest access not allowed"); other
  // homeservers use M_GUEST_ACCESS_FORBIDDEN. Either way, a member's account would be let in.
  if (shape.errcode === 'M_GUEST_ACCESS_FORBIDDEN' || (guest && shape.httpStatus === 403)) {
    return new OmniError('guest-forbidden', `Guests cannot join ${target}${reason}; sign in with an account.`, { cause: error });
  }
  if (shape.httpStatus === 429 || shape.errcode === 'M_LIMIT_EXCEEDED') {
    return new OmniError('rate-limited', `The homeserver is rate-limiting requests for ${target}.`, { cause: error });
  }
  // An unknown alias is M_NOT_FOUND; an unknown room id is a 404 with M_UNKNOWN ("No known servers").
  if (shape.errcode === 'M_NOT_FOUND' || shape.httpStatus === 404) {
    return new OmniError('unknown-room', `The room ${target} does not exist${reason}.`, { cause: error });
  }
  if (shape.errcode === 'M_FORBIDDEN' || shape.httpStatus === 403) {
    return new OmniError('forbidden', `You cannot join ${target}${reason}.`, { cause: error });
  }
  // A gateway in front of a homeserver that is down or restarting answers 502/503/504.
  if (shape.httpStatus !== undefined && shape.httpStatus >= 500) {
    return new OmniError('network', `The homeserver failed to load ${target} (HTTP ${shape.httpStatus}).`, { cause: error });
  }
  return new OmniError('unknown', `${target}${reason || `: ${shape.errcode ?? 'unexpected answer'}`}`, { cause: error });
}

/** The parts of a homeserver's answer that classify it; undefined when no answer came (network). */
function errorShape(error: unknown): { errcode?: string; httpStatus?: number; reason?: string } | undefined {
  if (error instanceof MatrixError) {
    const reason = typeof error.data.error === 'string' ? error.data.error : undefined;
    return {
      errcode: error.errcode,
      ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
      ...(reason ? { reason } : {}),
    };
  }
  if (error instanceof HTTPError) return error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {};
  return undefined;
}
