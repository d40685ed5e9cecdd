/**
 * One model per room per session, shared by every element showing that room. It turns the SDK's
 * mutable room into immutable snapshots once per change, not once per tile; commands go to the
 * modules of their concern (room-commands.ts, reading.ts, decryption.ts). Part of the engine chunk.
 */
import type { MatrixClient, Room } from 'matrix-js-sdk';
import type { Outbox } from '../outbox/outbox.ts';
import { roomOutbox } from '../outbox/sdk-transport.ts';
import type { MemberInfo } from '../timeline/timeline-types.ts';
import { computeTimeline, guestItem, sanitiseName, TimelineCache, undecryptableOf } from '../timeline/timeline.ts';
import { linkPreviewsOn, type RoomAccountData } from '../media/link-preview-setting.ts';
import {
  OmniError,
  type LinkPreview,
  type MediaRequest,
  type ModerationCommand,
  type ModerationProgress,
  type AttachmentOptions,
  type OutgoingMessage,
  type SendOptions,
  type ThreadHandle,
  type Unsubscribe,
} from '../types.ts';
import { noteEncrypted, seenEncrypted } from '../crypto/encrypted-rooms.ts';
import { decryptShown, DecryptionRetries, ENCRYPTED_PAGE_SIZE, scrollbackDecrypted, undecryptableEvent } from './decryption.ts';
import { roomError } from './errors.ts';
import { ModerationReader, powerLevelsEvent, roomPowerLevels } from './moderation-state.ts';
import { permissionsOf } from './power-levels.ts';
import { markRead, searchMembers, TypingNotices } from './reading.ts';
import {
  cancelMessage,
  checkAttachment,
  editMessage,
  redactEvent,
  sendAttachment,
  sendMessage,
  toggleReaction,
  type Sending,
} from './room-commands.ts';
import type { RoomSession } from './room-session.ts';
import { hasMoreBefore, topicOf, viaServers, whyCannotSend } from './room-state.ts';
import { fillGapToken, historyGapBefore } from './history-gap.ts';
import { LOADING, SharedModel, type HeldModel } from './shared-model.ts';
import { notificationCounts } from './notification-counts.ts';
import { DeferredThread } from '../threads/deferred-thread.ts';
import type { ThreadContext, ThreadModel } from '../threads/thread-model.ts';

type ThreadModule = typeof import('../threads/thread-model.ts');

/** The thread model, once loaded: a room's first snapshot needs none of it, the first open thread loads it. */
let threadModule: ThreadModule | undefined;
let threadModuleLoad: Promise<void> | undefined;

/** Loads threads/thread-model.ts once; a failed load is tried again by the next thread, or the next room change. */
function loadThreadModule(): Promise<void> {
  threadModuleLoad ??= import('../threads/thread-model.ts').then(
    (loaded) => {
      threadModule = loaded;
    },
    () => {
      threadModuleLoad = undefined;
    },
  );
  return threadModuleLoad;
}

/** Retry delays for opening a room while the homeserver cannot be reached. */
const START_RETRY_MS = 1000;
const START_RETRY_MAX_MS = 30_000;

/** How long a room waits for its first sync response before showing what the client has. */
const LOAD_TIMEOUT_MS = 10_000;

/** Rooms a session joined itself (a post room joined by alias) before its scoped sync brought them. */
const joinedHere = new WeakMap<MatrixClient, Set<string>>();

/** Records that the session just joined `roomId`: opening it needs no membership look-up. */
export function noteJoined(session: Pick<RoomSession, 'client'>, roomId: string): void {
  let rooms = joinedHere.get(session.client);
  if (!rooms) joinedHere.set(session.client, (rooms = new Set()));
  rooms.add(roomId);
}

export class RoomModel extends SharedModel implements HeldModel {
  /** Sending: the room's outbox, once the room is known (see `#outboxFor`). */
  #outbox: Outbox | undefined;
  readonly #session: RoomSession;
  readonly #target: string;
  #roomId: string | undefined;
  #unwatch: Unsubscribe | undefined;
  #startAttempts = 0;
  /** Parsed content and previous items, so each rebuild reuses what did not change. */
  readonly #timeline = new TimelineCache();
  #paginating: Promise<boolean> | undefined;
  /** A page of encrypted history is being loaded and decrypted: rebuilds wait, and happen once it is done. */
  #pageDecrypting = false;
  readonly #typing: TypingNotices;
  readonly #decryption: DecryptionRetries;
  readonly #moderation = new ModerationReader(() => this.refresh());
  /** Threads open in elements, rebuilt with the room. */
  readonly #threads = new Set<ThreadModel>();
  /** The member's read point per thread root (the time of the latest reply read), for every summary. */
  readonly #threadReads = new Map<string, number>();
  /** The member's link preview choice where the homeserver would not keep it (a guest's account data). */
  #linkPreviews: boolean | undefined;
  /** The homeserver has stored `#linkPreviews`: the account data wins again once its echo agrees. */
  #linkPreviewsSaved = false;

