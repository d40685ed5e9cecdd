import { html, nothing, type TemplateResult } from 'lit';
import type { MessageItem, OmniErrorInfo, RoomSnapshot } from '@omnisocial/core';
import { OmniView } from '../../base/omni-view.ts';
import { RoomController } from '../../controllers/room-controller.ts';
import { OmniErrorEvent, OmniSessionChangeEvent, OmniUnreadChangeEvent } from '../../events.ts';
import '../security/define.ts';
import '../sign-in/define.ts';
import '../verification/define.ts';
import { ThemeController, tokens, type ThemeName } from '../../theme/tokens.ts';
import { ComposerController } from '../composer/composer.ts';
import { composerStyles } from '../composer/composer.styles.ts';
import { messageBodyStyles } from '../message-body/message-body.styles.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { TimelineController } from '../timeline/timeline.ts';
import { timelineStyles } from '../timeline/timeline.styles.ts';
import { roomStyles } from './omni-room.styles.ts';

/** The element the page holds (`<omni-room>`): the loader's shell that mounts this view. */
export type { OmniRoom } from '../../loader/elements.ts';

/**
 * A Matrix room embedded in the page: a virtualised timeline and a composer. This is the full view the
 * loader's `<omni-room>` shell mounts into its own shadow root once the element nears the viewport.
 *
 * @summary A community chat room.
 * @slot sign-in - Replaces the built-in sign-in form shown to signed-out visitors.
 * @csspart header - The room name and topic bar.
 * @csspart timeline - The scrolling message log (same element as `log`).
 * @csspart log - The timeline (`role="log"`).
 * @csspart message - One message (`article`), full width.
 * @csspart bubble - The bubble holding a message's content.
 * @csspart reply-quote - The quoted original of a reply.
 * @csspart reactions - A message's reactions bar.
 * @csspart receipts - A message's compact read receipts.
 * @csspart actions - A message's actions menu (React, Reply, Edit, Delete).
 * @csspart day-separator - The line between days.
 * @csspart read-marker - The "New messages" line.
 * @csspart notice - A membership or room change line.
 * @csspart placeholder - A line standing for an event that cannot be shown.
 * @csspart jump-to-latest - The "Jump to latest" button.
 * @csspart typing - The "… is typing" line.
 * @csspart loading - "Loading older messages…".
 * @csspart composer - The message composer form.
 * @csspart composer-banner - The "Replying to / Editing" banner.
 * @csspart textbox - The message textbox.
 * @csspart send-button - The Send button.
 * @csspart emoji-button - The button opening the emoji picker.
 * @csspart emoji-picker - The emoji picker.
 * @csspart mention-list - The mention suggestions.
 * @cssproperty --omni-room-height - Height of the element (default 28rem).
 * @cssproperty --omni-color-surface - Background; also `-surface-2`, `-accent-subtle`, `-text`, `-text-muted`, `-border`, `-border-subtle`, `-accent`, `-on-accent`, `-danger`, `-focus` (docs/theming.md).
 * @cssproperty --omni-font-family - Typography; also `--omni-font-size`, `--omni-font-size-s`, `--omni-line-height`.
 * @cssproperty --omni-radius-m - Corner radius; also `--omni-radius-s`, `--omni-radius-l`.
 * @cssproperty --omni-space-m - Spacing; also `--omni-space-xs`, `--omni-space-s`, `--omni-space-l`.
 * @cssproperty --omni-message-bubble-background - Bubbles; also `--omni-message-bubble-own-background`, `--omni-message-bubble-radius`.
 * @cssproperty --omni-header-background - Areas; also `--omni-timeline-background`, `--omni-composer-background`.
 * @cssstate dark - The dark colour set is in use (also resolved from `theme="auto"`).
 * @cssstate light - The light colour set is in use.
 * @fires omni-error - The room or homeserver cannot be shown; `event.error` says why.
 * @fires omni-session-change - The member signed in or out, their session expired, or moved to another tab.
 * @fires omni-unread-change - The number of unread messages changed; `count`.
 */
export class OmniRoomView extends OmniView {
  static override styles = [tokens, roomStyles, timelineStyles, messageBodyStyles, messageTileStyles, composerStyles];

  static override properties = {
    homeserver: { type: String, reflect: true },
    room: { type: String, reflect: true },
    theme: { type: String, reflect: true },
  };

  /** A homeserver base URL (`https://matrix.example.org`) or server name (`example.org`). */
  declare homeserver: string;
  /** The room: `#alias:server` or `!roomid:server`. */
  declare room: string;
  /** `light` (default), `dark`, or `auto` (the page's `color-scheme`, then `prefers-color-scheme`). */
  declare theme: ThemeName;

