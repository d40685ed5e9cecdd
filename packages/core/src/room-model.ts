import { EventStatus, MatrixError, MsgType, type MatrixEvent, type Room } from 'matrix-js-sdk';
import type { EngineSession } from './engine.ts';
import { OmniError, type MessageStatus, type RoomHandle, type RoomSnapshot, type TimelineMessage, type Unsubscribe } from './types.ts';

/** How long a room waits for its first sync response before showing what the client has. */
const LOAD_TIMEOUT_MS = 10_000;

/**
 * One model per room per session, shared by every element showing that room. It turns the SDK's
 * mutable room into immutable snapshots once per change, not once per tile.
 */
export class RoomModel {
  #snapshot: RoomSnapshot = { status: 'loading', messages: [], canSend: false };
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
      this.#publish({ status: 'error', messages: [], canSend: false, error: roomError(error, this.#target) });
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
    const room = this.#roomId === undefined ? null : this.#session.client.getRoom(this.#roomId);
    if (!room || this.#disposed) return;
    const own = this.#session.info.userId;
    const messages: TimelineMessage[] = [];
    for (const event of [...room.getLiveTimeline().getEvents(), ...room.getPendingEvents()]) {
      const message = toMessage(event, room, own);
      if (message) messages.push(message);
    }
    this.#publish({
      status: 'ready',
      roomId: room.roomId,
      name: room.name,
      messages,
      canSend: room.maySendMessage(),
    });
  }

  #publish(snapshot: RoomSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  async send(body: string): Promise<void> {
    if (this.#roomId === undefined) throw new OmniError('network', 'The room is not ready yet.');
    await this.#session.client.sendMessage(this.#roomId, { msgtype: MsgType.Text, body });
  }
}

/** One element's hold on a shared room model; releasing twice is harmless. */
class RoomHolder implements RoomHandle {
  #model: RoomModel | undefined;
  readonly #unsubscribes = new Set<Unsubscribe>();

  constructor(model: RoomModel) {
    this.#model = model;
  }

  get snapshot(): RoomSnapshot {
    return this.#model?.snapshot ?? { status: 'loading', messages: [], canSend: false };
  }

  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe {
    const unsubscribe = this.#model?.subscribe(listener) ?? (() => undefined);
    this.#unsubscribes.add(unsubscribe);
    return () => {
      this.#unsubscribes.delete(unsubscribe);
      unsubscribe();
    };
  }

  send(body: string): Promise<void> {
    if (!this.#model) return Promise.reject(new OmniError('unknown', 'This room was already released.'));
    return this.#model.send(body);
  }

  release(): void {
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes.clear();
    this.#model?.release();
    this.#model = undefined;
  }
}

function toMessage(event: MatrixEvent, room: Room, own: string): TimelineMessage | undefined {
  if (event.getType() !== 'm.room.message' || event.isRedacted()) return undefined;
  const content = event.getContent();
  const body = typeof content['body'] === 'string' ? content['body'] : undefined;
  if (body === undefined) return undefined;
  const sender = event.getSender() ?? '';
  return {
    id: event.getId() ?? event.getTxnId() ?? '',
    sender,
    senderName: room.getMember(sender)?.name ?? sender,
    body,
    timestamp: event.getTs(),
    status: messageStatus(event.status),
    own: sender === own,
  };
}

function messageStatus(status: EventStatus | null): MessageStatus {
  if (status === null || status === EventStatus.SENT) return 'sent';
  if (status === EventStatus.NOT_SENT || status === EventStatus.CANCELLED) return 'failed';
  return 'sending';
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
