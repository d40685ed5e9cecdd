/**
 * A room that may not exist yet: a post's discussion (post-room.ts) or a direct conversation (dm.ts).
 * The room is looked up first; while it is absent, what the member types is kept and the first message
 * creates it. Once the room is known, everything is the ordinary room model's (`EngineSession.openRoom`)
 * and the kept messages move to that room's outbox, in the order they were typed.
 *
 * Messages kept before the room exists are persisted in the outbox's IndexedDB store, keyed by the
 * member and the target (a post room's alias, a DM's other member), so they survive a reload. Each gets
 * its transaction id when typed and keeps it in the room's outbox: handed over twice (a reload between
 * the hand-over and forgetting them here), it is still stored once by the homeserver.
 *
 * Subclasses say how the room is found and created, and what their snapshots carry besides the room's.
 * Part of the engine chunk.
 */
import type { EngineSession } from '../session/engine.ts';
import { echoOf, messageContent, plainMessage, sizeRefusal, type OutgoingMessage } from '../format/content.ts';
import { newTxnId, outboxStorage, type OutboxStorage, type StoredOutboxEntry } from '../outbox/outbox.ts';
import { RoomHolder, roomOutbox, type HeldModel } from './room-model.ts';
import type { MemberInfo, MessageItem, SendStatus, TimelineItem } from '../timeline/timeline-types.ts';
import type { MediaRequest, OmniErrorInfo, RoomHandle, RoomSnapshot, Unsubscribe } from '../types.ts';

export const EMPTY_SNAPSHOT: RoomSnapshot = {
  status: 'loading',
  items: [],
  encrypted: false,
  canSend: false,
  hasMoreBefore: false,
  paginating: false,
  typing: [],
  unreadCount: 0,
};

/** The longest wait honoured from a `Retry-After` before retrying a refused creation on our own. */
const RATE_LIMIT_MAX_WAIT_MS = 60_000;
/** Retries of a creation the network cut: first delay, doubled up to the maximum. */
const NETWORK_RETRY_MS = 2_000;
const NETWORK_RETRY_MAX_MS = 30_000;

/** What the session's MatrixClient rejects with, read by shape (the SDK's classes stay in the engine). */
export interface MatrixErrorShape {
  errcode?: string;
  httpStatus?: number;
  data?: { error?: string; retry_after_ms?: number };
  getRetryAfterMs?: () => number | null;
}

export function errorShape(error: unknown): MatrixErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

/** How long a rate limit asks to wait, within 1 s and `RATE_LIMIT_MAX_WAIT_MS`. */
export function retryAfterMs(error: MatrixErrorShape): number {
  let wait: number | null | undefined;
  try {
    wait = error.getRetryAfterMs?.();
  } catch {
    wait = undefined;
  }
  return Math.min(RATE_LIMIT_MAX_WAIT_MS, Math.max(1_000, wait ?? error.data?.retry_after_ms ?? 5_000));
}

/**
 * What the member reads when the room could not be looked up or created. `busy` and `refused` word a
 * rate limit (with the seconds it lasts) and a refusal (with the server's reason, in parentheses, or '').
 */
export function describeFailure(
  error: unknown,
  words: { busy: (seconds: number) => string; refused: (reason: string) => string },
): OmniErrorInfo {
  const shape = errorShape(error);
  const reason = shape.data?.error;
  if (shape.httpStatus === 429 || shape.errcode === 'M_LIMIT_EXCEEDED') {
    return { code: 'rate-limited', message: words.busy(Math.ceil(retryAfterMs(shape) / 1000)) };
  }
  if (shape.httpStatus === 403 || shape.errcode === 'M_FORBIDDEN') {
    return { code: 'creation-refused', message: words.refused(reason ? ` (${reason})` : '') };
  }
  if (shape.errcode !== undefined) return { code: 'unknown', message: reason ?? shape.errcode };
  return { code: 'network', message: 'The homeserver cannot be reached; check the connection.' };
}

