import { msg, str } from '@lit/localize';
import { html, type TemplateResult } from 'lit';
import { RoomLightView, type OmniErrorInfo, type RoomSnapshot } from '@omnisocial/core';
import { OmniView } from '../../base/omni-view.ts';
import { applyFallbacks, litProperties } from '../../base/view-properties.ts';
import { roomAttributes } from '../../loader/attributes.ts';
import { RoomViewController } from '../../controllers/room-view.ts';
import { tokens, type ThemeName } from '../../theme/tokens.ts';
import { composerStyles } from '../composer/composer.styles.ts';
import { messageBodyStyles } from '../message-body/message-body.styles.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { moderationStyles } from '../moderation/moderation.styles.ts';
import { timelineStyles } from '../timeline/timeline.styles.ts';
import { roomStyles } from './omni-room.styles.ts';

const UNEXPLAINED: OmniErrorInfo = { code: 'unknown', message: 'The room failed to load without a reason.' };

/** The element the page holds (`<omni-room>`): the loader's shell that mounts this view. */
export type { OmniRoom } from '../../loader/elements.ts';

/**
 * A Matrix room embedded in the page: a virtualised timeline and a composer. This is the full view the
 * loader's `<omni-room>` shell mounts into its own shadow root once the element nears the viewport.
 *
 * @summary A community chat room.
 * @slot sign-in - Replaces the built-in sign-in form shown to signed-out visitors (and to guests a members-only room turns away).
 * @csspart error - The error state: `error-icon`, `error-heading` (what happened), `error-advice` (what to do), `error-retry` (**Try again**, where it can help).
 * @csspart error-icon - The error state's icon.
 * @csspart error-heading - What happened, in plain words.
 * @csspart error-advice - What the member can do about it.
 * @csspart error-retry - The **Try again** button of an error that retrying can fix (network, server down or busy).
 * @csspart header - The room name and topic bar, with the encryption indicator and the Security panel.
 * @csspart encryption - "End-to-end encrypted" with a lock, in the header of an encrypted room (nothing in a room that is not).
 * @csspart timeline - The scrolling message log (same element as `log`).
 * @csspart log - The timeline (`role="log"`).
 * @csspart message - One message (`article`), full width.
 * @csspart bubble - The bubble holding a message's content.
 * @csspart reply-quote - The quoted original of a reply.
 * @csspart reactions - A message's reactions bar.
 * @csspart receipts - A message's compact read receipts.
 * @csspart actions - A message's actions menu (React, Reply, Edit, Delete).
 * @csspart show-more - The "Show more" / "Show less" button of a long message.
 * @csspart avatar-image - A sender's avatar picture.
 * @csspart media-image - An image attachment.
 * @csspart media-file - A file attachment.
 * @csspart media-audio - An audio attachment.
 * @csspart media-video - A video attachment.
 * @csspart media-play - The play button of a video attachment.
 * @csspart media-viewer - The full-size image viewer.
 * @csspart media-unavailable - What an attachment shows when it cannot be fetched.
 * @csspart day-separator - The line between days.
 * @csspart read-marker - The "New messages" line.
 * @csspart notice - A membership or room change line.
 * @csspart placeholder - A line standing for an event that cannot be shown.
 * @csspart jump-to-latest - The "Jump to latest" button.
 * @csspart typing - The "… is typing" line.
 * @csspart loading - "Loading older messages…".
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
 * @csspart composer-banner - The "Replying to / Editing" banner.
 * @csspart textbox - The message textbox.
 * @csspart send-button - The Send button.
 * @csspart emoji-button - The button opening the emoji picker.
 * @csspart emoji-picker - The emoji picker.
 * @csspart mention-list - The mention suggestions.
 * @cssproperty --omni-color-surface - Backgrounds (light `#ffffff`, dark `#16191d`).
 * @cssproperty --omni-color-surface-2 - Others' bubbles, hover, banners.
 * @cssproperty --omni-color-accent-subtle - Own bubbles, own reactions, the selected mention.
 * @cssproperty --omni-color-mention-subtle - A message that mentions the reader.
 * @cssproperty --omni-color-mention - The bar beside a message that mentions the reader.
 * @cssproperty --omni-color-text - Text.
 * @cssproperty --omni-color-text-muted - Times, notices, the typing line.
 * @cssproperty --omni-color-border - Input and button borders.
 * @cssproperty --omni-color-border-subtle - Separators.
 * @cssproperty --omni-color-accent - Send, links, Jump to latest.
 * @cssproperty --omni-color-on-accent - Text on the accent colour.
 * @cssproperty --omni-color-danger - "Not sent", errors, the read marker.
 * @cssproperty --omni-color-focus - Focus rings.
 * @cssproperty --omni-font-family - The font.
 * @cssproperty --omni-font-size - The text size.
 * @cssproperty --omni-font-size-s - The small text size (times, notices).
 * @cssproperty --omni-line-height - The line height.
 * @cssproperty --omni-font-family-emoji - Big-emoji messages and the emoji picker.
 * @cssproperty --omni-radius-s - Small corners.
 * @cssproperty --omni-radius-m - Corners.
 * @cssproperty --omni-radius-l - Large corners.
 * @cssproperty --omni-space-xs - The smallest spacing.
 * @cssproperty --omni-space-s - Small spacing.
 * @cssproperty --omni-space-m - Spacing.
 * @cssproperty --omni-space-l - Large spacing.
 * @cssproperty --omni-avatar-size - Senders' avatars.
 * @cssproperty --omni-message-bubble-background - Others' bubbles.
 * @cssproperty --omni-message-bubble-own-background - The member's own bubbles.
 * @cssproperty --omni-message-bubble-radius - Bubbles' corners.
 * @cssproperty --omni-header-background - The header.
 * @cssproperty --omni-timeline-background - The timeline.
 * @cssproperty --omni-composer-background - The composer.
 * @csspart thread-summary - Under a thread's root: who replied, "4 replies · last 5 min ago" and the unread count; opens the thread.
 * @csspart thread - The open thread (beside the timeline on a wide element, over it on a narrow one).
 * @csspart thread-header - The open thread's header: its title and **Close thread**.
 * @csspart thread-close - The open thread's **Close thread** button (Escape does the same).
 * @cssstate dark - The dark colour set is in use (also resolved from `theme="auto"`).
 * @cssstate light - The light colour set is in use.
 * @cssstate thread-open - A thread is open in the element.
 * @fires omni-report - The member reported a message and the server accepted it; `roomId`, `eventId`, `reason`.
 * @fires omni-error - The room or homeserver cannot be shown; `event.error` says why.
 * @fires omni-session-change - The member signed in or out, their session expired, or moved to another tab.
 * @fires omni-unread-change - The number of unread messages changed; `count`.
 * @fires omni-messages-change - The newest message changed (the view opened on it, someone wrote); `latestEventId`.
 */
