/**
 * The session state machine of a view showing one room (`<omni-room>`, `<omni-dm>`, `<omni-chat>`): it
 * resolves the homeserver, picks up the page's session for it, opens the room and follows sign-in and
 * sign-out, so a view renders one plain state and sends commands. No DOM: the element forwards its own
 * lifecycle (`start`, `update`, `stop`) and the browser's `online` event.
 */
import { resolveHomeserver } from './homeserver.ts';
import { onSessionsChange, restoreSession, sessionFor, sessionStatus, useHere } from './registry.ts';
import type { MemberInfo } from '../timeline/timeline-types.ts';
import type { OutgoingMessage } from '../format/content.ts';
import type {
  AttachmentOptions,
  LinkPreview,
  MediaRequest,
  ModerationCommand,
  ModerationProgress,
  OmniErrorInfo,
  RoomHandle,
  RoomSnapshot,
  SendOptions,
  SessionHandle,
  ThreadHandle,
  Unsubscribe,
} from '../types.ts';

export type SessionViewState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting' }
  | { readonly kind: 'signed-out'; readonly homeserverUrl: string; readonly persistent: boolean; readonly revoked: boolean }
  | { readonly kind: 'expired'; readonly homeserverUrl: string; readonly userId: string }
  | { readonly kind: 'elsewhere'; readonly homeserverUrl: string; readonly userId: string }
  | { readonly kind: 'error'; readonly error: OmniErrorInfo }
  | { readonly kind: 'room'; readonly snapshot: RoomSnapshot };

/** The session as one view sees it, for its `omni-session-change` event. */
export interface SessionViewChange {
  readonly state: 'signed-in' | 'signed-out' | 'expired' | 'elsewhere';
  readonly userId?: string;
}

export interface SessionViewTarget {
  homeserver: string;
  /** The room address, or for `open`, a key that changes whenever what `open` opens changes. */
  room: string;
  /** Opens the room on the session; `session.openRoom(room)` when omitted (e.g. `openPostRoom` for posts). */
  open?: (session: SessionHandle) => RoomHandle;
}

/** Waits before trying an unreachable homeserver again by itself: 10 s, doubling up to a minute. */
const AUTO_RETRY_MS = 10_000;
const AUTO_RETRY_MAX_MS = 60_000;

function toErrorInfo(error: unknown): OmniErrorInfo {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    return error as OmniErrorInfo;
  }
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}

/** What a view shows for a homeserver with no session to use: signed out, expired, open in another tab. */
export function inactiveSessionState(url: string): SessionViewState {
  const status = sessionStatus(url);
  switch (status?.kind) {
    case 'expired':
      return { kind: 'expired', homeserverUrl: url, userId: status.info.userId };
    case 'elsewhere':
      return { kind: 'elsewhere', homeserverUrl: url, userId: status.info.userId };
    case 'resuming':
      return { kind: 'connecting' };
    case 'signed-out':
      return { kind: 'signed-out', homeserverUrl: url, persistent: status.persistent, revoked: status.reason === 'revoked' };
    default:
      return { kind: 'signed-out', homeserverUrl: url, persistent: true, revoked: false };
  }
}

/**
 * One view's binding to a room of the page's session for its homeserver. `state` is the snapshot a view
 * renders; listeners hear every change. Commands go to the open room (and reject while none is open).
 */
export class SessionView {
  #state: SessionViewState = { kind: 'idle' };
  /** The homeserver URL the view resolved to, once known. */
  homeserverUrl: string | undefined;
  readonly #target: () => SessionViewTarget;
  readonly #listeners = new Set<(state: SessionViewState) => void>();
  #session: SessionHandle | undefined;
  #room: RoomHandle | undefined;
  #stopWatchingSessions: Unsubscribe | undefined;
  #generation = 0;
  /** The target last connected to, so a changed attribute reconnects once. */
  #connectedKey: string | undefined;
  #autoRetry: ReturnType<typeof setTimeout> | undefined;
  #autoRetries = 0;

  constructor(target: () => SessionViewTarget) {
    this.#target = target;
  }

  get state(): SessionViewState {
    return this.#state;
  }

