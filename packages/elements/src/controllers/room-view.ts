import { msg, str } from '@lit/localize';
import { memberMessage } from '../i18n/member-error.ts';
import { html, nothing, svg, type ReactiveController, type TemplateResult } from 'lit';
import { afterPaint, type MessageItem, type OmniErrorInfo, type RoomSnapshot, type SessionView } from '@omnisocial/core';
import type { OmniView } from '../base/omni-view.ts';
import { cannotSendText } from '../components/composer/cannot-send.ts';
import { ComposerController } from '../components/composer/composer.ts';
import { ModerationController } from '../components/moderation/moderation.ts';
import { describeErrorState, renderErrorState, type ErrorStateNoun } from '../components/room/error-state.ts';
import '../components/security/define.ts';
import '../components/sign-in/define.ts';
import { TimelineController } from '../components/timeline/timeline.ts';
import '../components/verification/define.ts';
import { OmniErrorEvent, OmniMessagesChangeEvent, OmniSessionChangeEvent, OmniUnreadChangeEvent } from '../events.ts';
import { ThemeController, type ThemeName } from '../theme/tokens.ts';
import { MentionJump } from './mention-jump.ts';
import { NotificationsController } from './notifications.ts';
import { checkWithRules, fileRulesFor, type FileRuleProperties } from './file-rules.ts';
import { RoomController, type RoomTarget, type RoomViewState } from './room-controller.ts';
import { ThreadPanelController } from './thread-panel.ts';
import { renderLinkPreviewsSwitch } from './link-previews.ts';
import { commentItems, type CommentSort } from '../components/thread/comments.ts';

const LOCK = svg`<path d="M8 1a4 4 0 0 0-4 4v2H3a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-1V5a4 4 0 0 0-4-4Zm-2 6V5a2 2 0 1 1 4 0v2H6Z"/>`;

/** Why a guest is asked to sign in, per view. */
const MEMBERS_ONLY: Record<ErrorStateNoun, () => string> = {
  room: () => msg('Sign in to join this room — it is for members only.'),
  discussion: () => msg('Sign in to join this discussion — it is for members only.'),
  conversation: () => msg('Sign in with an account to send direct messages — guests cannot.'),
};

/** How a view finds its room and what only it adds to the events every room view fires. */
export interface RoomViewOptions {
  /** The homeserver and room to open (an alias, a post, a DM). */
  target: () => RoomTarget;
  /** The `theme` attribute. */
  theme: () => ThemeName;
  /** The view's own event for a room its member's first message created (`omni-room-created`, `omni-dm-created`). */
  created?: (roomId: string, snapshot: RoomSnapshot) => Event;
  /** What the member calls what the view shows, in its error states: `room` (default), `conversation`, `discussion`. */
  noun?: ErrorStateNoun;
  /** `layout="comments"`: how the comments are sorted (undefined: a chat). Replying to a comment replies in its thread. */
  comments?: () => CommentSort | undefined;
  /** The site's file rules (`accept-files`, `guest-accept-files`, `max-file-size`). */
  files?: () => FileRuleProperties;
  /** Shows the view's sign-in form (a reader of a thread from outside asked to reply). */
  signIn?: () => void;
}

/** The words of the states before a room is shown, which differ per view. */
export interface RoomStatusTexts {
  /** While the session and the room load. */
  loading: string;
  /** Above the sign-in form of a signed-out visitor. */
  signInPrompt?: string;
  /** Tell a signed-out visitor when this browser will not keep their sign-in (private browsing). */
  persistenceNote?: boolean;
}

export interface RoomHeader {
  name: string;
  /** A second, muted line: the topic, the post's URL, the other member's user id. */
  detail?: string | undefined;
  encrypted: boolean;
  /** Says who can read the messages, for the encryption indicator's tooltip. */
  encryptionNote?: string;
  /** A direct conversation: the member to verify from the header. */
  verify?: { user: string; name: string };
  /**
   * The snapshot the view shows, when it is not the session view's own (a light read's, until the engine
   * takes over): the header's buttons follow it, so they are there from the first paint.
   */
  snapshot?: RoomSnapshot;
}

export interface RoomConversation {
  /** Comments in this order instead of the timeline (`layout="comments"`). */
  comments?: CommentSort;
  /** The log's accessible name. */
  label: string;
  /** The inviting text shown (and replaceable through the `empty` slot) before a room exists. */
  emptyText?: string;
  /** A light read's snapshot, before the engine has the room: its tiles offer no action yet. */
  readOnly?: boolean;
}

