import { msg, str } from '@lit/localize';
import { html, type TemplateResult } from 'lit';
import type { RoomSnapshot } from '@omnisocial/core';
import { OmniView } from '../../base/omni-view.ts';
import { applyFallbacks, litProperties } from '../../base/view-properties.ts';
import { dmAttributes } from '../../loader/attributes.ts';
import { RoomViewController } from '../../controllers/room-view.ts';
import { OmniDmCreatedEvent } from '../../events.ts';
import { tokens, type ThemeName } from '../../theme/tokens.ts';
import { composerStyles } from '../composer/composer.styles.ts';
import { messageBodyStyles } from '../message-body/message-body.styles.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { roomStyles } from '../room/omni-room.styles.ts';
import { moderationStyles } from '../moderation/moderation.styles.ts';
import { timelineStyles } from '../timeline/timeline.styles.ts';
import { dmStyles } from './omni-dm.styles.ts';

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
 * @csspart encryption - "End-to-end encrypted" with a lock, in the header (a conversation found unencrypted shows nothing).
 * @csspart empty-state - The inviting state shown while the conversation has no room yet.
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
 * @cssstate dark - The dark colour set is in use (also resolved from `theme="auto"`).
 * @cssstate light - The light colour set is in use.
 * @cssstate thread-open - A thread is open in the element.
 * @fires omni-dm-created - The member's first message created the conversation's room; `roomId`, `userId`.
 * @fires omni-unread-change - The number of unread messages changed; `count`.
 * @fires omni-messages-change - The newest message changed (the view opened on it, someone wrote); `latestEventId`.
 * @fires omni-report - The member reported a message and the server accepted it; `roomId`, `eventId`, `reason`.
 * @fires omni-error - The conversation cannot be shown (malformed or unknown user, yourself, creation refused…); `event.error` says why.
 * @fires omni-session-change - The member signed in or out, their session expired, or moved to another tab.
 */
export class OmniDmView extends OmniView {
  static override styles = [
    tokens,
    roomStyles,
    timelineStyles,
    messageBodyStyles,
    messageTileStyles,
    composerStyles,
    dmStyles,
    moderationStyles,
  ];

  static override properties = litProperties(dmAttributes);

  /** A homeserver base URL (`https://matrix.example.org`) or server name (`example.org`). */
  declare homeserver: string;
  /** The other member's user id (`@bob:example.org`). */
  declare user: string;
  /** `light` (default), `dark`, or `auto` (the page's `color-scheme`, then `prefers-color-scheme`). */
  declare theme: ThemeName;
  /** Which files members may send (`image/*`, `.pdf`; `none`); default any. */
  declare acceptFiles: string;
  /** The largest file members may send (`5 MB`), below the homeserver's limit. */
  declare maxFileSize: string;

  readonly #view = new RoomViewController(this, {
    files: () => this,
    target: () => {
      const user = this.user.trim();
      return { homeserver: this.homeserver, room: user ? `dm\n${user}` : '', open: (session) => session.openDirectRoom(user) };
    },
    theme: () => this.theme,
    created: (roomId) => new OmniDmCreatedEvent({ roomId, userId: this.user.trim() }),
    noun: 'conversation',
  });

  constructor() {
    super();
    applyFallbacks(this, dmAttributes);
  }

  /** Also in use while messages of the member are still sending or failed (the loader's shell keeps the view). */
  override get inUse(): boolean {
    return super.inUse || this.#view.room.unsent;
  }

  override get messageCount(): number | undefined {
    return this.#view.room.messageCount;
  }

  protected override render(): TemplateResult {
    if (!this.user.trim()) return html`<p role="alert">${msg("Set the user attribute to the other member's user id.")}</p>`;
    const state = this.#view.room.state;
    if (state.kind !== 'room') {
      return this.#view.renderStatus(state, this.homeserver, {
        loading: msg('Loading the conversation…'),
        signInPrompt: msg('Sign in to read and send direct messages.'),
      });
    }
    return this.#renderRoom(state.snapshot);
  }

  #renderRoom(snapshot: RoomSnapshot): TemplateResult {
    const user = this.user.trim();
    const name = snapshot.directWith?.displayName ?? user;
    if (snapshot.status === 'error')
      return this.#view.renderError(snapshot.error ?? { code: 'unknown', message: 'No reason given.' }, this.homeserver);
    if (snapshot.status === 'loading') return html`<p class="notice" role="status">${msg('Loading the conversation…')}</p>`;
    return html`
      ${this.#view.renderHeader(this.homeserver, {
        name,
        detail: name !== user ? user : undefined,
        encrypted: snapshot.encrypted,
        encryptionNote: msg(str`Only you and ${name} can read these messages.`),
        verify: { user, name },
      })}
      ${this.#view.renderConversation(snapshot, {
        label: msg(str`Conversation with ${name}`),
        emptyText: msg(str`Say hello to ${name} — messages are end-to-end encrypted`),
      })}
      ${this.#view.renderComposer(snapshot, `${this.#view.homeserverFor(this.homeserver)}|dm|${user}`)}
    `;
  }
}