/**
 * Where the look-up ended: a room to show (with the hold on its model the look-up already took, if
 * any), no room yet, or a state the subclass already published.
 */
export type Located = { readonly roomId: string; readonly handle?: RoomHandle } | 'absent' | 'settled';

/**
 * A room its member reads from outside, without being in it (a world-readable post room, peek.ts): shown
 * as a room not joined yet, whose first message joins it (`createRoom()` then joins instead of creating).
 */
export interface OutsideView {
  readonly roomId: string;
  readonly items: readonly TimelineItem[];
  readonly hasMoreBefore: boolean;
}

/** A message typed before the room existed: an outbox entry not handed to a room's outbox yet. */
interface PendingMessage {
  readonly txnId: string;
  readonly content: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly echo: MessageItem;
  status: Exclude<SendStatus, 'sent'>;
}

export abstract class LazyRoom implements HeldModel {
  protected readonly session: EngineSession;
  /** Set by `createRoom()` when this session created the room (shown as `createdHere`). */
  protected createdHere = false;
  readonly #onDispose: () => void;
  readonly #storage: OutboxStorage | undefined;
  readonly #listeners = new Set<(snapshot: RoomSnapshot) => void>();
  #snapshot: RoomSnapshot = EMPTY_SNAPSHOT;
  #inner: RoomHandle | undefined;
  #innerUnsubscribe: Unsubscribe | undefined;
  #pending: PendingMessage[] = [];
  #outside: OutsideView | undefined;
  #saving: Promise<void> = Promise.resolve();
  #creating: Promise<void> | undefined;
  #holders = 0;
  #disposed = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #networkRetries = 0;

