import { msg, str } from '@lit/localize';
import { memberMessage } from '../../i18n/member-error.ts';
import { html, nothing, type TemplateResult } from 'lit';
import { displayUrl, PostView, type PostRoomTarget, type PostViewSnapshot, type RoomSnapshot } from '@omnisocial/core';
import { OmniView } from '../../base/omni-view.ts';
import { applyFallbacks, litProperties } from '../../base/view-properties.ts';
import { chatAttributes } from '../../loader/attributes.ts';
import { RoomViewController } from '../../controllers/room-view.ts';
import { OmniRoomCreatedEvent } from '../../events.ts';
import { tokens, type ThemeName } from '../../theme/tokens.ts';
import { composerStyles } from '../composer/composer.styles.ts';
import { messageBodyStyles } from '../message-body/message-body.styles.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { roomStyles } from '../room/omni-room.styles.ts';
import { moderationStyles } from '../moderation/moderation.styles.ts';
import { timelineStyles } from '../timeline/timeline.styles.ts';
import { chatStyles } from './omni-chat.styles.ts';
import { renderCommentSort, type CommentSort } from '../thread/comments.ts';

const membersOnlyText = (): string => msg('Sign in to read and join the discussion.');

/**
 * The discussion of one post of the site, in a room of the site's homeserver found through the post's
 * alias (docs/posts.md). Nothing is created by looking: the first message creates the room, bound to
 * the post, with the site's moderators in power. Open posts are read by visitors as guests, and by
 * anyone not in their room from outside: reading announces nobody, the first message joins.
 *
 * @summary The chat under a post.
 * @slot sign-in - Replaces the built-in sign-in form.
 * @slot empty - Replaces "No messages yet — start the discussion", shown before anyone wrote.
 * @csspart header - The post title and URL bar, with the encryption indicator and the Security panel.
 * @csspart encryption - "End-to-end encrypted" with a lock, in the header of an encrypted discussion (nothing for an open post).
 * @csspart empty-state - The inviting state shown while the discussion has no room yet.
 * @csspart mismatch - The notice shown when the post's alias points to a room bound elsewhere.
 * @csspart sign-in-prompt - "Reading as a guest — Sign in" under the composer; also the empty state a guest sees on a post nobody wrote about yet.
 * @csspart timeline - The scrolling message log (same element as `log`); all of `<omni-room>`'s timeline and composer parts apply.
 * @csspart log - The timeline (`role="log"`).
 * @csspart members-button - The header's **Members** button, shown to a member who moderates.
 * @csspart mention-jump - The header's **Next mention (n)** button, while messages after the read marker mention the member.
 * @csspart notify-button - The header's **Notify me** toggle (browser notifications of DMs and mentions), for a signed-in member.
 * @csspart notify-text-button - With notifications on in an encrypted room: the **Show text** toggle.
 * @csspart link-previews-button - The header's **Link previews** toggle (on by default in plain rooms, off in encrypted ones).
 * @csspart link-preview - The preview card under a message's first link: `link-preview-thumbnail`, `link-preview-title`, `link-preview-description`, `link-preview-host`, `link-preview-close`.
 * @csspart link-preview-thumbnail - The card's picture, the homeserver's thumbnail.
 * @csspart link-preview-title - The card's title, a link to the page.
 * @csspart link-preview-description - The card's description (up to three lines).
 * @csspart link-preview-host - The site's name and host.
 * @csspart link-preview-close - The card's **Hide link preview** button.
 * @csspart members - The member list dialog: roles (Admin, Moderator, Muted, Banned) and the actions allowed on each member.
 * @csspart dialog - A moderation confirmation (delete, report, remove messages, mute, remove, ban) with its optional reason.
 * @csspart moderation-notice - What an action did, with **Undo** after a ban or a mute, or why the server refused it.
 * @csspart standing - In place of the composer: "You were removed…", "You are banned…", "You are muted…".
 * @csspart composer - The message composer form.
 * @csspart thread-summary - Under a thread's root: who replied, "4 replies · last 5 min ago" and the unread count; opens the thread.
 * @csspart thread - The open thread (beside the timeline on a wide element, over it on a narrow one).
 * @csspart thread-header - The open thread's header: its title and **Close thread**.
 * @csspart thread-close - The open thread's **Close thread** button (Escape does the same).
 * @csspart comment-sort - With `layout="comments"`: the **Sort comments** control (oldest, newest, most reactions).
 * @cssstate dark - The dark colour set is in use (also resolved from `theme="auto"`).
 * @cssstate light - The light colour set is in use.
 * @cssstate thread-open - A thread is open in the element.
 * @fires omni-room-created - The member's first message created the post's room; `roomId`, `alias`, `postId`.
 * @fires omni-unread-change - The number of unread messages changed; `count`.
 * @fires omni-messages-change - The newest message changed (the view opened on it, someone wrote); `latestEventId`.
 * @fires omni-report - The member reported a message and the server accepted it; `roomId`, `eventId`, `reason`.
 * @fires omni-error - The discussion cannot be shown (bad post id, alias bound elsewhere, creation refused…); `event.error` says why.
 * @fires omni-session-change - The member signed in or out, their session expired, or moved to another tab.
 */
