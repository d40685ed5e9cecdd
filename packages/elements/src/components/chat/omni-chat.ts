import { html, nothing, type TemplateResult } from 'lit';
import {
  displayUrl,
  lightRead,
  lightReadCredentials,
  parseHomeserverInput,
  resolveHomeserver,
  sessionFor,
  signIn,
  type PostRoomTarget,
  type RoomSnapshot,
} from '@omnisocial/core';
import { OmniView } from '../../base/omni-view.ts';
import { RoomViewController } from '../../controllers/room-view.ts';
import { OmniRoomCreatedEvent } from '../../events.ts';
import { tokens, type ThemeName } from '../../theme/tokens.ts';
import { composerStyles } from '../composer/composer.styles.ts';
import { messageBodyStyles } from '../message-body/message-body.styles.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { roomStyles } from '../room/omni-room.styles.ts';
import { timelineStyles } from '../timeline/timeline.styles.ts';
import { chatStyles } from './omni-chat.styles.ts';

const EMPTY_TEXT = 'No messages yet — start the discussion';
const CONNECTING_TEXT = 'Connecting to the discussion…';
const MEMBERS_ONLY_TEXT = 'Sign in to read and join the discussion.';
const GUEST_START_TEXT = 'Sign in to start the discussion.';

/** Light reads of the page still under way, and what waits for all of them to paint. */
let lightReads = 0;
const afterLightReads: (() => void)[] = [];

/**
 * Ends one light read; `next` runs once every light read of the page has painted (or given up) and the
 * browser is idle after the next paint: the engine chunk is large to parse, and would delay the other
 * posts' first paint.
 */
function lightReadSettled(next: (() => void) | undefined): void {
  lightReads -= 1;
  if (next) afterLightReads.push(next);
  if (lightReads > 0 || afterLightReads.length === 0) return;
  requestAnimationFrame(() => {
    const run = (): void => {
      if (lightReads > 0) return;
      for (const waiting of afterLightReads.splice(0)) waiting();
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 500 });
    else setTimeout(run, 0);
  });
}

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
 * @csspart composer - The message composer form.
 * @cssproperty --omni-chat-height - Height of the element (default 28rem).
 * @cssproperty --omni-color-surface - Background; the colour, typography, radius and spacing tokens of `<omni-room>` apply.
 * @cssstate dark - The dark colour set is in use (also resolved from `theme="auto"`).
 * @cssstate light - The light colour set is in use.
 * @fires omni-room-created - The member's first message created the post's room; `roomId`, `alias`, `postId`.
 * @fires omni-unread-change - The number of unread messages changed; `count`.
 * @fires omni-error - The discussion cannot be shown (bad post id, alias bound elsewhere, creation refused…); `event.error` says why.
 * @fires omni-session-change - The member signed in or out, their session expired, or moved to another tab.
 */
export class OmniChatView extends OmniView {
  static override styles = [tokens, roomStyles, timelineStyles, messageBodyStyles, messageTileStyles, composerStyles, chatStyles];

  static override properties = {
    homeserver: { type: String, reflect: true },
    post: { type: String, reflect: true },
    postUrl: { type: String, reflect: true, attribute: 'post-url' },
    postTitle: { type: String, reflect: true, attribute: 'post-title' },
    open: { type: Boolean, reflect: true },
    moderators: { type: String, reflect: true },
    aliasTemplate: { type: String, reflect: true, attribute: 'alias-template' },
    theme: { type: String, reflect: true },
    showSignIn: { state: true },
    guestFailed: { state: true },
    light: { state: true },
  };

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
  /** `light` (default), `dark`, or `auto` (the page's `color-scheme`, then `prefers-color-scheme`). */
  declare theme: ThemeName;
  declare private showSignIn: boolean;
  declare private guestFailed: boolean;
  /**
   * What the light read path found for an open post (latest messages read with plain `fetch` before
   * the engine chunk arrived), shown until the engine's own snapshot of the room is ready.
   */
  declare private light: RoomSnapshot | undefined;

