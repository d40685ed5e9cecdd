/**
 * A room that may not exist yet: a post's discussion (post-room.ts) or a direct conversation (dm.ts).
 * The room is looked up first; while it is absent, what the member types is kept and the first message
 * creates it. Once the room is known, everything is the ordinary room model's (`RoomSession.openRoom`)
 * and the kept messages move to that room's outbox, in the order they were typed.
 *
 * What is typed meanwhile is kept by kept-messages.ts (persisted, so it survives a reload), files sent
 * first included: their upload waits for the room, and goes through its outbox like any other.
 *
 * Subclasses say how the room is found and created, and what their snapshots carry besides the room's.
 * Part of the engine chunk.
 */
import { echoOf, messageContent, plainMessage, sizeRefusal } from '../format/content.ts';
import { attachmentContent, attachmentEcho } from '../media/attachment-content.ts';
import { newTxnId, outboxStorage } from '../outbox/outbox.ts';
import { roomOutbox } from '../outbox/sdk-transport.ts';
import type { MemberInfo, MessageItem, TimelineItem } from '../timeline/timeline-types.ts';
import {
  OmniError,
  type LinkPreview,
  type MediaRequest,
  type ModerationCommand,
  type ModerationProgress,
  type OmniErrorInfo,
  type AttachmentOptions,
  type OutgoingMessage,
  type SendOptions,
  type RoomHandle,
  type RoomSnapshot,
  type ThreadHandle,
  type Unsubscribe,
} from '../types.ts';
import { DeferredThread } from '../threads/deferred-thread.ts';
import { errorShape, retryAfterMs } from './errors.ts';
import { KeptMessages, type PendingMessage } from './kept-messages.ts';
import type { RoomSession } from './room-session.ts';
import { checkAttachment } from './room-commands.ts';
import { LOADING, SharedModel, type HeldModel } from './shared-model.ts';

/** Retries of a creation the network cut: first delay, doubled up to the maximum. */
const NETWORK_RETRY_MS = 2_000;
const NETWORK_RETRY_MAX_MS = 30_000;

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

export abstract class LazyRoom extends SharedModel implements HeldModel {
  protected readonly session: RoomSession;
  /** Set by `createRoom()` when this session created the room (shown as `createdHere`). */
  protected createdHere = false;
  readonly #kept: KeptMessages;
  #inner: RoomHandle | undefined;
  #innerUnsubscribe: Unsubscribe | undefined;
  #outside: OutsideView | undefined;
  #creating: Promise<void> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #networkRetries = 0;