  /** `target` keys the kept messages (undefined: nothing is persisted, e.g. an invalid post id). */
  constructor(session: EngineSession, target: string | undefined, onDispose: () => void) {
    this.session = session;
    this.#onDispose = onDispose;
    this.#storage = target === undefined ? undefined : outboxStorage(session.info.userId, target);
    // After the subclass's constructor: its fields are needed to look the room up.
    queueMicrotask(() => void this.#start());
  }

  /** Finds the room (publishing a final state itself where `'settled'`); throws what `describe` explains. */
  protected abstract locate(): Promise<Located>;
  /** Creates the room for the first message; sets `createdHere`. */
  protected abstract createRoom(): Promise<Located>;
  /** A refusal or failure, in words for the member. */
  protected abstract describe(error: unknown): OmniErrorInfo;
  /** What every snapshot carries besides the room's (alias, other member). */
  protected abstract decorate(): Partial<RoomSnapshot>;
  /** What the snapshot of a room not created yet says (name, whether the member may start it). */
  protected abstract absentState(): Partial<RoomSnapshot>;
  /** Why a message cannot even be kept now, or undefined. */
  protected abstract refuseSend(snapshot: RoomSnapshot): string | undefined;
  /** Called once when the room is first shown ready. */
  protected onReady?(roomId: string): void;
  /** Older history of a room read from outside; resolves to whether more remains. */
  protected paginateOutside?(limit?: number): Promise<boolean>;

  /**
   * Shows a room the member reads from outside (or stops showing it): its items come before the
   * messages kept for it, until the member's first message has joined it and its room model is ready.
   */
  protected showOutside(view: OutsideView | undefined): void {
    this.#outside = view;
    if (this.isDisposed() || this.#inner) return;
    if (this.#snapshot.status === 'creating') this.publish({ ...this.#snapshot, items: this.#absentItems() });
    else this.#publishAbsent(this.#snapshot.error);
  }

  get snapshot(): RoomSnapshot {
    return this.#snapshot;
  }

  hold(): RoomHandle {
    this.#holders += 1;
    return new RoomHolder(this);
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

  protected isDisposed(): boolean {
    return this.#disposed;
  }

  protected publish(snapshot: RoomSnapshot): void {
    this.#snapshot = { ...snapshot, ...this.decorate() };
    for (const listener of this.#listeners) listener(this.#snapshot);
  }

  protected fail(error: OmniErrorInfo): void {
    this.publish({ ...EMPTY_SNAPSHOT, status: 'error', error });
  }

  /** Resolves once the kept messages as they are now are in storage. */
  flushed(): Promise<void> {
    return this.#saving;
  }

  async #start(): Promise<void> {
    try {
      const [located] = await Promise.all([this.locate(), this.#loadPending()]);
      if (located !== 'absent' && located !== 'settled') {
        // Releases the look-up's hold if this model was disposed meanwhile.
        this.#attach(located.roomId, located.handle);
        return;
      }
      if (this.isDisposed() || located === 'settled') return;
      this.#publishAbsent();
      // Messages kept from an earlier page that were waiting for the homeserver go out now.
      if (this.#pending.some((message) => message.status !== 'failed')) void this.#create();
    } catch (error) {
      if (!this.isDisposed()) this.fail(this.describe(error));
    }
  }

  async #loadPending(): Promise<void> {
    let stored: readonly StoredOutboxEntry[] = [];
    try {
      stored = (await this.#storage?.load()) ?? [];
    } catch (error) {
      console.warn('[omni] messages kept before the room existed could not be read back', error);
    }
    const known = new Set(this.#pending.map((message) => message.txnId));
    const restored = stored.flatMap((entry): PendingMessage[] =>
      entry.request.op === 'event' && entry.echo && !known.has(entry.txnId)
        ? [{ txnId: entry.txnId, content: entry.request.content, createdAt: entry.createdAt, echo: entry.echo, status: entry.status }]
        : [],
    );
    // Typed on an earlier page: before anything typed on this one.
    if (restored.length > 0) this.#pending.unshift(...restored);
  }

  #persist(): void {
    const entries: StoredOutboxEntry[] = this.#pending.map((message) => ({
      txnId: message.txnId,
      request: { op: 'event', type: 'm.room.message', content: message.content },
      createdAt: message.createdAt,
      echo: message.echo,
      status: message.status === 'failed' ? 'failed' : 'queued',
    }));
    const storage = this.#storage;
    if (!storage) return;
    this.#saving = this.#saving
      .then(() => storage.save(entries))
      .catch((error: unknown) => console.warn('[omni] messages kept before the room existed could not be stored', error));
  }

  /**
   * Shows `roomId` from now on, instead of the room shown or looked for (a DM that found its conversation
   * elsewhere, see dm.ts). Messages typed before any room existed go to this one.
   */
  protected switchTo(roomId: string): void {
    if (this.isDisposed()) return;
    this.#innerUnsubscribe?.();
    this.#innerUnsubscribe = undefined;
    this.#inner?.release();
    this.#inner = undefined;
    clearTimeout(this.#retryTimer);
    this.#attach(roomId);
  }

  /** From here on the ordinary room model shows the room; messages typed before it existed move to its outbox. */
  #attach(roomId: string, handle?: RoomHandle): void {
    if (this.isDisposed() || this.#inner) {
      handle?.release();
      return;
    }
    const inner = handle ?? this.session.openRoom(roomId);
    this.#inner = inner;
    let readySeen = false;
    const forward = (given: RoomSnapshot): void => {
      let snapshot = given;
      if (snapshot.status === 'ready') {
        if (!readySeen) {
          readySeen = true;
          this.onReady?.(roomId);
        }
        if (this.#pending.length > 0) {
          this.#handOver(roomId);
          // The room model published the handed-over messages meanwhile: its latest snapshot has them.
          snapshot = inner.snapshot;
        }
      }
      const pendingItems = this.#pendingItems();
      // What was read from outside stays shown while the joined room loads, so the timeline does not blink.
      const outside = snapshot.status === 'loading' ? this.#outside : undefined;
      if (snapshot.status === 'ready') this.#outside = undefined;
      this.publish({
        ...snapshot,
        ...(this.createdHere ? { createdHere: true } : {}),
        ...(snapshot.status === 'loading' && (this.#pending.length > 0 || outside)
          ? { status: 'creating' as const, canSend: this.#pending.length > 0, roomId }
          : {}),
        items: outside
          ? [...outside.items, ...pendingItems]
          : pendingItems.length > 0
            ? [...snapshot.items, ...pendingItems]
            : snapshot.items,
      });
    };
    this.#innerUnsubscribe = inner.subscribe(forward);
    forward(inner.snapshot);
  }

  /** The kept messages join the room's outbox (same transaction ids, same order) and are forgotten here. */
  #handOver(roomId: string): void {
    const outbox = roomOutbox(this.session, roomId);
    const entries: StoredOutboxEntry[] = this.#pending.map((message) => ({
      txnId: message.txnId,
      request: { op: 'event', type: 'm.room.message', content: message.content },
      createdAt: message.createdAt,
      echo: message.echo,
      status: 'queued',
    }));
    this.#pending = [];
    clearTimeout(this.#retryTimer);
    outbox.adopt(entries);
    // Forgotten here only once the room's outbox has them in storage.
    const storage = this.#storage;
    if (!storage) return;
    this.#saving = this.#saving
      .then(() => outbox.flushed())
      .then(() => (this.#pending.length === 0 ? storage.save([]) : undefined))
      .catch((error: unknown) => console.warn('[omni] messages kept before the room existed could not be stored', error));
  }

  #publishAbsent(error?: OmniErrorInfo): void {
    const outside = this.#outside;
    this.publish({
      ...EMPTY_SNAPSHOT,
      status: 'absent',
      ...this.absentState(),
      ...(outside ? { roomId: outside.roomId, hasMoreBefore: outside.hasMoreBefore } : {}),
      items: this.#absentItems(),
      ...(error ? { error } : {}),
    });
  }

  /** What a room not joined (or not created) yet shows: what was read from outside, then the kept messages. */
  #absentItems(): TimelineItem[] {
    const pending = this.#pendingItems();
    return this.#outside ? [...this.#outside.items, ...pending] : pending;
  }

  #pendingItems(): MessageItem[] {
    return this.#pending.map((message) => ({ ...message.echo, status: message.status }));
  }

  send(message: string | OutgoingMessage, options: { replyTo?: string } = {}): Promise<void> {
    if (this.#inner && this.#snapshot.status === 'ready') return this.#inner.send(message, options);
    const refusal = this.refuseSend(this.#snapshot);
    if (refusal !== undefined) return Promise.reject(new Error(refusal));
    const outgoing = typeof message === 'string' ? plainMessage(message) : message;
    const content = messageContent(outgoing, options);
    const tooLarge = sizeRefusal(content, this.#snapshot.encrypted);
    if (tooLarge) return Promise.reject(tooLarge);
    const own = this.session.info.userId;
    const sender: MemberInfo = { userId: own, displayName: own };
    const txnId = newTxnId();
    const echo = echoOf(outgoing, txnId, sender);
    const pending: PendingMessage = {
      txnId,
      content,
      createdAt: echo.timestamp,
      echo: { ...echo, ...(options.replyTo ? { replyTo: { eventId: options.replyTo } } : {}) },
      status: 'sending',
    };
    this.#pending.push(pending);
    this.#persist();
    if (this.#inner || this.#snapshot.status === 'loading') {
      // The room is being opened (or looked up): the message goes out once it is ready.
      this.publish({ ...this.#snapshot, items: [...this.#snapshot.items, { ...pending.echo }] });
      return Promise.resolve();
    }
    void this.#create();
    return Promise.resolve();
  }

  /** Creates the room (once: later messages wait for the same creation). */
  #create(): Promise<void> {
    this.#creating ??= this.#createOnce().finally(() => {
      this.#creating = undefined;
    });
    this.publish({ ...this.#snapshot, status: 'creating', items: this.#absentItems(), canSend: true });
    return this.#creating;
  }

  async #createOnce(): Promise<void> {
    for (const message of this.#pending) message.status = 'sending';
    try {
      const located = await this.createRoom();
      if (this.isDisposed()) return;
      this.#networkRetries = 0;
      if (located === 'absent') this.#publishAbsent();
      else if (located !== 'settled') this.#attach(located.roomId, located.handle);
    } catch (error) {
      if (!this.isDisposed()) this.#refused(error);
    }
  }

  /**
   * The homeserver did not create the room: the messages stay, failed when it refused, queued (and
   * retried on our own) while it is rate-limiting or cannot be reached.
   */
  #refused(error: unknown): void {
    const info = this.describe(error);
    const waiting = info.code === 'rate-limited' || info.code === 'network';
    for (const message of this.#pending) message.status = waiting ? 'queued' : 'failed';
    this.#persist();
    if (waiting) {
      const wait =
        info.code === 'rate-limited'
          ? retryAfterMs(errorShape(error))
          : Math.min(NETWORK_RETRY_MAX_MS, NETWORK_RETRY_MS * 2 ** this.#networkRetries++);
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        if (!this.#disposed && !this.#inner && this.#pending.length > 0) void this.#create();
      }, wait);
    }
    this.#publishAbsent(info);
  }

  retry(key: string): Promise<void> {
    if (this.#pending.some((message) => message.txnId === key)) {
      clearTimeout(this.#retryTimer);
      return this.#inner ? Promise.resolve() : this.#create();
    }
    return this.#inner ? this.#inner.retry(key) : Promise.resolve();
  }

  cancel(key: string): Promise<void> {
    const before = this.#pending.length;
    this.#pending = this.#pending.filter((message) => message.txnId !== key);
    if (this.#pending.length !== before) {
      this.#persist();
      if (this.#snapshot.status === 'absent') this.#publishAbsent(this.#pending.length > 0 ? this.#snapshot.error : undefined);
      else this.publish({ ...this.#snapshot, items: this.#snapshot.items.filter((item) => item.key !== key) });
      return Promise.resolve();
    }
    return this.#inner ? this.#inner.cancel(key) : Promise.resolve();
  }

  // Commands that need an existing room: nothing to do on one that does not exist yet.
  retryDecryption(eventId: string): Promise<void> {
    return this.#inner?.retryDecryption(eventId) ?? Promise.resolve();
  }

  edit(eventId: string, message: string | OutgoingMessage): Promise<void> {
    return this.#inner?.edit(eventId, message) ?? Promise.resolve();
  }

  redact(eventId: string, reason?: string): Promise<void> {
    return this.#inner?.redact(eventId, reason) ?? Promise.resolve();
  }

  toggleReaction(eventId: string, key: string): Promise<void> {
    if (this.#inner || !this.#outside) return this.#inner?.toggleReaction(eventId, key) ?? Promise.resolve();
    // Read from outside: reacting takes part, so the member joins first.
    return this.#create()
      .then(() => this.#whenReady())
      .then((inner) => inner?.toggleReaction(eventId, key));
  }

  /** The joined room's model once it is ready (undefined when the join did not happen). */
  #whenReady(): Promise<RoomHandle | undefined> {
    const inner = this.#inner;
    if (!inner || inner.snapshot.status === 'ready') return Promise.resolve(inner);
    return new Promise((resolve) => {
      const unsubscribe = inner.subscribe((snapshot) => {
        if (snapshot.status === 'loading') return;
        unsubscribe();
        resolve(snapshot.status === 'ready' ? inner : undefined);
      });
    });
  }

  paginateBackwards(limit?: number): Promise<boolean> {
    if (this.#inner) return this.#inner.paginateBackwards(limit);
    return this.#outside && this.paginateOutside ? this.paginateOutside(limit) : Promise.resolve(false);
  }

  setTyping(typing: boolean): void {
    this.#inner?.setTyping(typing);
  }

  markRead(eventId: string): void {
    this.#inner?.markRead(eventId);
  }

  searchMembers(query: string, limit?: number): Promise<readonly MemberInfo[]> {
    return this.#inner?.searchMembers(query, limit) ?? Promise.resolve([]);
  }

  loadMedia(request: MediaRequest): Promise<string> {
    return this.session.loadMedia(request);
  }
}