export class OmniRoomView extends OmniView {
  static override styles = [tokens, roomStyles, timelineStyles, messageBodyStyles, messageTileStyles, composerStyles, moderationStyles];

  static override properties = litProperties(roomAttributes);

  /** A homeserver base URL (`https://matrix.example.org`) or server name (`example.org`). */
  declare homeserver: string;
  /** The room: `#alias:server` or `!roomid:server`. */
  declare room: string;
  /** `light` (default), `dark`, or `auto` (the page's `color-scheme`, then `prefers-color-scheme`). */
  declare theme: ThemeName;
  /** Which files members may send (`image/*`, `.pdf`; `none`); default any. */
  declare acceptFiles: string;
  /** Which files guests may send, in place of `accept-files`. */
  declare guestAcceptFiles: string;
  /** The largest file members may send (`5 MB`), below the homeserver's limit. */
  declare maxFileSize: string;

  readonly #view = new RoomViewController(this, {
    files: () => this,
    target: () => ({ homeserver: this.homeserver, room: this.room }),
    theme: () => this.theme,
  });
  /** The session view's state, or the light read's room (read-only) until the engine shows it, worked out in core. */
  readonly #light = new RoomLightView(this.#view.room, { painted: () => this.#latestShown() });

  constructor() {
    super();
    applyFallbacks(this, roomAttributes);
    this.#light.subscribe(() => this.requestUpdate());
  }

  protected override willUpdate(): void {
    this.#light.setInput({ homeserver: this.homeserver, room: this.room });
  }

  /**
   * Resolves once the latest tile of the light read is in the log (the virtualizer lays tiles out over the frames
   * after a render), or after two seconds: what waits for the light read (a member's engine) starts then.
   */
  async #latestShown(): Promise<void> {
    await this.updateComplete;
    const state = this.#light.state;
    const latest = state.kind === 'room' ? state.snapshot.items.at(-1)?.key : undefined;
    if (latest === undefined) return;
    const shown = (): boolean => this.renderRoot.querySelector(`[data-key="${CSS.escape(latest)}"]`) !== null;
    for (const until = performance.now() + 2000; !shown() && performance.now() < until;) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  /** Also in use while messages of the member are still sending or failed (the loader's shell keeps the view). */
  override get inUse(): boolean {
    return super.inUse || this.#view.room.unsent;
  }

  override get messageCount(): number | undefined {
    return this.#view.room.messageCount;
  }

  protected override render(): TemplateResult {
    const state = this.#light.state;
    if (state.kind !== 'room')
      return this.#view.renderStatus(state, this.homeserver, { loading: msg('Connecting…'), persistenceNote: true });
    return this.#renderRoom(state.snapshot);
  }

  #renderRoom(snapshot: RoomSnapshot): TemplateResult {
    if (snapshot.status === 'error') return this.#view.renderError(snapshot.error ?? UNEXPLAINED, this.homeserver);
    if (snapshot.status === 'loading') return html`<p class="notice" role="status">${msg('Loading the room…')}</p>`;
    const name = snapshot.name ?? this.room;
    // A light read's snapshot: the header shows its switches as the engine will; its tiles ask for no link
    // preview, which only the engine can fetch, and offer no action, which only the engine can carry out.
    const conversation = this.#light.light ? { ...snapshot, linkPreviews: false } : snapshot;
    return html`
      ${this.#view.renderHeader(this.homeserver, { name, detail: snapshot.topic, encrypted: snapshot.encrypted, snapshot })}
      ${this.#view.renderConversation(conversation, { label: msg(str`Messages in ${name}`), readOnly: this.#light.light })}
      ${this.#view.renderComposer(snapshot, `${this.#view.homeserverFor(this.homeserver)}|${snapshot.roomId ?? this.room}`)}
    `;
  }
}