  subscribe(listener: (state: SessionViewState) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The view is shown: follow sign-in and sign-out; the next `update()` connects. */
  start(): void {
    this.#stopWatchingSessions = onSessionsChange(() => void this.#connect());
    this.#connectedKey = undefined;
  }

  /** Connects when the target changed since the last connection (attributes set before or after `start`). */
  update(): void {
    const { homeserver, room } = this.#target();
    const key = `${homeserver}\n${room}`;
    if (key === this.#connectedKey) return;
    this.#connectedKey = key;
    this.#leaveRoom();
    // Set without telling listeners: the view is rendering already and reads the state next.
    this.#state = { kind: 'connecting' };
    void this.#connect();
  }

  /** The view is gone: the room is released and nothing more happens. */
  stop(): void {
    this.#stopWatchingSessions?.();
    this.#stopWatchingSessions = undefined;
    this.#cancelAutoRetry();
    this.#generation += 1;
    this.#leaveRoom();
  }

  /** Opens the room again from the start (the member's **Try again**). */
  reconnect(): void {
    this.#cancelAutoRetry();
    this.#leaveRoom();
    this.#set({ kind: 'connecting' });
    void this.#connect();
  }

  /** Back online: a view showing that the homeserver cannot be reached tries again at once. */
  online(): void {
    if (this.#state.kind === 'error' && this.#state.error.code === 'unreachable') this.reconnect();
  }

  send(message: string | OutgoingMessage, options?: SendOptions): Promise<void> {
    return this.#withRoom((room) => room.send(message, options));
  }

  checkAttachment(file: Blob & { readonly name: string }): Promise<void> {
    return this.#withRoom((room) => room.checkAttachment(file));
  }

  sendAttachment(file: Blob & { readonly name: string }, options?: AttachmentOptions): Promise<void> {
    return this.#withRoom((room) => room.sendAttachment(file, options));
  }

  edit(eventId: string, message: string | OutgoingMessage): Promise<void> {
    return this.#withRoom((room) => room.edit(eventId, message));
  }

  redact(eventId: string, reason?: string): Promise<void> {
    return this.#withRoom((room) => room.redact(eventId, reason));
  }

  moderate(command: ModerationCommand, onProgress?: (progress: ModerationProgress) => void): Promise<ModerationProgress> {
    return this.#room ? this.#room.moderate(command, onProgress) : Promise.reject(new Error('The room is not open.'));
  }

  toggleReaction(eventId: string, key: string): Promise<void> {
    return this.#withRoom((room) => room.toggleReaction(eventId, key));
  }

  retry(key: string): Promise<void> {
    return this.#withRoom((room) => room.retry(key));
  }

  cancel(key: string): Promise<void> {
    return this.#withRoom((room) => room.cancel(key));
  }

  /** Loads older history; resolves to whether more remains (false when the room is not open). */
  paginateBackwards(limit?: number): Promise<boolean> {
    return this.#room ? this.#room.paginateBackwards(limit) : Promise.resolve(false);
  }

  setTyping(typing: boolean): void {
    this.#room?.setTyping(typing);
  }

  /** Opens a thread of the open room (threads/thread-model.ts); undefined while no room is open. */
  openThread(rootId: string): ThreadHandle | undefined {
    return this.#room?.openThread(rootId);
  }

  markRead(eventId: string): void {
    this.#room?.markRead(eventId);
  }

  searchMembers(query: string, limit?: number): Promise<readonly MemberInfo[]> {
    return this.#room ? this.#room.searchMembers(query, limit) : Promise.resolve([]);
  }

  /** A blob URL for an avatar or attachment of the open room; rejects when there is none to show. */
  loadMedia(request: MediaRequest): Promise<string> {
    return this.#room ? this.#room.loadMedia(request) : Promise.reject(new Error('The room is not open.'));
  }

  /** The homeserver's preview of a link in the open room; undefined when there is none to show. */
  previewLink(url: string): Promise<LinkPreview | undefined> {
    return this.#room ? this.#room.previewLink(url) : Promise.resolve(undefined);
  }

  /** Turns link previews on or off for the member in the open room. */
  setLinkPreviews(enabled: boolean): Promise<void> {
    return this.#room ? this.#room.setLinkPreviews(enabled) : Promise.resolve();
  }

  /** Moves the chat to this tab when another tab of the site drives it. */
  useHere(): Promise<void> {
    return this.homeserverUrl ? useHere(this.homeserverUrl) : Promise.resolve();
  }

  /** The signed-in member's user id while a room is open. */
  get userId(): string | undefined {
    return this.#session?.info.userId;
  }

  /** Whether the page's session on the view's homeserver is a guest account. */
  get guest(): boolean {
    const url = this.homeserverUrl;
    return (url ? sessionFor(url) : undefined)?.info.guest === true;
  }

  /** The session as this view sees it; undefined while connecting. */
  get session(): SessionViewChange | undefined {
    const state = this.#state;
    switch (state.kind) {
      case 'room':
        return { state: 'signed-in', ...(this.#session ? { userId: this.#session.info.userId } : {}) };
      case 'signed-out':
        return { state: 'signed-out' };
      case 'expired':
      case 'elsewhere':
        return { state: state.kind, userId: state.userId };
      default:
        return undefined;
    }
  }

  /** Whether the open room has messages of the member not yet sent (queued, sending, or failed and awaiting retry). */
  get unsent(): boolean {
    const state = this.#state;
    return state.kind === 'room' && state.snapshot.items.some((item) => item.kind === 'message' && item.status !== 'sent');
  }

  /** The room's message count once its whole history is loaded (none to paginate); undefined before. */
  get messageCount(): number | undefined {
    const state = this.#state;
    if (state.kind !== 'room' || state.snapshot.status !== 'ready' || state.snapshot.hasMoreBefore) return undefined;
    return state.snapshot.items.filter((item) => item.kind === 'message' && !item.redacted).length;
  }

  #withRoom(command: (room: RoomHandle) => Promise<void>): Promise<void> {
    if (!this.#room) return Promise.reject(new Error('The room is not open.'));
    return command(this.#room);
  }

  async #connect(): Promise<void> {
    const generation = ++this.#generation;
    const { homeserver, room, open } = this.#target();
    if (!homeserver || !room) {
      this.#set({ kind: 'error', error: { code: 'bad-room', message: 'Set both the homeserver and room attributes.' } });
      return;
    }
    let url: string;
    try {
      url = await resolveHomeserver(homeserver);
    } catch (error) {
      if (generation !== this.#generation) return;
      const info = toErrorInfo(error);
      this.#set({ kind: 'error', error: info });
      // The member may not be looking: once the homeserver is back, the room comes without a click.
      if (info.code === 'unreachable') this.#scheduleAutoRetry();
      return;
    }
    if (generation !== this.#generation) return;
    this.#autoRetries = 0;
    this.homeserverUrl = url;
    await restoreSession(url);
    if (generation !== this.#generation) return;
    const session = sessionFor(url);
    if (session === this.#session && this.#room) return;
    this.#leaveRoom();
    this.#session = session;
    if (!session) {
      this.#set(inactiveSessionState(url));
      return;
    }
    const handle = open ? open(session) : session.openRoom(room);
    this.#room = handle;
    handle.subscribe((snapshot) => this.#set({ kind: 'room', snapshot }));
    this.#set({ kind: 'room', snapshot: handle.snapshot });
  }

  #scheduleAutoRetry(): void {
    this.#cancelAutoRetry();
    const delay = Math.min(AUTO_RETRY_MAX_MS, AUTO_RETRY_MS * 2 ** this.#autoRetries);
    this.#autoRetries += 1;
    this.#autoRetry = setTimeout(() => {
      this.#autoRetry = undefined;
      void this.#connect();
    }, delay);
  }

  #cancelAutoRetry(): void {
    if (this.#autoRetry !== undefined) clearTimeout(this.#autoRetry);
    this.#autoRetry = undefined;
  }

  #leaveRoom(): void {
    this.#room?.release();
    this.#room = undefined;
    this.#session = undefined;
  }

  #set(state: SessionViewState): void {
    this.#state = state;
    for (const listener of [...this.#listeners]) listener(state);
  }
}