  readonly #controller = new RoomController(this, () => ({ homeserver: this.homeserver, room: this.room }));
  readonly #themeController = new ThemeController(this, this.viewHost.internals, () => this.theme, this.viewHost.element);
  readonly #timeline = new TimelineController(this, () => ({
    paginateBackwards: () => this.#controller.paginateBackwards(),
    toggleReaction: (eventId, key) => this.#run(this.#controller.toggleReaction(eventId, key)),
    reply: (message) => this.#composer.startReply(message),
    edit: (message) => this.#composer.startEdit(message),
    redact: (message: MessageItem) => {
      if (message.eventId) this.#run(this.#controller.redact(message.eventId));
    },
    retry: (key) => this.#run(this.#controller.retry(key)),
    cancel: (key) => this.#run(this.#controller.cancel(key)),
    markRead: (eventId) => this.#controller.markRead(eventId),
    loadMedia: (request) => this.#controller.loadMedia(request),
  }));
  readonly #composer = new ComposerController(this, () => ({
    send: (body, replyTo) => this.#controller.send(body, replyTo ? { replyTo } : undefined),
    edit: (eventId, body) => this.#controller.edit(eventId, body),
    setTyping: (typing) => this.#controller.setTyping(typing),
    searchMembers: (query) => this.#controller.searchMembers(query, 8),
    sent: () => void this.#timeline.scrollToLatest(),
  }));
  #reportedError: OmniErrorInfo | undefined;
  #reportedSession = '';
  #reportedUnread = 0;

  constructor() {
    super();
    this.homeserver = '';
    this.room = '';
    this.theme = 'light';
  }

  /** Also in use while messages of the member are still sending or failed (the loader's shell keeps the view). */
  override get inUse(): boolean {
    return super.inUse || this.#controller.unsent;
  }

  override get messageCount(): number | undefined {
    return this.#controller.messageCount;
  }

  protected override updated(): void {
    const state = this.#controller.state;
    const error = state.kind === 'error' ? state.error : state.kind === 'room' ? state.snapshot.error : undefined;
    if (error && error !== this.#reportedError) {
      this.#reportedError = error;
      this.emit(new OmniErrorEvent(error));
    }
    const session = this.#controller.session;
    const sessionKey = session ? `${session.state}|${session.userId ?? ''}` : '';
    if (session && sessionKey !== this.#reportedSession) {
      this.#reportedSession = sessionKey;
      this.emit(new OmniSessionChangeEvent(session.state, session.userId));
    }
    if (state.kind === 'room' && state.snapshot.status === 'ready' && state.snapshot.unreadCount !== this.#reportedUnread) {
      this.#reportedUnread = state.snapshot.unreadCount;
      this.emit(new OmniUnreadChangeEvent(state.snapshot.unreadCount));
    }
  }

  protected override render(): TemplateResult {
    const state = this.#controller.state;
    switch (state.kind) {
      case 'idle':
      case 'connecting':
        return html`<p class="notice" role="status">Connecting…</p>`;
      case 'error':
        return html`<p role="alert">${state.error.message}</p>`;
      case 'signed-out':
        return html`
          ${state.revoked ? html`<p class="notice" role="status">You were signed out.</p>` : nothing} ${this.#renderSignIn()}
          ${
            state.persistent
              ? nothing
              : html`<p class="notice">This browser does not keep sign-ins (private browsing?): you will sign in again after a reload.</p>`
          }
        `;
      case 'expired':
        return html`
          <p class="notice" role="status">Your session has ended. Sign in again as ${state.userId} to continue.</p>
          ${this.#renderSignIn()}
        `;
      case 'elsewhere':
        return html`
          <div class="notice" role="status">
            <p>This chat is open in another tab.</p>
            <button type="button" @click=${this.#onUseHere}>Use chat here</button>
          </div>
        `;
      case 'room':
        return this.#renderRoom(state.snapshot);
    }
  }

  #renderSignIn(): TemplateResult {
    return html`
      <slot name="sign-in">
        <omni-sign-in
          homeserver=${this.#controller.homeserverUrl ?? this.homeserver}
          theme=${this.#themeController.resolved}
        ></omni-sign-in>
      </slot>
    `;
  }

  #renderRoom(snapshot: RoomSnapshot): TemplateResult {
    if (snapshot.status === 'error') return html`<p role="alert">${snapshot.error?.message ?? 'This room cannot be shown.'}</p>`;
    if (snapshot.status === 'loading') return html`<p class="notice" role="status">Loading the room…</p>`;
    const name = snapshot.name ?? this.room;
    return html`
      <header part="header">
        <span class="name">${name}</span>
        ${snapshot.topic ? html`<span class="topic">${snapshot.topic}</span>` : nothing}
        <omni-verification
          homeserver=${this.#controller.homeserverUrl ?? this.homeserver}
          theme=${this.#themeController.resolved}
        ></omni-verification>
        <omni-security
          homeserver=${this.#controller.homeserverUrl ?? this.homeserver}
          theme=${this.#themeController.resolved}
        ></omni-security>
      </header>
      ${this.#timeline.render({
        label: `Messages in ${name}`,
        items: snapshot.items,
        hasMoreBefore: snapshot.hasMoreBefore,
        paginating: snapshot.paginating,
        typing: snapshot.typing,
        unreadCount: snapshot.unreadCount,
      })}
      ${this.#composer.render({
        canSend: snapshot.canSend,
        ...(snapshot.cannotSendReason ? { cannotSendReason: snapshot.cannotSendReason } : {}),
        draftKey: `${this.#controller.homeserverUrl ?? this.homeserver}|${snapshot.roomId ?? this.room}`,
        items: snapshot.items,
      })}
    `;
  }

  #onUseHere(): void {
    void this.#controller.useHere();
  }

  /** Runs a room command whose failure the room model reports in its snapshot. */
  #run(command: Promise<void>): void {
    command.catch(() => undefined);
  }
}
