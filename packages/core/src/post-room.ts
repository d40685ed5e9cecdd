/**
 * A post's discussion room: the alias is resolved and the room's binding checked before anything is
 * shown; a room that does not exist yet is created by the first message. Once the room is known and
 * bound to the post, everything is the ordinary room model's (`EngineSession.openRoom`).
 * Part of the engine chunk: it drives the session's MatrixClient, whose errors it reads by shape.
 */
import { EventTimeline } from 'matrix-js-sdk';
import type { EngineSession } from './engine.ts';
import {
  creatorStepDown,
  POST_BINDING_EVENT,
  postRoomAlias,
  postRoomCreateRequest,
  verifyBinding,
  type BindingVerdict,
  type PostRoomTarget,
} from './posts.ts';
import type { MessageItem, MemberInfo } from './timeline-types.ts';
import type { MediaRequest, OmniErrorInfo, RoomHandle, RoomSnapshot, Unsubscribe } from './types.ts';

const EMPTY: RoomSnapshot = {
  status: 'loading',
  items: [],
  canSend: false,
  hasMoreBefore: false,
  paginating: false,
  typing: [],
  unreadCount: 0,
};

export const MISMATCH_MESSAGE = "This discussion's address points to another room.";

/** A room whose alias was just created may not have its state yet: how long its binding is awaited. */
const BINDING_WAIT_MS = 8_000;
const BINDING_POLL_MS = 400;
/** The longest wait honoured from a `Retry-After` before retrying a refused creation on our own. */
const RATE_LIMIT_MAX_WAIT_MS = 60_000;

interface PendingMessage {
  readonly key: string;
  readonly body: string;
  readonly replyTo?: string;
  readonly timestamp: number;
  status: 'queued' | 'sending' | 'failed';
}

interface MatrixErrorShape {
  errcode?: string;
  httpStatus?: number;
  data?: { error?: string; retry_after_ms?: number };
  getRetryAfterMs?: () => number | null;
}

function errorShape(error: unknown): MatrixErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

function retryAfterMs(error: MatrixErrorShape): number {
  let wait: number | null | undefined;
  try {
    wait = error.getRetryAfterMs?.();
  } catch {
    wait = undefined;
  }
  return Math.min(RATE_LIMIT_MAX_WAIT_MS, Math.max(1_000, wait ?? error.data?.retry_after_ms ?? 5_000));
}

let pendingCount = 0;