  /** `target` keys the kept messages (undefined: nothing is persisted, e.g. an invalid post id). */
  constructor(session: RoomSession, target: string | undefined, onDispose: () => void) {
    super(onDispose);
    this.session = session;
    this.#kept = new KeptMessages(target === undefined ? undefined : outboxStorage(session.info.userId, target));
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
  /** A thread of a room read from outside, read-only. */
  protected openOutsideThread?(rootId: string): ThreadHandle | undefined;

  /**
   * Shows a room the member reads from outside (or stops showing it): its items come before the
   * messages kept for it, until the member's first message has joined it and its room model is ready.
   */
  protected showOutside(view: OutsideView | undefined): void {
    this.#outside = view;
    if (this.isDisposed() || this.#inner) return;
    if (this.snapshot.status === 'creating') this.publish({ ...this.snapshot, items: this.#absentItems() });
    else this.#publishAbsent(this.snapshot.error);
  }

  protected onDisposed(): void {
    clearTimeout(this.#retryTimer);
    this.#innerUnsubscribe?.();
    this.#inner?.release();
    this.#inner = undefined;
  }

  /** Publishes `snapshot` with what every snapshot of the subclass carries (`decorate()`). */
  protected override publish(snapshot: RoomSnapshot): void {
    super.publish({ ...snapshot, ...this.decorate() });
  }

  protected fail(error: OmniErrorInfo): void {
    this.publish({ ...LOADING, status: 'error', error });
  }

  /** Resolves once the kept messages as they are now are in storage. */
  flushed(): Promise<void> {
    return this.#kept.flushed();
  }

  async #start(): Promise<void> {
    try {
      const [located] = await Promise.all([this.locate(), this.#kept.load()]);
      if (located !== 'absent' && located !== 'settled') {
        // Releases the look-up's hold if this model was disposed meanwhile.
        this.#attach(located.roomId, located.handle);
        return;
      }
      if (this.isDisposed() || located === 'settled') return;
      this.#publishAbsent();
      // Messages kept from an earlier page that were waiting for the homeserver go out now.
      if (this.#kept.all.some((message) => message.status !== 'failed')) void this.#create();
    } catch (error) {
      if (!this.isDisposed()) this.fail(this.describe(error));
    }
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
        if (this.#kept.length > 0) {
          this.#handOver(roomId, snapshot.encrypted);
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
        ...(snapshot.status === 'loading' && (this.#kept.length > 0 || outside)
          ? { status: 'creating' as const, canSend: this.#kept.length > 0, roomId }
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
  #handOver(roomId: string, encrypted: boolean): void {
    clearTimeout(this.#retryTimer);
    const encryptedNow = encrypted || this.session.client.getRoom(roomId)?.hasEncryptionStateEvent() === true;
    this.#kept.handOver(roomOutbox(this.session, roomId), encryptedNow);
  }

  #publishAbsent(error?: OmniErrorInfo): void {
    const outside = this.#outside;
    this.publish({
      ...LOADING,
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
    return this.#kept.items();
  }

  checkAttachment(file: Blob & { readonly name: string }): Promise<void> {
    return checkAttachment(this.session, file);
  }

  /**
   * A file sent before the room exists is kept like a text message (its file with it) and starts the
   * room the same way; the room's outbox uploads it once the room exists.
   */
  sendAttachment(file: Blob & { readonly name: string }, options: AttachmentOptions = {}): Promise<void> {
    if (this.#inner && this.snapshot.status === 'ready') return this.#inner.sendAttachment(file, options);
    const refusal = this.refuseSend(this.snapshot);
    if (refusal !== undefined) return Promise.reject(new Error(refusal));
    if (file.size === 0) return checkAttachment(this.session, file);
    const content = {
      ...attachmentContent(file, options.caption),
      ...(options.replyTo ? { 'm.relates_to': { 'm.in_reply_to': { event_id: options.replyTo } } } : {}),
    };
    const txnId = options.txnId ?? newTxnId();
    this.#keep({ txnId, content, attachment: { file } }, attachmentEcho(content, txnId, this.#ownSender()), options.replyTo);
    return Promise.resolve();
  }

  send(message: string | OutgoingMessage, options: SendOptions = {}): Promise<void> {
    if (this.#inner && this.snapshot.status === 'ready') return this.#inner.send(message, options);
    const refusal = this.refuseSend(this.snapshot);
    if (refusal !== undefined) return Promise.reject(new Error(refusal));
    const outgoing = typeof message === 'string' ? plainMessage(message) : message;
    const content = messageContent(outgoing, options);
    const tooLarge = sizeRefusal(content, this.snapshot.encrypted);
    if (tooLarge) return Promise.reject(tooLarge);
    const txnId = options.txnId ?? newTxnId();
    this.#keep({ txnId, content }, echoOf(outgoing, txnId, this.#ownSender()), options.replyTo);
    return Promise.resolve();
  }

  #ownSender(): MemberInfo {
    const own = this.session.info.userId;
    return { userId: own, displayName: own };
  }

  /** Keeps a message until its room exists, and starts creating the room when nothing is under way. */
  #keep(message: Pick<PendingMessage, 'txnId' | 'content' | 'attachment'>, echo: MessageItem, replyTo: string | undefined): void {
    // Sent again under an id already kept (the caller gave the id): kept once.
    if (this.#kept.has(message.txnId)) return;
    const pending: PendingMessage = {
      ...message,
      createdAt: echo.timestamp,
      echo: { ...echo, ...(replyTo ? { replyTo: { eventId: replyTo } } : {}) },
      status: 'sending',
    };
    this.#kept.add(pending);
    if (this.#inner || this.snapshot.status === 'loading') {
      // The room is being opened (or looked up): the message goes out once it is ready.
      this.publish({ ...this.snapshot, items: [...this.snapshot.items, ...this.#kept.items().slice(-1)] });
      return;
    }
    void this.#create();
  }

  /** Creates the room (once: later messages wait for the same creation). */
  #create(): Promise<void> {
    this.#creating ??= this.#createOnce().finally(() => {
      this.#creating = undefined;
    });
    this.publish({ ...this.snapshot, status: 'creating', items: this.#absentItems(), canSend: true });
    return this.#creating;
  }

  async #createOnce(): Promise<void> {
    this.#kept.setStatus('sending', false);
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
    this.#kept.setStatus(waiting ? 'queued' : 'failed', true);
    if (waiting) {
      const wait =
        info.code === 'rate-limited'
          ? retryAfterMs(errorShape(error))
          : Math.min(NETWORK_RETRY_MAX_MS, NETWORK_RETRY_MS * 2 ** this.#networkRetries++);
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        if (!this.isDisposed() && !this.#inner && this.#kept.length > 0) void this.#create();
      }, wait);
    }
    this.#publishAbsent(info);
  }

  retry(key: string): Promise<void> {
    if (this.#kept.has(key)) {
      clearTimeout(this.#retryTimer);
      return this.#inner ? Promise.resolve() : this.#create();
    }
    return this.#inner ? this.#inner.retry(key) : Promise.resolve();
  }

  cancel(key: string): Promise<void> {
    if (this.#kept.remove(key)) {
      if (this.snapshot.status === 'absent') this.#publishAbsent(this.#kept.length > 0 ? this.snapshot.error : undefined);
      else this.publish({ ...this.snapshot, items: this.snapshot.items.filter((item) => item.key !== key) });
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

  moderate(command: ModerationCommand, onProgress?: (progress: ModerationProgress) => void): Promise<ModerationProgress> {
    return (
      this.#inner?.moderate(command, onProgress) ??
      Promise.reject(new OmniError('unknown-room', 'Nothing to moderate in a room not created yet.'))
    );
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

  previewLink(url: string): Promise<LinkPreview | undefined> {
    return this.#inner?.previewLink(url) ?? Promise.resolve(undefined);
  }

  setLinkPreviews(enabled: boolean): Promise<void> {
    return this.#inner?.setLinkPreviews(enabled) ?? Promise.resolve();
  }

  openThread(rootId: string): ThreadHandle {
    const open = (): ThreadHandle | undefined => this.#inner?.openThread(rootId) ?? this.openOutsideThread?.(rootId);
    return open() ?? new DeferredThread(rootId, open, (listener) => this.subscribe(listener));
  }
}
