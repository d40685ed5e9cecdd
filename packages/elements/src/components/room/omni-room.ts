import { html, type TemplateResult } from 'lit';
import type { OmniErrorInfo, RoomSnapshot } from '@omnisocial/core';
import { OmniView } from '../../base/omni-view.ts';
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
 * @csspart day-separator - The line between days.
 * @csspart read-marker - The "New messages" line.
 * @csspart notice - A membership or room change line.
 * @csspart placeholder - A line standing for an event that cannot be shown.
 * @csspart jump-to-latest - The "Jump to latest" button.
 * @csspart typing - The "… is typing" line.
 * @csspart loading - "Loading older messages…".
 * @csspart members-button - The header's **Members** button, shown to a member who moderates.
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
 * @cssproperty --omni-room-height - Height of the element (default 28rem).
 * @cssproperty --omni-color-surface - Background; also `-surface-2`, `-accent-subtle`, `-text`, `-text-muted`, `-border`, `-border-subtle`, `-accent`, `-on-accent`, `-danger`, `-focus` (docs/theming.md).
 * @cssproperty --omni-font-family - Typography; also `--omni-font-size`, `--omni-font-size-s`, `--omni-line-height`.
 * @cssproperty --omni-radius-m - Corner radius; also `--omni-radius-s`, `--omni-radius-l`.
 * @cssproperty --omni-space-m - Spacing; also `--omni-space-xs`, `--omni-space-s`, `--omni-space-l`.
 * @cssproperty --omni-message-bubble-background - Bubbles; also `--omni-message-bubble-own-background`, `--omni-message-bubble-radius`.
 * @cssproperty --omni-header-background - Areas; also `--omni-timeline-background`, `--omni-composer-background`.
 * @cssstate dark - The dark colour set is in use (also resolved from `theme="auto"`).
 * @cssstate light - The light colour set is in use.
 * @fires omni-report - The member reported a message and the server accepted it; `roomId`, `eventId`, `reason`.
 * @fires omni-error - The room or homeserver cannot be shown; `event.error` says why.
 * @fires omni-session-change - The member signed in or out, their session expired, or moved to another tab.
 * @fires omni-unread-change - The number of unread messages changed; `count`.
 */
export class OmniRoomView extends OmniView {
  static override styles = [tokens, roomStyles, timelineStyles, messageBodyStyles, messageTileStyles, composerStyles, moderationStyles];

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

  readonly #view = new RoomViewController(this, {
    target: () => ({ homeserver: this.homeserver, room: this.room }),
    theme: () => this.theme,
  });

  constructor() {
    super();
    this.homeserver = '';
    this.room = '';
    this.theme = 'light';
  }

  /** Also in use while messages of the member are still sending or failed (the loader's shell keeps the view). */
  override get inUse(): boolean {
    return super.inUse || this.#view.room.unsent;
  }

  override get messageCount(): number | undefined {
    return this.#view.room.messageCount;
  }

  protected override render(): TemplateResult {
    const state = this.#view.room.state;
    if (state.kind !== 'room') return this.#view.renderStatus(state, this.homeserver, { loading: 'Connecting…', persistenceNote: true });
    return this.#renderRoom(state.snapshot);
  }

  #renderRoom(snapshot: RoomSnapshot): TemplateResult {
    if (snapshot.status === 'error') return this.#view.renderError(snapshot.error ?? UNEXPLAINED, this.homeserver);
    if (snapshot.status === 'loading') return html`<p class="notice" role="status">Loading the room…</p>`;
    const name = snapshot.name ?? this.room;
    return html`
      ${this.#view.renderHeader(this.homeserver, { name, detail: snapshot.topic, encrypted: snapshot.encrypted })}
      ${this.#view.renderConversation(snapshot, { label: `Messages in ${name}` })}
      ${this.#view.renderComposer(snapshot, `${this.#view.homeserverFor(this.homeserver)}|${snapshot.roomId ?? this.room}`)}
    `;
  }
}