  constructor(session: RoomSession, target: string, onDispose: () => void) {
    super(onDispose);
    this.#session = session;
    this.#target = target;
    this.#typing = new TypingNotices(session);
    this.#decryption = new DecryptionRetries(
      session,
      () => this.refresh(),
      () => this.isDisposed(),
    );
    void this.#start();
  }

  protected onDisposed(): void {
    for (const thread of [...this.#threads]) thread.release();
    this.#unwatch?.();
  }

  async #start(): Promise<void> {
    try {
      const own = this.#session.info.userId;
      // A room this browser has seen encrypted starts crypto now, alongside the first sync (encrypted-rooms.ts).
      if (this.#session.info.guest !== true && seenEncrypted(own, this.#target)) this.#session.ensureCrypto().catch(() => undefined);
      await this.#session.whenSynced();
      const roomId = await this.#resolveRoomId();
      if (this.isDisposed()) return;
      // Subscribe first, so the scoped sync brings the room as soon as the member is in it.
      this.#unwatch = this.#session.watch(roomId, this);
      const loaded = this.#session.whenLoaded(roomId);
      await this.#joinUnlessMember(roomId);
      if (this.isDisposed()) return;
      // The server answers a subscription only when it has something for the member; after a join it has.
      await Promise.race([loaded, new Promise((resolve) => setTimeout(resolve, LOAD_TIMEOUT_MS))]);
      if (this.isDisposed()) return;
      // An encrypted room starts the session's crypto (loaded on first need) before it is shown.
      if (this.#session.client.getRoom(roomId)?.hasEncryptionStateEvent()) {
        noteEncrypted(own, this.#target, roomId);
        await this.#session.ensureCrypto();
      }
      if (this.isDisposed()) return;
      this.#roomId = roomId;
      this.refresh();
    } catch (error) {
      this.#unwatch?.();
      this.#unwatch = undefined;
      this.#startFailed(error);
    }
  }

  /** Shows why the room could not be opened; a homeserver that cannot be reached now may be back soon. */
  #startFailed(error: unknown): void {
    const failure = roomError(error, this.#target, this.#session.info.guest === true);
    this.publish({ ...LOADING, status: 'error', error: failure });
    // Keep trying, more slowly each time.
    if ((failure.code === 'network' || failure.code === 'rate-limited') && !this.isDisposed()) {
      const delay = Math.min(START_RETRY_MAX_MS, START_RETRY_MS * 2 ** this.#startAttempts);
      this.#startAttempts += 1;
      setTimeout(() => {
        if (!this.isDisposed()) void this.#start();
      }, delay);
    }
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
    if (!room || this.isDisposed()) return;
    if (this.#pageDecrypting) return;
    decryptShown(this.#session, room, () => this.refresh());
    const own = this.#session.info.userId;
    const levels = roomPowerLevels(room);
    const moderates = permissionsOf(levels, own).redactOthers;
    const {
      items: built,
      unreadCount,
      typing,
    } = computeTimeline(room, own, this.#timeline, {
      threadReads: this.#threadReads,
      historyComplete: !hasMoreBefore(room),
      showHeld: moderates,
      mayNotifyRoom: (senderId) => permissionsOf(levels, senderId).notifyRoom,
    });
    const guest = this.#session.info.guest === true;
    const items = guest ? built.map((item) => (item.kind === 'message' ? guestItem(item) : item)) : this.#decryption.mark(built);
    const cannotSendReason = whyCannotSend(room, own, guest, levels);
    const topic = topicOf(room);
    const { permissions, members, standing } = this.#moderation.read(room, own, guest, levels);
    this.publish({
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
      ...(guest ? {} : { notificationCounts: notificationCounts(this.#session.client, room, own) }),
      permissions,
      ...(members ? { members } : {}),
      ...(standing ? { standing } : {}),
      linkPreviews: this.#linkPreviewsChoice(room),
    });
    for (const thread of this.#threads) thread.refresh();
  }

  /** Opens the thread under `rootId` (threads/thread-model.ts); the room must be ready. */
  openThread(rootId: string): ThreadHandle {
    const { session, outbox } = this.#sending();
    const context: ThreadContext = {
      session,
      outbox,
      room: () => this.#room(),
      reads: this.#threadReads,
      readChanged: () => this.refresh(),
    };
    const open = (): ThreadHandle | undefined => {
      if (threadModule) return this.isDisposed() ? undefined : this.#newThread(threadModule, context, rootId);
      void loadThreadModule();
      return undefined;
    };
    // Loading until the thread model has loaded (threads/deferred-thread.ts, as for a room not ready yet).
    return (
      open() ??
      new DeferredThread(rootId, open, (listener) => {
        let watching = true;
        const stop = this.subscribe(listener);
        void loadThreadModule().then(() => {
          if (watching) listener(this.snapshot);
        });
        return () => {
          watching = false;
          stop();
        };
      })
    );
  }

  #newThread({ ThreadModel: Model }: ThreadModule, context: ThreadContext, rootId: string): ThreadModel {
    const thread: ThreadModel = new Model(context, rootId, () => this.#threads.delete(thread));
    this.#threads.add(thread);
    return thread;
  }

  #room(): Room | null {
    return this.#roomId === undefined ? null : this.#session.client.getRoom(this.#roomId);
  }

  #readyRoom(): Room {
    const room = this.#room();
    if (!room) throw new OmniError('network', 'The room is not ready yet.');
    return room;
  }

  /** The room's outbox (outbox/sdk-transport.ts), subscribed to on first need. */
  #outboxFor(roomId: string): Outbox {
    if (this.#outbox) return this.#outbox;
    const shared = roomOutbox(this.#session, roomId);
    shared.subscribe(() => {
      if (this.isDisposed()) return false;
      // Published at once (inside `send()` for a local echo): no await, no rebuild of the timeline.
      if (this.snapshot.status === 'ready') this.publish({ ...this.snapshot, items: shared.remerge() });
      return true;
    });
    this.#outbox = shared;
    return shared;
  }

  #sending(): Sending {
    const room = this.#readyRoom();
    return { session: this.#session, room, outbox: this.#outboxFor(room.roomId) };
  }

  /** Queues the message; its local echo is in the published snapshot before this returns (room-commands.ts). */
  send(message: string | OutgoingMessage, options: SendOptions = {}): Promise<void> {
    return sendMessage(this.#sending(), message, options);
  }

  checkAttachment(file: Blob & { readonly name: string }): Promise<void> {
    return checkAttachment(this.#session, file);
  }

  /** Queues a file behind what is queued; its local echo is published before this returns. */
  sendAttachment(file: Blob & { readonly name: string }, options: AttachmentOptions = {}): Promise<void> {
    return sendAttachment(this.#sending(), file, options);
  }

  /** Replaces one of the member's messages (`m.replace`), composed like a new one. */
  edit(eventId: string, message: string | OutgoingMessage): Promise<void> {
    return editMessage(this.#sending(), eventId, message);
  }

  redact(eventId: string, reason?: string): Promise<void> {
    return redactEvent(this.#sending(), eventId, reason);
  }

  /** A moderator's command or a report (moderation.ts, loaded on the first one); the homeserver checks it. */
  async moderate(command: ModerationCommand, onProgress?: (progress: ModerationProgress) => void): Promise<ModerationProgress> {
    const room = this.#readyRoom();
    const { moderate } = await import('./moderation.ts').catch((cause: unknown) => {
      throw new OmniError('network', 'Could not reach the server: check the connection and try again.', { cause });
    });
    const readLevels = () => ({ levels: roomPowerLevels(room), content: powerLevelsEvent(room)?.getContent() });
    return moderate(this.#session, room, readLevels, command, onProgress);
  }

  toggleReaction(eventId: string, key: string): Promise<void> {
    return toggleReaction(this.#sending(), eventId, key);
  }

  /**
   * Sends a failed (or waiting) message again now, with the same transaction id; for a message this
   * device cannot read, tries to decrypt it again (`retryDecryption`): a tile's Retry means either.
   */
  retry(key: string): Promise<void> {
    const { room, outbox } = this.#sending();
    const unreadable = undecryptableEvent(room, key);
    if (unreadable) return this.#decryption.retry(unreadable);
    outbox.retry(key);
    return Promise.resolve();
  }

  /** Tries again to decrypt a loaded encrypted event this device could not read; nothing for any other event. */
  retryDecryption(eventId: string): Promise<void> {
    const event = this.#readyRoom()
      .getLiveTimeline()
      .getEvents()
      .findLast((e) => e.getId() === eventId);
    return event && undecryptableOf(event) ? this.#decryption.retry(event) : Promise.resolve();
  }

  /** Drops a message that is not sent yet (one in flight is redacted if the server stored it). */
  cancel(key: string): Promise<void> {
    return cancelMessage(this.#sending(), key);
  }

  /**
   * Loads older history through `/messages`; concurrent calls share one request. An encrypted room loads
   * larger pages, each shown once decrypted (decryption.ts).
   */
  paginateBackwards(limit?: number): Promise<boolean> {
    if (this.#paginating) return this.#paginating;
    const room = this.#readyRoom();
    if (!hasMoreBefore(room)) return Promise.resolve(false);
    const client = this.#session.client;
    const encrypted = room.hasEncryptionStateEvent() && client.getCrypto() !== undefined;
    const size = limit ?? (encrypted ? ENCRYPTED_PAGE_SIZE : 30);
    const run = async (): Promise<boolean> => {
      try {
        if (!historyGapBefore(room) || (await fillGapToken(client, room))) {
          await scrollbackDecrypted(client, room, size, this.#session.trust);
        }
      } finally {
        this.#pageDecrypting = false;
        this.#paginating = undefined;
        this.refresh();
      }
      return this.snapshot.hasMoreBefore;
    };
    this.#paginating = run();
    this.refresh();
    // An encrypted page is shown once decrypted: the rebuilds its events (and anything else) ask for meanwhile
    // wait for the one at its end (scrollbackDecrypted bounds the wait). After the rebuild saying `paginating`.
    this.#pageDecrypting = encrypted;
    return this.#paginating;
  }

  setTyping(typing: boolean): void {
    this.#typing.set(this.#room(), typing);
  }

  /** Moves the read receipt and the read marker (`m.fully_read`) to a loaded, sent event. */
  markRead(eventId: string): void {
    if (markRead(this.#session, this.#room(), eventId)) this.#typing.reset();
  }

  /** Joined and invited members whose name or user id matches; names start-matches first. */
  searchMembers(query: string, limit = 8): Promise<readonly MemberInfo[]> {
    const room = this.#room();
    return Promise.resolve(room ? searchMembers(room, this.#session.info.userId, query, limit) : []);
  }

  /** Media of this room's messages and members, through the session's shared loader. */
  loadMedia(request: MediaRequest): Promise<string> {
    return this.#session.media.load(request);
  }

  /** The homeserver's preview of a link (media/link-preview.ts, loaded at the first link); none while previews are off. */
  async previewLink(url: string): Promise<LinkPreview | undefined> {
    if (this.snapshot.linkPreviews !== true) return undefined;
    const { linkPreviewLoader } = await import('../media/link-preview.ts');
    const client = this.#session.client;
    return linkPreviewLoader(client, () => ({
      baseUrl: this.#session.info.homeserverUrl,
      accessToken: () => client.getAccessToken(),
      serverVersions: () => client.getVersions(),
    })).preview(url);
  }

  #linkPreviewsChoice(room: Room): boolean {
    const stored = linkPreviewsOn(room.hasEncryptionStateEvent(), accountDataOf(room));
    if (this.#linkPreviewsSaved && stored === this.#linkPreviews) this.#linkPreviews = undefined;
    return this.#linkPreviews ?? stored;
  }

  /** Records the choice in room account data; a session whose homeserver refuses that (a guest) keeps it for itself. */
  async setLinkPreviews(enabled: boolean): Promise<void> {
    const room = this.#readyRoom();
    const { linkPreviewsAccountData } = await import('../media/link-preview.ts');
    const { type, content } = linkPreviewsAccountData(enabled, room.hasEncryptionStateEvent(), accountDataOf(room));
    // Shown at once, and kept until the account data's echo agrees (it comes with a later sync).
    this.#linkPreviews = enabled;
    this.#linkPreviewsSaved = false;
    if (!this.isDisposed()) this.publish({ ...this.snapshot, linkPreviews: enabled });
    // js-sdk types only the account data it knows; these two are Element's.
    this.#linkPreviewsSaved = await this.#session.client.setRoomAccountData(room.roomId, type as never, content as never).then(
      () => true,
      () => false,
    );
    this.refresh();
  }
}

function accountDataOf(room: Room): RoomAccountData {
  return (type) => room.getAccountData(type)?.getContent();
}