export class OmniChatView extends OmniView {
  static override styles = [
    tokens,
    roomStyles,
    timelineStyles,
    messageBodyStyles,
    messageTileStyles,
    composerStyles,
    chatStyles,
    moderationStyles,
  ];

  static override properties = litProperties(chatAttributes);

  /** A homeserver base URL (`https://matrix.example.org`) or server name (`example.org`). */
  declare homeserver: string;
  /** The site's id of the post (any string; see docs/posts.md for how it becomes an alias). */
  declare post: string;
  /** The post's canonical URL: stored in the room's binding and used as its topic. */
  declare postUrl: string;
  /** The post's title: the room's name. */
  declare postTitle: string;
  /** World-readable, unencrypted discussion that visitors read as guests (default: encrypted, members only). */
  declare open: boolean;
  /** Space-separated user ids given power 100 in the room when it is created. */
  declare moderators: string;
  /** The alias localpart template, `{id}` standing for the encoded post id (default `post.{id}`). */
  declare aliasTemplate: string;
  /**
   * The user id of the site's companion bot (`@omni:example.org`, docs/server.md). Takes precedence over the
   * homeserver's `.well-known`: a binding counts only when this bot sent it, and no member creates the room.
   */
  declare companionBot: string;
  /** `chat` (default), or `comments`: top-level messages as comments (sortable), their threads as replies. */
  declare layout: string;
  /** `light` (default), `dark`, or `auto` (the page's `color-scheme`, then `prefers-color-scheme`). */
  declare theme: ThemeName;
  #sort: CommentSort = 'oldest';
  /** Which files members may send (`image/*`, `.pdf`; `none`); default any. */
  declare acceptFiles: string;
  /** Which files guests may send, in place of `accept-files`. */
  declare guestAcceptFiles: string;
  /** The largest file members may send (`5 MB`), below the homeserver's limit. */
  declare maxFileSize: string;

