import { EventType, MatrixError, MsgType, RelationType, type Room } from 'matrix-js-sdk';
import type { RoomMessageEventContent } from 'matrix-js-sdk/lib/@types/events.js';
import type { EngineSession } from './engine.ts';
import { buildTimeline } from './timeline.ts';
import type { MemberInfo } from './timeline-types.ts';
import { OmniError, type RoomHandle, type RoomSnapshot, type Unsubscribe } from './types.ts';

/** How long a room waits for its first sync response before showing what the client has. */
const LOAD_TIMEOUT_MS = 10_000;

/**
 * One model per room per session, shared by every element showing that room. It turns the SDK's
 * mutable room into immutable snapshots once per change, not once per tile.
 */
const LOADING: RoomSnapshot = {
  status: 'loading',
  items: [],
  canSend: false,
  hasMoreBefore: false,
  paginating: false,
  typing: [],
  unreadCount: 0,
};

export class RoomModel {
  #snapshot: RoomSnapshot = LOADING;
  readonly #listeners = new Set<(snapshot: RoomSnapshot) => void>();
  readonly #session: EngineSession;
  readonly #target: string;
  readonly #onDispose: () => void;
  #roomId: string | undefined;
  #unwatch: Unsubscribe | undefined;
  #holders = 0;
  #disposed = false;

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
      this.#roomId = roomId;
      this.refresh();
    } catch (error) {
      this.#unwatch?.();
      this.#unwatch = undefined;
      this.#publish({ ...LOADING, status: 'error', error: roomError(error, this.#target) });
    }
  }

  /** Read through a call so that checks after each `await` are not narrowed away. */
  #isDisposed(): boolean {
    return this.#disposed;
  }

  async #joinUnlessMember(roomId: string): Promise<void> {
    const client = this.#session.client;
    if (client.getRoom(roomId)?.getMyMembership() === 'join') return;
    // A scoped sync may not have brought the room yet: ask the server before joining.
    const membership = await client.getStateEvent(roomId, 'm.room.member', this.#session.info.userId).then(
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
    this.#publish({
      ...LOADING,
      status: 'ready',
      roomId: room.roomId,
      name: room.name,
      items: buildTimeline(room, this.#session.info.userId),
      canSend: room.maySendMessage(),
      hasMoreBefore: room.getLiveTimeline().getPaginationToken('b' as never) !== null,
    });
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

  async send(body: string, options: { replyTo?: string } = {}): Promise<void> {
    const room = this.#readyRoom();
    const content: RoomMessageEventContent = options.replyTo
      ? { msgtype: MsgType.Text, body, 'm.relates_to': { 'm.in_reply_to': { event_id: options.replyTo } } }
      : { msgtype: MsgType.Text, body };
    await this.#session.client.sendMessage(room.roomId, content);
  }

  async edit(eventId: string, body: string): Promise<void> {
    const room = this.#readyRoom();
    await this.#session.client.sendMessage(room.roomId, {
      msgtype: MsgType.Text,
      body: `* ${body}`,
      'm.new_content': { msgtype: MsgType.Text, body },
      'm.relates_to': { rel_type: RelationType.Replace, event_id: eventId },
    });
  }

  async redact(eventId: string, reason?: string): Promise<void> {
    const room = this.#readyRoom();
    await this.#session.client.redactEvent(room.roomId, eventId, undefined, reason ? { reason } : undefined);
  }

  async toggleReaction(eventId: string, key: string): Promise<void> {
    const room = this.#readyRoom();
    const own = this.#session.info.userId;
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
    if (existingId) {
      await this.redact(existingId);
      return;
    }
    await this.#session.client.sendEvent(room.roomId, EventType.Reaction, {
      'm.relates_to': { rel_type: RelationType.Annotation, event_id: eventId, key },
    });
  }

  async retry(key: string): Promise<void> {
    const room = this.#readyRoom();
    const event = room.getPendingEvents().find((e) => e.getTxnId() === key || e.getId() === key);
    if (event) await this.#session.client.resendEvent(event, room);
  }

  cancel(key: string): Promise<void> {
    const room = this.#readyRoom();
    const event = room.getPendingEvents().find((e) => e.getTxnId() === key || e.getId() === key);
    if (event) this.#session.client.cancelPendingEvent(event);
    return Promise.resolve();
  }

  async paginateBackwards(limit = 30): Promise<boolean> {
    const room = this.#readyRoom();
    await this.#session.client.scrollback(room, limit);
    this.refresh();
    return this.#snapshot.hasMoreBefore;
  }

  setTyping(typing: boolean): void {
    const room = this.#room();
    if (room) void this.#session.client.sendTyping(room.roomId, typing, 5000).catch(() => undefined);
  }

  markRead(eventId: string): void {
    const room = this.#room();
    const event = room?.findEventById(eventId);
    if (room && event) void this.#session.client.setRoomReadMarkers(room.roomId, eventId, event).catch(() => undefined);
  }

  searchMembers(query: string, limit = 8): Promise<readonly MemberInfo[]> {
    const room = this.#room();
    const needle = query.toLowerCase();
    const found = (room?.getJoinedMembers() ?? [])
      .filter((m) => m.name.toLowerCase().includes(needle) || m.userId.toLowerCase().includes(needle))
      .slice(0, limit)
      .map((m) => ({ userId: m.userId, displayName: m.name }));
    return Promise.resolve(found);
  }
}

type Commands = Omit<RoomHandle, 'snapshot' | 'subscribe' | 'release'>;

/** One element's hold on a shared room model; releasing twice is harmless, commands after it reject. */
class RoomHolder implements RoomHandle {
  #model: RoomModel | undefined;
  readonly #unsubscribes = new Set<Unsubscribe>();

  constructor(model: RoomModel) {
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

  send = (body: string, options?: { replyTo?: string }): Promise<void> => this.#call('send', body, options);
  edit = (eventId: string, body: string): Promise<void> => this.#call('edit', eventId, body);
  redact = (eventId: string, reason?: string): Promise<void> => this.#call('redact', eventId, reason);
  toggleReaction = (eventId: string, key: string): Promise<void> => this.#call('toggleReaction', eventId, key);
  retry = (key: string): Promise<void> => this.#call('retry', key);
  cancel = (key: string): Promise<void> => this.#call('cancel', key);
  paginateBackwards = (limit?: number): Promise<boolean> => this.#call('paginateBackwards', limit);
  setTyping = (typing: boolean): void => this.#call('setTyping', typing);
  markRead = (eventId: string): void => this.#call('markRead', eventId);
  searchMembers = (query: string, limit?: number): Promise<readonly MemberInfo[]> => this.#call('searchMembers', query, limit);

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

function roomError(error: unknown, target: string): OmniError {
  if (error instanceof OmniError) return error;
  if (error instanceof MatrixError) {
    if (error.errcode === 'M_NOT_FOUND') return new OmniError('unknown-room', `The room ${target} does not exist.`, { cause: error });
    if (error.errcode === 'M_FORBIDDEN')
      return new OmniError('forbidden', `You cannot join ${target}: ${error.data.error ?? 'access denied'}.`, { cause: error });
    return new OmniError('unknown', `${target}: ${error.message}`, { cause: error });
  }
  return new OmniError('network', `The room ${target} could not be loaded; check the connection.`, { cause: error });
}