/** One model per post per session, shared by every element showing the post. */
export class PostRoomModel {
  readonly #session: EngineSession;
  readonly #post: PostRoomTarget;
  readonly #onDispose: () => void;
  readonly #listeners = new Set<(snapshot: RoomSnapshot) => void>();
  #alias: string | undefined;
  #snapshot: RoomSnapshot = EMPTY;
  #inner: RoomHandle | undefined;
  #innerUnsubscribe: Unsubscribe | undefined;
  #pending: PendingMessage[] = [];
  #creating: Promise<void> | undefined;
  #createdHere = false;
  #holders = 0;
  #disposed = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(session: EngineSession, post: PostRoomTarget, onDispose: () => void) {
    this.#session = session;
    this.#post = post;
    this.#onDispose = onDispose;
    void this.#start();
  }

  get snapshot(): RoomSnapshot {
    return this.#snapshot;
  }

  hold(): RoomHandle {
    this.#holders += 1;
    return new PostRoomHolder(this);
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
    clearTimeout(this.#retryTimer);
    this.#innerUnsubscribe?.();
    this.#inner?.release();
    this.#inner = undefined;
    this.#listeners.clear();
    this.#onDispose();
  }

  #isDisposed(): boolean {
    return this.#disposed;
  }

  #publish(snapshot: RoomSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  #fail(error: OmniErrorInfo): void {
    this.#publish({ ...EMPTY, status: 'error', error, ...(this.#alias ? { alias: this.#alias } : {}) });
  }

  get #client(): EngineSession['client'] {
    return this.#session.client;
  }

  async #start(): Promise<void> {
    const own = this.#session.info.userId;
    try {
      this.#alias = postRoomAlias(this.#post.id, {
        serverName: own.slice(own.indexOf(':') + 1),
        ...(this.#post.aliasTemplate ? { template: this.#post.aliasTemplate } : {}),
      });
    } catch (error) {
      this.#fail({ code: 'bad-room', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    try {
      await this.#session.whenSynced();
      const roomId = await this.#resolveAlias();
      if (this.#isDisposed()) return;
      if (roomId === undefined) {
        this.#publishAbsent();
        return;
      }
      await this.#open(roomId, { waitForBinding: false });
    } catch (error) {
      if (!this.#isDisposed()) this.#fail(this.#describe(error));
    }
  }

  /** The room the alias points to, or undefined when nobody wrote about the post yet. */
  async #resolveAlias(): Promise<string | undefined> {
    try {
      const { room_id: roomId } = await this.#client.getRoomIdForAlias(this.#alias ?? '');
      return roomId;
    } catch (error) {
      if (errorShape(error).errcode === 'M_NOT_FOUND') return undefined;
      throw error;
    }
  }

  /**
   * Checks the room's binding and, when it names this post, shows the room. A room that is not
   * world-readable can only be checked by a member: the member joins, and leaves again when the
   * room turns out to belong elsewhere.
   */
  async #open(roomId: string, options: { waitForBinding: boolean }): Promise<void> {
    const deadline = Date.now() + (options.waitForBinding ? BINDING_WAIT_MS : 0);
    let joinedToCheck = false;
    let verdict: BindingVerdict;
    for (;;) {
      const read = await this.#readBinding(roomId);
      if (read === 'forbidden' && !joinedToCheck) {
        await this.#client.joinRoom(roomId, { viaServers: [roomId.slice(roomId.indexOf(':') + 1)] });
        joinedToCheck = true;
        continue;
      }
      verdict = read === 'forbidden' ? 'unbound' : verifyBinding(read, this.#post.id);
      // The alias of a room being created exists before the room's state does.
      if (verdict !== 'unbound' || Date.now() >= deadline || this.#isDisposed()) break;
      await new Promise((resolve) => setTimeout(resolve, BINDING_POLL_MS));
    }
    if (this.#isDisposed()) return;
    if (verdict !== 'verified') {
      if (joinedToCheck) await this.#client.leave(roomId).catch(() => undefined);
      this.#publish({
        ...EMPTY,
        status: 'mismatch',
        roomId,
        ...(this.#alias ? { alias: this.#alias } : {}),
        cannotSendReason: MISMATCH_MESSAGE,
        error: { code: 'binding-mismatch', message: MISMATCH_MESSAGE },
      });
      return;
    }
    this.#attach(roomId);
  }

  /** The binding's content, undefined when the room has none, or 'forbidden' when only members may read it. */
  async #readBinding(roomId: string): Promise<unknown> {
    try {
      return await this.#client.getStateEvent(roomId, POST_BINDING_EVENT, '');
    } catch (error) {
      const { errcode, httpStatus } = errorShape(error);
      if (errcode === 'M_NOT_FOUND') return undefined;
      if (errcode === 'M_FORBIDDEN' || httpStatus === 403) return 'forbidden';
      throw error;
    }
  }

  /** From here on the ordinary room model shows the room; messages typed before it existed are sent. */
  #attach(roomId: string): void {
    if (this.#isDisposed() || this.#inner) return;
    const inner = this.#session.openRoom(roomId);
    this.#inner = inner;
    let stepDownChecked = false;
    const forward = (snapshot: RoomSnapshot): void => {
      if (snapshot.status === 'ready') {
        if (!stepDownChecked) {
          stepDownChecked = true;
          void this.#stepDown(roomId);
        }
        this.#flushPending(inner);
      }
      const pendingItems = this.#pendingItems();
      this.#publish({
        ...snapshot,
        ...(this.#alias ? { alias: this.#alias } : {}),
        ...(this.#createdHere ? { createdHere: true } : {}),
        ...(snapshot.status === 'loading' && this.#pending.length > 0 ? { status: 'creating' as const, canSend: true } : {}),
        items: pendingItems.length > 0 ? [...snapshot.items, ...pendingItems] : snapshot.items,
      });
    };
    this.#innerUnsubscribe = inner.subscribe(forward);
    forward(inner.snapshot);
  }

  #flushPending(inner: RoomHandle): void {
    const queued = this.#pending;
    if (queued.length === 0) return;
    this.#pending = [];
    for (const message of queued) void inner.send(message.body, message.replyTo ? { replyTo: message.replyTo } : undefined);
  }

  /**
   * The creator needs power 100 while Synapse writes the room's first state; afterwards they are an
   * ordinary member unless the site made them a moderator. Checked on every open, so an interrupted
   * step-down is finished later.
   */
  async #stepDown(roomId: string): Promise<void> {
    const own = this.#session.info.userId;
    try {
      // Only the creator is lowered: a member the moderators promoted keeps their level.
      const creator = this.#createdHere
        ? own
        : this.#client
            .getRoom(roomId)
            ?.getLiveTimeline()
            .getState(EventTimeline.FORWARDS)
            ?.getStateEvents('m.room.create', '')
            ?.getSender();
      if (creator !== own) return;
      const levels = (await this.#client.getStateEvent(roomId, 'm.room.power_levels', '')) as Record<string, unknown>;
      const lowered = creatorStepDown(levels, own, this.#post);
      if (lowered) await this.#client.sendStateEvent(roomId, 'm.room.power_levels' as never, lowered as never, '');
    } catch (error) {
      console.warn('[omni] could not step down from the power the room creation needed', error);
    }
  }

  #publishAbsent(error?: OmniErrorInfo): void {
    const guest = this.#session.info.guest === true;
    this.#publish({
      ...EMPTY,
      status: 'absent',
      ...(this.#alias ? { alias: this.#alias } : {}),
      ...(this.#post.title ? { name: this.#post.title } : {}),
      ...(this.#post.url ? { topic: this.#post.url } : {}),
      items: this.#pendingItems(),
      canSend: !guest,
      ...(guest ? { cannotSendReason: 'Sign in to start the discussion.' } : {}),
      ...(error ? { error } : {}),
    });
  }

  #pendingItems(): MessageItem[] {
    const own = this.#session.info.userId;
    const sender: MemberInfo = { userId: own, displayName: own };
    return this.#pending.map((message) => ({
      kind: 'message',
      key: message.key,
      sender,
      own: true,
      timestamp: message.timestamp,
      msgtype: 'text',
      body: message.body,
      edited: false,
      redacted: false,
      ...(message.replyTo ? { replyTo: { eventId: message.replyTo } } : {}),
      reactions: [],
      status: message.status,
      continuation: false,
      readBy: [],
    }));
  }

  send(body: string, options: { replyTo?: string } = {}): Promise<void> {
    if (this.#inner && this.#snapshot.status === 'ready') return this.#inner.send(body, options);
    if (this.#snapshot.status === 'mismatch') return Promise.reject(new Error(MISMATCH_MESSAGE));
    pendingCount += 1;
    this.#pending.push({
      key: `~post-${pendingCount}-${Date.now()}`,
      body,
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
      timestamp: Date.now(),
      status: 'sending',
    });
    if (this.#inner) {
      // The room is being opened: the message goes out once it is ready.
      this.#publish({ ...this.#snapshot, items: [...this.#snapshot.items, ...this.#pendingItems().slice(-1)] });
      return Promise.resolve();
    }
    void this.#create();
    return Promise.resolve();
  }

  /** Creates the post's room (once: later messages wait for the same creation). */
  #create(): Promise<void> {
    this.#creating ??= this.#createOnce().finally(() => {
      this.#creating = undefined;
    });
    if (this.#snapshot.status !== 'creating') {
      this.#publish({
        ...this.#snapshot,
        status: 'creating',
        items: this.#pendingItems(),
        canSend: true,
      });
    } else {
      this.#publish({ ...this.#snapshot, items: this.#pendingItems() });
    }
    return this.#creating;
  }

  async #createOnce(): Promise<void> {
    const own = this.#session.info.userId;
    const alias = this.#alias ?? '';
    for (const message of this.#pending) message.status = 'sending';
    try {
      const { room_id: roomId } = await this.#client.createRoom(postRoomCreateRequest(this.#post, alias, own));
      if (this.#isDisposed()) return;
      this.#createdHere = true;
      await this.#stepDown(roomId);
      this.#attach(roomId);
    } catch (error) {
      if (this.#isDisposed()) return;
      const shape = errorShape(error);
      if (shape.errcode === 'M_ROOM_IN_USE' || shape.httpStatus === 409) {
        // Another member created it first: their room is the discussion, and the message goes there.
        // Its alias exists a moment before its first events do, so joining may fail at first.
        const deadline = Date.now() + BINDING_WAIT_MS;
        for (;;) {
          try {
            const roomId = await this.#resolveAlias();
            if (roomId === undefined) throw error;
            await this.#open(roomId, { waitForBinding: true });
            return;
          } catch (again) {
            if (this.#isDisposed()) return;
            if (Date.now() >= deadline) {
              this.#refused(this.#describe(again));
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, BINDING_POLL_MS));
          }
        }
      }
      this.#refused(this.#describe(error), shape);
    }
  }

  /** The homeserver would not create the room: the messages stay, failed (or waiting for the rate limit). */
  #refused(error: OmniErrorInfo, shape?: MatrixErrorShape): void {
    const rateLimited = error.code === 'rate-limited';
    for (const message of this.#pending) message.status = rateLimited ? 'queued' : 'failed';
    if (rateLimited && shape) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        if (!this.#disposed && this.#pending.length > 0) void this.#create();
      }, retryAfterMs(shape));
    }
    this.#publishAbsent(error);
  }

  #describe(error: unknown): OmniErrorInfo {
    const shape = errorShape(error);
    const reason = shape.data?.error;
    if (shape.httpStatus === 429 || shape.errcode === 'M_LIMIT_EXCEEDED') {
      const seconds = Math.ceil(retryAfterMs(shape) / 1000);
      return {
        code: 'rate-limited',
        message: `The homeserver is busy starting discussions: yours starts in ${seconds} s. Your message is kept.`,
      };
    }
    if (shape.httpStatus === 403 || shape.errcode === 'M_FORBIDDEN') {
      return {
        code: 'creation-refused',
        message: `This homeserver does not let you start the discussion${reason ? ` (${reason})` : ''}. Your message is kept.`,
      };
    }
    if (shape.errcode !== undefined) return { code: 'unknown', message: reason ?? shape.errcode };
    return { code: 'network', message: 'The homeserver cannot be reached; check the connection.' };
  }

  retry(key: string): Promise<void> {
    if (this.#pending.some((message) => message.key === key)) {
      clearTimeout(this.#retryTimer);
      return this.#inner ? Promise.resolve() : this.#create();
    }
    return this.#inner ? this.#inner.retry(key) : Promise.resolve();
  }

  cancel(key: string): Promise<void> {
    const before = this.#pending.length;
    this.#pending = this.#pending.filter((message) => message.key !== key);
    if (this.#pending.length !== before) {
      if (this.#snapshot.status === 'absent') this.#publishAbsent(this.#pending.length > 0 ? this.#snapshot.error : undefined);
      else this.#publish({ ...this.#snapshot, items: this.#snapshot.items.filter((item) => item.key !== key) });
      return Promise.resolve();
    }
    return this.#inner ? this.#inner.cancel(key) : Promise.resolve();
  }

  /** The ordinary room model, for commands that need an existing room. */
  inner(): RoomHandle | undefined {
    return this.#inner;
  }

  loadMedia(request: MediaRequest): Promise<string> {
    return this.#session.loadMedia(request);
  }
}

/** One element's hold on a shared post model; commands that need the room wait for it to exist. */
class PostRoomHolder implements RoomHandle {
  #model: PostRoomModel | undefined;
  readonly #unsubscribes = new Set<Unsubscribe>();

  constructor(model: PostRoomModel) {
    this.#model = model;
  }

  get snapshot(): RoomSnapshot {
    return this.#model?.snapshot ?? EMPTY;
  }

  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe {
    const unsubscribe = this.#model?.subscribe(listener) ?? (() => undefined);
    this.#unsubscribes.add(unsubscribe);
    return () => {
      this.#unsubscribes.delete(unsubscribe);
      unsubscribe();
    };
  }

  #held(): PostRoomModel {
    if (!this.#model) throw new Error('This room was already released.');
    return this.#model;
  }

  #room(): RoomHandle | undefined {
    return this.#held().inner();
  }

  send = (body: string, options?: { replyTo?: string }): Promise<void> => this.#held().send(body, options);
  retry = (key: string): Promise<void> => this.#held().retry(key);
  cancel = (key: string): Promise<void> => this.#held().cancel(key);
  edit = (eventId: string, body: string): Promise<void> => this.#room()?.edit(eventId, body) ?? Promise.resolve();
  redact = (eventId: string, reason?: string): Promise<void> => this.#room()?.redact(eventId, reason) ?? Promise.resolve();
  toggleReaction = (eventId: string, key: string): Promise<void> => this.#room()?.toggleReaction(eventId, key) ?? Promise.resolve();
  paginateBackwards = (limit?: number): Promise<boolean> => this.#room()?.paginateBackwards(limit) ?? Promise.resolve(false);
  setTyping = (typing: boolean): void => this.#room()?.setTyping(typing);
  markRead = (eventId: string): void => this.#room()?.markRead(eventId);
  searchMembers = (query: string, limit?: number): Promise<readonly MemberInfo[]> =>
    this.#room()?.searchMembers(query, limit) ?? Promise.resolve([]);
  loadMedia = (request: MediaRequest): Promise<string> => this.#held().loadMedia(request);

  release(): void {
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes.clear();
    this.#model?.release();
    this.#model = undefined;
  }
}