  readonly #view = new RoomViewController(this, {
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
  });
  /** The homeserver a guest sign-in was attempted on, so an open post asks only once. */
  #guestTried: string | undefined;
  /** The homeserver and post the light read was started for; undefined while none should run. */
  #lightKey: string | undefined;
  /** The light read for `#lightKey` has painted or given up: the guest engine may load now. */
  #lightSettled = false;
  /** The engine showed the room: the light read's items are not shown again for this post. */
  #handedOver = false;
  /** Times the member signed out while this view was shown: each starts the visitor's light read again. */
  #signOuts = 0;
  /** Whether the last state rendered was a member's (not a guest's) open room. */
  #memberShown = false;

  constructor() {
    super();
    this.homeserver = '';
    this.post = '';
    this.postUrl = '';
    this.postTitle = '';
    this.open = false;
    this.moderators = '';
    this.aliasTemplate = '';
    this.theme = 'light';
    this.showSignIn = false;
    this.guestFailed = false;
    this.light = undefined;
  }

  protected override willUpdate(): void {
    const state = this.#view.room.state;
    if (state.kind === 'room') this.#memberShown = !this.#isGuest();
    else if (state.kind === 'signed-out' && this.#memberShown) {
      // Signed out: the visitor's view comes back at once from the light read, and a guest session after it.
      this.#memberShown = false;
      this.#signOuts += 1;
      this.#guestTried = undefined;
      this.guestFailed = false;
      this.showSignIn = false;
    }
    const key =
      this.open && this.post && this.homeserver ? `${this.homeserver}\n${JSON.stringify(this.#target())}\n${this.#signOuts}` : undefined;
    if (key === this.#lightKey) return;
    this.#lightKey = key;
    this.#lightSettled = key === undefined;
    this.#handedOver = false;
    this.light = undefined;
    if (key !== undefined) void this.#readLight(key);
  }

  /**
   * The light read path (docs/posts.md): a visitor without a member session sees an open post's latest
   * messages from one `/messages` request, before the engine chunk has arrived.
   */
  async #readLight(key: string): Promise<void> {
    const target = this.#target();
    lightReads += 1;
    try {
      if (!target) return;
      // A base URL is used as it is (the room controller verifies it in parallel); a server name is discovered.
      const input = parseHomeserverInput(this.homeserver);
      const url = input.kind === 'url' ? input.url : await resolveHomeserver(this.homeserver);
      const credentials = await lightReadCredentials(url);
      if (!credentials || key !== this.#lightKey) return;
      const result = await lightRead(url, target, credentials);
      if (key !== this.#lightKey || this.#handedOver || result.status === 'mismatch') return;
      const base = { encrypted: false, hasMoreBefore: false, paginating: false, typing: [], unreadCount: 0, alias: result.alias } as const;
      this.light =
        result.status === 'ready'
          ? { ...base, status: 'ready', roomId: result.roomId, items: result.items, canSend: false, cannotSendReason: CONNECTING_TEXT }
          : { ...base, status: 'absent', items: [], canSend: false, cannotSendReason: GUEST_START_TEXT };
      await this.updateComplete;
    } catch {
      // The engine shows the discussion, or says why it cannot.
    } finally {
      lightReadSettled(
        key === this.#lightKey && !this.#lightSettled
          ? () => {
              if (key !== this.#lightKey) return;
              this.#lightSettled = true;
              this.requestUpdate();
            }
          : undefined,
      );
    }
  }

  /** The light read's snapshot while the engine has not shown the room yet. */
  #lightSnapshot(): RoomSnapshot | undefined {
    if (!this.light || this.#handedOver) return undefined;
    const state = this.#view.room.state;
    if (state.kind === 'error' || state.kind === 'expired' || state.kind === 'elsewhere') return undefined;
    if (state.kind === 'signed-out' && this.guestFailed) return undefined;
    if (state.kind === 'room' && this.#engineShows(state.snapshot)) return undefined;
    return this.light;
  }

  /** Whether the engine's snapshot replaces the light read's (without tiles disappearing while it fills). */
  #engineShows(snapshot: RoomSnapshot): boolean {
    if (snapshot.status === 'loading') return false;
    if (snapshot.status !== 'ready') return true;
    return snapshot.items.length > 0 || this.light?.items.length === 0;
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
    };
  }

  /** Whether the page's session on this homeserver is a guest account. */
  #isGuest(): boolean {
    const url = this.#view.room.homeserverUrl;
    return (url ? sessionFor(url) : undefined)?.info.guest === true;
  }

  /** Also in use while messages of the member are still sending or failed (the loader's shell keeps the view). */
  override get inUse(): boolean {
    return super.inUse || this.#view.room.unsent;
  }

  override get messageCount(): number | undefined {
    return this.#view.room.messageCount;
  }

  protected override updated(): void {
    const state = this.#view.room.state;
    // Visitors read open posts as guests, without being asked.
    const url = this.#view.room.homeserverUrl;
    // The light read paints first; the engine chunk loads once it has (or has given up).
    if (state.kind === 'room' && this.light && this.#engineShows(state.snapshot)) this.#handedOver = true;
    if (state.kind === 'signed-out' && this.open && url && this.#guestTried !== url && this.#lightSettled) {
      this.#guestTried = url;
      signIn({ homeserver: url, guest: true }).catch(() => {
        this.guestFailed = true;
      });
    }
  }

  protected override render(): TemplateResult {
    if (!this.post) return html`<p role="alert">Set the post attribute to the post's id.</p>`;
    const light = this.#lightSnapshot();
    if (light) return this.#renderRoom(light, true);
    const state = this.#view.room.state;
    if (state.kind === 'signed-out' && this.open && !this.guestFailed) {
      return html`<p class="notice" role="status">Loading the discussion…</p>`;
    }
    // Guests cannot read a members-only discussion: "Continue as guest" would change nothing, so it is not offered.
    if (!this.open && (state.kind === 'signed-out' || (state.kind === 'room' && this.#isGuest()))) {
      return this.#renderMembersOnly(MEMBERS_ONLY_TEXT);
    }
    if (state.kind !== 'room') {
      return this.#view.renderStatus(state, this.homeserver, {
        loading: 'Loading the discussion…',
        signInPrompt: MEMBERS_ONLY_TEXT,
      });
    }
    return this.#renderRoom(state.snapshot);
  }

  /** The post's title and what keeps the visitor out, with a sign-in form that offers no guest access. */
  #renderMembersOnly(reason: string): TemplateResult {
    const state = this.#view.room.state;
    return html`
      ${this.#view.renderHeader(this.homeserver, { name: this.#name(), detail: this.postUrl, encrypted: !this.open })}
      ${state.kind === 'signed-out' && state.revoked ? html`<p class="notice" role="status">You were signed out.</p>` : nothing}
      <p class="notice">${reason}</p>
      <div class="sign-in">
        <slot name="sign-in">
          <omni-sign-in homeserver=${this.#view.homeserverFor(this.homeserver)} theme=${this.#view.theme.resolved} no-guest></omni-sign-in>
        </slot>
      </div>
    `;
  }

  #name(snapshot?: RoomSnapshot): string {
    return this.postTitle || snapshot?.name || this.post;
  }

  /** `light`: the light read's snapshot, shown read-only to a visitor before the engine has a session. */
  #renderRoom(snapshot: RoomSnapshot, light = false): TemplateResult {
    const guest = light || this.#isGuest();
    switch (snapshot.status) {
      case 'loading':
        return html`<p class="notice" role="status">Loading the discussion…</p>`;
      case 'error':
        // A guest on a post whose room only members may read is asked to sign in, not shown a failure.
        if (guest && snapshot.error?.code === 'forbidden') return this.#renderMembersOnly(snapshot.error.message);
        return this.#view.renderError(snapshot.error ?? { code: 'unknown', message: 'No reason given.' }, this.homeserver);
      case 'mismatch':
        return html`<p role="alert" part="mismatch">${snapshot.error?.message ?? "This discussion's address points to another room."}</p>`;
      default:
        break;
    }
    const name = this.#name(snapshot);
    const showSignIn = guest && this.showSignIn;
    const header = this.#view.renderHeader(this.homeserver, {
      name,
      detail: displayUrl(this.postUrl || snapshot.topic),
      encrypted: snapshot.encrypted,
    });
    // A guest on a post nobody wrote about yet: one notice that says what to do, not an empty state, a
    // disabled composer and a guest line that repeat it.
    if (guest && !showSignIn && snapshot.status === 'absent' && snapshot.items.length === 0 && !snapshot.canSend) {
      return html`
        ${header}
        <div class="empty" part="empty-state sign-in-prompt" role="status">
          <p>No messages yet. Sign in to start the discussion.</p>
          <button type="button" @click=${this.#onShowSignIn}>Sign in</button>
        </div>
      `;
    }
    return html`
      ${header} ${this.#view.renderConversation(snapshot, { label: `Discussion of ${name}`, emptyText: EMPTY_TEXT })}
      ${
        showSignIn
          ? this.#view.renderSignIn(this.homeserver)
          : this.#view.renderComposer(snapshot, `${this.#view.homeserverFor(this.homeserver)}|${snapshot.alias ?? this.post}`)
      }
      ${
        guest && !showSignIn
          ? html`<p class="invite" part="sign-in-prompt">
              ${snapshot.canSend ? 'You are writing as a guest.' : 'You are reading as a guest.'}
              <button type="button" @click=${this.#onShowSignIn}>Sign in</button>
            </p>`
          : nothing
      }
    `;
  }

  #onShowSignIn(): void {
    this.showSignIn = true;
  }
}
