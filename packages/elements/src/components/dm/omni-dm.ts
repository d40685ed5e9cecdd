import { html, nothing, svg, type TemplateResult } from 'lit';
import type { MessageItem, OmniErrorInfo, RoomSnapshot } from '@omnisocial/core';
import { OmniView } from '../../base/omni-view.ts';
import { RoomController } from '../../controllers/room-controller.ts';
import { OmniDmCreatedEvent, OmniErrorEvent, OmniSessionChangeEvent, OmniUnreadChangeEvent } from '../../events.ts';
import '../security/define.ts';
import '../sign-in/define.ts';
import '../verification/define.ts';
import { ThemeController, tokens, type ThemeName } from '../../theme/tokens.ts';
import { ComposerController } from '../composer/composer.ts';
import { composerStyles } from '../composer/composer.styles.ts';
import { messageBodyStyles } from '../message-body/message-body.styles.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { roomStyles } from '../room/omni-room.styles.ts';
import { TimelineController } from '../timeline/timeline.ts';
import { timelineStyles } from '../timeline/timeline.styles.ts';
import { dmStyles } from './omni-dm.styles.ts';

const LOCK = svg`<path d="M8 1a4 4 0 0 0-4 4v2H3a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-1V5a4 4 0 0 0-4-4Zm-2 6V5a2 2 0 1 1 4 0v2H6Z"/>`;

/**
 * An end-to-end encrypted direct conversation with one other member (docs/dm.md). The room is the one
 * the member's `m.direct` lists for that user, or the user's invitation (accepted on opening); when
 * there is none, nothing is created by looking: the first message creates an encrypted trusted
 * private chat and invites the other member. Everything `<omni-room>` does works here.
 *
 * @summary A private, encrypted conversation with one member.
 * @slot sign-in - Replaces the built-in sign-in form shown to signed-out visitors.
 * @slot empty - Replaces "Say hello to … — messages are end-to-end encrypted", shown before the first message.
 * @csspart header - The other member's name, their user id and the encryption indicator.
 * @csspart encryption - The "End-to-end encrypted" indicator in the header.
 * @csspart empty-state - The inviting state shown while the conversation has no room yet.
 * @csspart timeline - The scrolling message log (same element as `log`); all of `<omni-room>`'s timeline and composer parts apply.
 * @csspart log - The timeline (`role="log"`).
 * @csspart composer - The message composer form.
 * @cssproperty --omni-dm-height - Height of the element (default `--omni-room-height`, then 28rem).
 * @cssproperty --omni-color-surface - Background; the colour, typography, radius and spacing tokens of `<omni-room>` apply.
 * @cssstate dark - The dark colour set is in use (also resolved from `theme="auto"`).
 * @cssstate light - The light colour set is in use.
 * @fires omni-dm-created - The member's first message created the conversation's room; `roomId`, `userId`.
 * @fires omni-unread-change - The number of unread messages changed; `count`.
 * @fires omni-error - The conversation cannot be shown (malformed or unknown user, yourself, creation refused…); `event.error` says why.
 * @fires omni-session-change - The member signed in or out, their session expired, or moved to another tab.
 */
export class OmniDmView extends OmniView {
  static override styles = [tokens, roomStyles, timelineStyles, messageBodyStyles, messageTileStyles, composerStyles, dmStyles];

  static override properties = {
    homeserver: { type: String, reflect: true },
    user: { type: String, reflect: true },
    theme: { type: String, reflect: true },
  };

  /** A homeserver base URL (`https://matrix.example.org`) or server name (`example.org`). */
  declare homeserver: string;
  /** The other member's user id (`@bob:example.org`). */
  declare user: string;
  /** `light` (default), `dark`, or `auto` (the page's `color-scheme`, then `prefers-color-scheme`). */
  declare theme: ThemeName;

  readonly #controller = new RoomController(this, () => {
    const user = this.user.trim();
    return { homeserver: this.homeserver, room: user ? `dm\n${user}` : '', open: (session) => session.openDirectRoom(user) };
  });
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
  #reportedCreated: string | undefined;
  #reportedUnread = 0;

  constructor() {
    super();
    this.homeserver = '';
    this.user = '';
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
    if (state.kind !== 'room') return;
    const { snapshot } = state;
    if (snapshot.createdHere && snapshot.roomId && snapshot.roomId !== this.#reportedCreated) {
      this.#reportedCreated = snapshot.roomId;
      this.emit(new OmniDmCreatedEvent({ roomId: snapshot.roomId, userId: this.user.trim() }));
    }
    if (snapshot.status === 'ready' && snapshot.unreadCount !== this.#reportedUnread) {
      this.#reportedUnread = snapshot.unreadCount;
      this.emit(new OmniUnreadChangeEvent(snapshot.unreadCount));
    }
  }

  protected override render(): TemplateResult {
    if (!this.user.trim()) return html`<p role="alert">Set the user attribute to the other member's user id.</p>`;
    const state = this.#controller.state;
    switch (state.kind) {
      case 'idle':
      case 'connecting':
        return html`<p class="notice" role="status">Loading the conversation…</p>`;
      case 'error':
        return html`<p role="alert">${state.error.message}</p>`;
      case 'signed-out':
        return html`
          ${state.revoked ? html`<p class="notice" role="status">You were signed out.</p>` : nothing}
          <p class="notice">Sign in to read and send direct messages.</p>
          ${this.#renderSignIn()}
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
    const user = this.user.trim();
    const name = snapshot.directWith?.displayName ?? user;
    if (snapshot.status === 'error') {
      return html`<p role="alert">${snapshot.error?.message ?? 'This conversation cannot be shown.'}</p>`;
    }
    if (snapshot.status === 'loading') return html`<p class="notice" role="status">Loading the conversation…</p>`;
    const empty = snapshot.items.length === 0 && snapshot.status === 'absent';
    return html`
      <header part="header">
        <span class="name">${name}</span>
        ${name !== user ? html`<span class="user">${user}</span>` : nothing}
        <span class="encrypted" part="encryption" title="Only you and ${name} can read these messages."
          ><svg viewBox="0 0 16 16" aria-hidden="true">${LOCK}</svg>End-to-end encrypted</span
        >
        <omni-verification
          homeserver=${this.#controller.homeserverUrl ?? this.homeserver}
          user=${user}
          name=${name}
          theme=${this.#themeController.resolved}
        ></omni-verification>
        <omni-security
          homeserver=${this.#controller.homeserverUrl ?? this.homeserver}
          theme=${this.#themeController.resolved}
        ></omni-security>
      </header>
      ${
        empty
          ? html`<div class="empty" part="empty-state" role="status">
              <slot name="empty">Say hello to ${name} — messages are end-to-end encrypted</slot>
            </div>`
          : this.#timeline.render({
              label: `Conversation with ${name}`,
              items: snapshot.items,
              hasMoreBefore: snapshot.hasMoreBefore,
              paginating: snapshot.paginating,
              typing: snapshot.typing,
              unreadCount: snapshot.unreadCount,
            })
      }
      ${snapshot.status === 'absent' && snapshot.error ? html`<p role="alert">${snapshot.error.message}</p>` : nothing}
      ${this.#composer.render({
        canSend: snapshot.canSend,
        ...(snapshot.cannotSendReason ? { cannotSendReason: snapshot.cannotSendReason } : {}),
        draftKey: `${this.#controller.homeserverUrl ?? this.homeserver}|dm|${user}`,
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