  readonly #view = new RoomViewController(this, {
    files: () => this,
    target: () => {
      const target = this.#target();
      return {
        homeserver: this.homeserver,
        room: target ? JSON.stringify(target) : '',
        open: (session) => session.openPostRoom(target ?? { id: '' }),
      };
    },
    theme: () => this.theme,
    created: (roomId, snapshot) => new OmniRoomCreatedEvent({ roomId, alias: snapshot.alias ?? '', postId: this.post }),
    noun: 'discussion',
    signIn: () => this.#post.showSignIn(),
    comments: () => this.#comments(),
  });
  /** What the view shows (light read, hand-over, guest sign-in, members only), worked out in core. */
  readonly #post = new PostView(this.#view.room, { painted: () => this.updateComplete });

  constructor() {
    super();
    applyFallbacks(this, chatAttributes);
    this.#post.subscribe(() => this.requestUpdate());
  }

  protected override willUpdate(): void {
    this.#post.setInput({ homeserver: this.homeserver, target: this.#target() });
  }

  #target(): PostRoomTarget | undefined {
    if (!this.post) return undefined;
    const moderators = this.moderators.split(/\s+/u).filter(Boolean);
    return {
      id: this.post,
      ...(this.postUrl ? { url: this.postUrl } : {}),
      ...(this.postTitle ? { title: this.postTitle } : {}),
      ...(this.open ? { open: true } : {}),
      ...(moderators.length > 0 ? { moderators } : {}),
      ...(this.aliasTemplate ? { aliasTemplate: this.aliasTemplate } : {}),
      ...(this.companionBot ? { companionBot: this.companionBot } : {}),
    };
  }

  /** Also in use while messages of the member are still sending or failed (the loader's shell keeps the view). */
  override get inUse(): boolean {
    return super.inUse || this.#view.room.unsent;
  }

  override get messageCount(): number | undefined {
    return this.#view.room.messageCount;
  }

  protected override render(): TemplateResult {
    const view = this.#post.snapshot;
    switch (view.kind) {
      case 'no-post':
        return html`<p role="alert">${msg("Set the post attribute to the post's id.")}</p>`;
      case 'loading':
        return html`<p class="notice" role="status">${msg('Loading the discussion…')}</p>`;
      case 'members-only':
        return this.#renderMembersOnly(view.roomRefused, view.revoked);
      case 'session':
        return this.#view.renderStatus(view.state, this.homeserver, {
          loading: msg('Loading the discussion…'),
          signInPrompt: membersOnlyText(),
        });
      case 'error':
        return this.#view.renderError(view.error, this.homeserver);
      case 'mismatch':
        return html`<p role="alert" part="mismatch">${memberMessage(view, msg("This discussion's address points to another room."))}</p>`;
      case 'room':
        return this.#renderRoom(view);
    }
  }

  /** The post's title and what keeps the visitor out, with a sign-in form that offers no guest access. */
  #renderMembersOnly(roomRefused: boolean, revoked: boolean): TemplateResult {
    return html`
      ${this.#view.renderHeader(this.homeserver, { name: this.#name(), detail: this.postUrl, encrypted: !this.open })}
      ${revoked ? html`<p class="notice" role="status">${msg('You were signed out.')}</p>` : nothing}
      <p class="notice">
        ${roomRefused ? msg('Only members can read this discussion. Sign in to read it and take part.') : membersOnlyText()}
      </p>
      <div class="sign-in">
        <slot name="sign-in">
          <omni-sign-in homeserver=${this.#view.homeserverFor(this.homeserver)} theme=${this.#view.theme.resolved} no-guest></omni-sign-in>
        </slot>
      </div>
    `;
  }

  #comments(): CommentSort | undefined {
    return this.layout === 'comments' ? this.#sort : undefined;
  }

  readonly #onSort = (sort: CommentSort): void => {
    this.#sort = sort;
    this.requestUpdate();
  };

  #name(snapshot?: RoomSnapshot): string {
    return this.postTitle || snapshot?.name || this.post;
  }

  /** The discussion: the engine's, or the light read's shown read-only to a visitor before the engine has a session. */
  #renderRoom(view: Extract<PostViewSnapshot, { kind: 'room' }>): TemplateResult {
    const { snapshot, guest, showSignIn } = view;
    const name = this.#name(snapshot);
    const comments = this.#comments();
    const header = this.#view.renderHeader(this.homeserver, {
      name,
      detail: displayUrl(this.postUrl || snapshot.topic),
      encrypted: snapshot.encrypted,
    });
    if (view.startPrompt) {
      return html`
        ${header}
        <div class="empty" part="empty-state sign-in-prompt" role="status">
          <p>${msg('No messages yet. Sign in to start the discussion.')}</p>
          <button type="button" @click=${this.#onShowSignIn}>${msg('Sign in')}</button>
        </div>
      `;
    }
    return html`
      ${header} ${comments ? renderCommentSort(comments, this.#onSort) : nothing}
      ${this.#view.renderConversation(snapshot, {
        label: comments ? msg(str`Comments on ${name}`) : msg(str`Discussion of ${name}`),
        emptyText: msg('No messages yet — start the discussion'),
        ...(comments ? { comments } : {}),
      })}
      ${
        showSignIn
          ? this.#view.renderSignIn(this.homeserver)
          : this.#view.renderComposer(snapshot, `${this.#view.homeserverFor(this.homeserver)}|${snapshot.alias ?? this.post}`)
      }
      ${
        guest && !showSignIn
          ? html`<p class="invite" part="sign-in-prompt">
              ${guestLine(snapshot.canSend)}
              <button type="button" @click=${this.#onShowSignIn}>${msg('Sign in')}</button>
            </p>`
          : nothing
      }
    `;
  }

  readonly #onShowSignIn = (): void => {
    this.#post.showSignIn();
  };
}

/**
 * "You are reading as a guest." until the guest's session can send, then "You are writing as a guest.": both
 * lines take the same cell, the other one hidden, so the line is as wide as the wider of them and the button
 * after it does not move when one replaces the other (a layout shift).
 */
function guestLine(canSend: boolean): TemplateResult {
  const writing = msg('You are writing as a guest.');
  const reading = msg('You are reading as a guest.');
  return html`<span class="guest-line"
    ><span>${canSend ? writing : reading}</span><span class="reserved" aria-hidden="true" data-text=${canSend ? reading : writing}></span
  ></span>`;
}