/**
 * What `<omni-room>`, `<omni-dm>` and `<omni-chat>` share: the room binding, the theme, the timeline
 * (with its media loader), the composer, the error/session/unread/created events, and the parts of
 * their templates (status lines, sign-in, header, log, composer). A view keeps only how it finds its
 * room and what it renders around these pieces.
 */
export class RoomViewController implements ReactiveController {
  /** Core's view of the session and room: the state to render and the room's commands. */
  readonly room: SessionView;
  readonly theme: ThemeController;
  readonly timeline: TimelineController;
  readonly composer: ComposerController;
  readonly moderation: ModerationController;
  readonly notifications: NotificationsController;
  readonly #mentionJump = new MentionJump((eventId) => this.timeline.jumpTo(eventId));
  readonly threads: ThreadPanelController;
  readonly #host: OmniView;
  readonly #created: RoomViewOptions['created'];
  readonly #noun: ErrorStateNoun;
  #reportedError: OmniErrorInfo | undefined;
  /** The typing notices told so far (see `setTyping` below). */
  #typingTold: Promise<void> = Promise.resolve();
  #reportedSession = '';
  #reportedCreated: string | undefined;
  #reportedUnread = 0;
  #reportedMentions = 0;
  #reportedLatest: string | undefined;

  constructor(host: OmniView, options: RoomViewOptions) {
    this.#host = host;
    this.#created = options.created;
    this.#noun = options.noun ?? 'room';
    const comments = options.comments ?? (() => undefined);
    // The room binds before the timeline and composer, whose hostUpdate reads what it published.
    this.room = new RoomController(host, options.target).view;
    this.theme = new ThemeController(host, host.viewHost.internals, options.theme, host.viewHost.element);
    this.timeline = new TimelineController(host, () => ({
      paginateBackwards: () => this.room.paginateBackwards(),
      toggleReaction: (eventId, key) => settle(this.room.toggleReaction(eventId, key)),
      reply: (message) => (comments() ? this.threads.open(message) : this.composer.startReply(message)),
      edit: (message) => this.composer.startEdit(message),
      redact: (message: MessageItem) => {
        if (message.eventId) settle(this.room.redact(message.eventId));
      },
      retry: (key) => settle(this.room.retry(key)),
      cancel: (key) => settle(this.room.cancel(key)),
      markRead: (eventId) => this.room.markRead(eventId),
      moderate: (message, kind, done) => {
        const state = this.room.state;
        if (state.kind === 'room') this.moderation.askAboutMessage(state.snapshot, message, kind, done);
      },
      loadMedia: (request) => this.room.loadMedia(request),
      previewLink: (url) => this.room.previewLink(url),
      openThread: (message) => this.threads.open(message),
    }));
    this.threads = new ThreadPanelController(host, this.room, () => this.timeline, options.signIn);
    this.composer = new ComposerController(host, () => ({
      send: (body, replyTo) => this.room.send(body, replyTo ? { replyTo } : undefined),
      edit: (eventId, body) => this.room.edit(eventId, body),
      // After the frame that shows the keystroke or the sent message (a request is milliseconds of the main
      // thread), in the order the composer told them.
      setTyping: (typing) => {
        this.#typingTold = this.#typingTold.then(afterPaint).then(() => this.room.setTyping(typing));
      },
      searchMembers: (query) => this.room.searchMembers(query, 8),
      checkAttachment: (file) =>
        options.files
          ? checkWithRules(file, options.files(), this.room.guest, (checked) => this.room.checkAttachment(checked))
          : this.room.checkAttachment(file),
      acceptFiles: () => (options.files ? fileRulesFor(options.files(), this.room.guest).accept : undefined),
      sendAttachment: (file, caption, replyTo) =>
        this.room.sendAttachment(file, { ...(caption ? { caption } : {}), ...(replyTo ? { replyTo } : {}) }),
      sent: () => void this.timeline.scrollToLatest(),
    }));
    this.moderation = new ModerationController(host, this.room, this.#noun);
    this.notifications = new NotificationsController(host);
    host.addController(this);
  }

  /** The homeserver the view resolved to, or its attribute while that is not known yet. */
  homeserverFor(attribute: string): string {
    return this.room.homeserverUrl ?? attribute;
  }

  /**
   * Fires each change once, after the render that shows it. Only events: a request for another
   * update from here would render again after every render.
   */
  hostUpdated(): void {
    const state = this.room.state;
    const error = state.kind === 'error' ? state.error : state.kind === 'room' ? state.snapshot.error : undefined;
    if (error && error !== this.#reportedError) {
      this.#reportedError = error;
      this.#host.dispatchEvent(new OmniErrorEvent(error));
    }
    const session = this.room.session;
    const sessionKey = session ? `${session.state}|${session.userId ?? ''}` : '';
    if (session && sessionKey !== this.#reportedSession) {
      this.#reportedSession = sessionKey;
      this.#host.dispatchEvent(new OmniSessionChangeEvent(session.state, session.userId));
    }
    if (state.kind !== 'room') return;
    const { snapshot } = state;
    if (this.#created && snapshot.createdHere && snapshot.roomId && snapshot.roomId !== this.#reportedCreated) {
      this.#reportedCreated = snapshot.roomId;
      this.#host.dispatchEvent(this.#created(snapshot.roomId, snapshot));
    }
    const mentions = snapshot.notificationCounts?.highlights ?? 0;
    if (snapshot.status === 'ready' && (snapshot.unreadCount !== this.#reportedUnread || mentions !== this.#reportedMentions)) {
      this.#reportedUnread = snapshot.unreadCount;
      this.#reportedMentions = mentions;
      this.#host.dispatchEvent(new OmniUnreadChangeEvent(snapshot.unreadCount, mentions));
    }
    // Any status that shows messages (a visitor reading an open post the guest has not joined shows them too).
    if (snapshot.status === 'ready') this.notifications.observe(snapshot);
    const latest = latestMessageId(snapshot.items);
    if (latest !== undefined && latest !== this.#reportedLatest) {
      this.#reportedLatest = latest;
      this.#host.dispatchEvent(new OmniMessagesChangeEvent(latest));
    }
  }

  /** Every state but an open room: loading, an error, signed out, expired, open in another tab. */
  renderStatus(state: Exclude<RoomViewState, { kind: 'room' }>, homeserver: string, texts: RoomStatusTexts): TemplateResult {
    switch (state.kind) {
      case 'idle':
      case 'connecting':
        return html`<p class="notice" role="status">${texts.loading}</p>`;
      case 'error':
        return this.renderError(state.error, homeserver);
      case 'signed-out':
        return html`
          ${state.revoked ? html`<p class="notice" role="status">${msg('You were signed out.')}</p>` : nothing}
          ${texts.signInPrompt ? html`<p class="notice">${texts.signInPrompt}</p>` : nothing} ${this.renderSignIn(homeserver)}
          ${
            texts.persistenceNote && !state.persistent
              ? html`<p class="notice">
                  ${msg('This browser does not keep sign-ins (private browsing?): you will sign in again after a reload.')}
                </p>`
              : nothing
          }
        `;
      case 'expired':
        return html`
          <p class="notice" role="status">${msg(str`Your session has ended. Sign in again as ${state.userId} to continue.`)}</p>
          ${this.renderSignIn(homeserver)}
        `;
      case 'elsewhere':
        return html`
          <div class="notice" role="status">
            <p>${msg('This chat is open in another tab.')}</p>
            <button type="button" @click=${this.#onUseHere}>${msg('Use chat here')}</button>
          </div>
        `;
    }
  }

  /**
   * Why the room cannot be shown, in the member's words (see error-state.ts), with **Try again** where
   * that can help. A guest turned away by a members-only room gets the sign-in form and the reason instead:
   * signing in is what lets them in. The details stay for developers in `omni-error`.
   */
  renderError(error: OmniErrorInfo, homeserver: string): TemplateResult {
    if (error.code === 'guest-forbidden') {
      return this.renderSignIn(homeserver, { reason: MEMBERS_ONLY[this.#noun](), guest: false });
    }
    return renderErrorState(describeErrorState(error, this.#noun), this.#onRetry);
  }

  /**
   * The built-in sign-in form, replaceable through the `sign-in` slot; `reason` says why it is asked for,
   * and `guest: false` leaves out guest access where a guest cannot go.
   */
  renderSignIn(homeserver: string, options: { reason?: string; guest?: boolean } = {}): TemplateResult {
    return html`
      <div class="sign-in">
        <slot name="sign-in">
          <omni-sign-in
            homeserver=${this.homeserverFor(homeserver)}
            theme=${this.theme.resolved}
            reason=${options.reason ?? nothing}
            ?no-guest=${options.guest === false}
          ></omni-sign-in>
        </slot>
      </div>
    `;
  }

  /**
   * The `header` part: name, detail, encryption indicator, verification and security panels. A plain
   * element, not `<header>`: that would be a page banner landmark, and a feed holds many views.
   */
  renderHeader(homeserver: string, header: RoomHeader): TemplateResult {
    const url = this.homeserverFor(homeserver);
    const shown = header.snapshot ?? (this.room.state.kind === 'room' ? this.room.state.snapshot : undefined);
    return html`
      <div class="header" part="header">
        <span class="name" title=${header.name}>${header.name}</span>
        ${header.detail ? html`<span class="detail" title=${header.detail}>${header.detail}</span>` : nothing}
        ${header.encrypted ? renderEncrypted(header.encryptionNote) : nothing} ${shown ? this.#mentionJump.render(shown) : nothing}
        ${shown ? this.notifications.renderControls(shown, this.room.guest) : nothing}
        ${shown ? renderLinkPreviewsSwitch(shown, this.room) : nothing} ${shown ? this.moderation.renderMembersButton(shown) : nothing}
        <omni-verification
          homeserver=${url}
          user=${header.verify?.user ?? nothing}
          name=${header.verify?.name ?? nothing}
          theme=${this.theme.resolved}
        ></omni-verification>
        <omni-security homeserver=${url} theme=${this.theme.resolved}></omni-security>
      </div>
    `;
  }

  /** The log (or the empty state of a room not created yet) and the reason a room not created yet failed. */
  renderConversation(snapshot: RoomSnapshot, conversation: RoomConversation): TemplateResult {
    const empty = snapshot.items.length === 0 && snapshot.status === 'absent';
    return html`
      ${this.threads.render(snapshot, `${this.homeserverFor('')}|${snapshot.roomId ?? ''}`)}
      ${
        empty
          ? html`<div class="empty" part="empty-state" role="status"><slot name="empty">${conversation.emptyText ?? nothing}</slot></div>`
          : this.timeline.render({
              label: conversation.label,
              items: conversation.comments ? commentItems(snapshot.items, conversation.comments) : snapshot.items,
              hasMoreBefore: snapshot.hasMoreBefore,
              paginating: snapshot.paginating,
              typing: snapshot.typing,
              unreadCount: snapshot.unreadCount,
              ...(snapshot.permissions ? { permissions: snapshot.permissions } : {}),
              ...(snapshot.members ? { members: snapshot.members } : {}),
              linkPreviews: snapshot.linkPreviews === true,
              ...(conversation.readOnly ? { readOnly: true } : {}),
              canReport:
                !this.room.guest &&
                snapshot.status === 'ready' &&
                snapshot.standing?.kind !== 'removed' &&
                snapshot.standing?.kind !== 'banned',
            })
      }
      ${snapshot.status === 'absent' && snapshot.error ? html`<p role="alert">${memberMessage(snapshot.error, msg('Something went wrong'))}</p>` : nothing}
    `;
  }

  /**
   * The composer, or in its place why the member cannot write (removed, banned, muted); with the
   * moderation notice and dialogs. `draftKey` keeps the draft per homeserver and room.
   */
  renderComposer(snapshot: RoomSnapshot, draftKey: string): TemplateResult {
    return html`${this.moderation.render(snapshot)}
    ${this.moderation.renderStandingOr(snapshot, () =>
      this.composer.render({
        canSend: snapshot.canSend,
        ...(snapshot.cannotSendReason ? { cannotSendReason: cannotSendText(snapshot.cannotSendReason) } : {}),
        waiting: snapshot.cannotSendReason === 'connecting',
        draftKey,
        items: snapshot.items,
        encrypted: snapshot.encrypted,
        mentionRoom: snapshot.permissions?.notifyRoom === true,
      }),
    )}`;
  }

  readonly #onRetry = (): void => {
    this.room.reconnect();
  };

  readonly #onUseHere = (): void => {
    void this.room.useHere();
  };
}

/** The `encryption` part: a quiet lock and words, with who can read the messages as its description. */
function renderEncrypted(note = msg('Messages in this room are end-to-end encrypted.')): TemplateResult {
  return html`<span class="encrypted" part="encryption" title=${note}
    ><svg viewBox="0 0 16 16" aria-hidden="true">${LOCK}</svg>${msg('End-to-end encrypted')}</span
  >`;
}

/** Runs a room command whose failure the room model reports in its snapshot. */
function settle(command: Promise<void>): void {
  command.catch(() => undefined);
}

/** The newest message the homeserver has (a local echo has no event id yet). */
function latestMessageId(items: RoomSnapshot['items']): string | undefined {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item?.kind === 'message' && item.eventId !== undefined && item.status === 'sent') return item.eventId;
  }
  return undefined;
}
