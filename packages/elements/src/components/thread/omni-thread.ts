import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { LinkPreview, MediaRequest, MemberInfo, MessageItem, OutgoingMessage, ThreadHandle, ThreadSnapshot } from '@omnisocial/core';
import { OmniElement } from '../../base/omni-element.ts';
import { composerStyles } from '../composer/composer.styles.ts';
import { ComposerController } from '../composer/composer.ts';
import { messageBodyStyles } from '../message-body/message-body.styles.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { TimelineController } from '../timeline/timeline.ts';
import { timelineStyles } from '../timeline/timeline.styles.ts';
import { threadStyles } from './omni-thread.styles.ts';

/** The element focus is in, looking through shadow roots. */
function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** What the thread panel asks of its room, besides the thread itself. */
export interface ThreadRoomActions {
  toggleReaction(eventId: string, key: string): void;
  edit(eventId: string, message: OutgoingMessage): Promise<void>;
  redact(message: MessageItem): void;
  retry(key: string): void;
  cancel(key: string): void;
  setTyping(typing: boolean): void;
  searchMembers(query: string): Promise<readonly MemberInfo[]>;
  loadMedia(request: MediaRequest): Promise<string>;
  /** The homeserver's preview of a link (cards show where `linkPreviews` is on). */
  previewLink(url: string): Promise<LinkPreview | undefined>;
}

/** The panel asks to be closed (its close button, or Escape); the room view closes it. Does not bubble. */
export class OmniThreadCloseEvent extends Event {
  constructor() {
    super('omni-thread-close');
  }
}

/**
 * A reader of the thread from outside the discussion asks to sign in to reply (the room view shows its sign-in).
 * Does not bubble.
 */
export class OmniThreadSignInEvent extends Event {
  constructor() {
    super('omni-thread-sign-in');
  }
}

/**
 * One thread of a room (`m.thread`), in a side panel beside the room's timeline on a wide element
 * and over it on a narrow one: the root and its replies in a virtualised log of their own, their own
 * read state and a composer that replies in the thread. Close (or Escape) hands focus back to the
 * room view, which put it here. An internal element: room views render it, pages do not.
 */
export class OmniThread extends OmniElement {
  static override styles = [threadStyles, timelineStyles, messageBodyStyles, messageTileStyles, composerStyles];

  static override properties = {
    handle: { attribute: false },
    actions: { attribute: false },
    canSend: { attribute: false },
    cannotSendReason: { attribute: false },
    encrypted: { attribute: false },
    draftKey: { attribute: false },
    mentionRoom: { attribute: false },
    linkPreviews: { attribute: false },
  };

  declare handle: ThreadHandle | undefined;
  declare actions: ThreadRoomActions | undefined;
  declare canSend: boolean;
  declare cannotSendReason: string | undefined;
  declare encrypted: boolean;
  declare draftKey: string | undefined;
  /** The member may notify the whole room (`@room`). */
  declare mentionRoom: boolean;
  /** Link previews are on in the room (its header's switch): replies' first links get cards, as in the timeline. */
  declare linkPreviews: boolean;

  #snapshot: ThreadSnapshot | undefined;
  #unsubscribe: (() => void) | undefined;
  #subscribed: ThreadHandle | undefined;

  readonly #timeline = new TimelineController(
    this,
    () => {
      const room = this.#room();
      return {
        paginateBackwards: () => this.handle?.paginateBackwards() ?? Promise.resolve(false),
        toggleReaction: (eventId, key) => room.toggleReaction(eventId, key),
        reply: (message) => this.#composer.startReply(message),
        edit: (message) => this.#composer.startEdit(message),
        redact: (message) => room.redact(message),
        retry: (key) => room.retry(key),
        cancel: (key) => room.cancel(key),
        markRead: (eventId) => this.handle?.markRead(eventId),
        loadMedia: (request) => room.loadMedia(request),
        previewLink: (url) => room.previewLink(url),
      };
    },
    { compact: true },
  );

  readonly #composer = new ComposerController(this, () => {
    const room = this.#room();
    return {
      send: (message, replyTo) => this.handle?.send(message, replyTo ? { replyTo } : {}) ?? Promise.resolve(),
      edit: (eventId, message) => room.edit(eventId, message),
      setTyping: (typing) => room.setTyping(typing),
      searchMembers: (query) => room.searchMembers(query),
      sent: () => void this.#timeline.scrollToLatest(),
    };
  });

  constructor() {
    super();
    this.canSend = false;
    this.encrypted = false;
    this.mentionRoom = false;
    this.linkPreviews = false;
    this.addEventListener('keydown', this.#onKeydown);
  }

  #room(): ThreadRoomActions {
    const actions = this.actions;
    if (!actions) throw new Error('The thread panel has no room.');
    return actions;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#subscribed = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('handle') || !this.#subscribed) && this.handle !== this.#subscribed) {
      this.#unsubscribe?.();
      this.#subscribed = this.handle;
      this.#snapshot = this.handle?.snapshot;
      this.#unsubscribe = this.handle?.subscribe((snapshot) => {
        this.#snapshot = snapshot;
        this.requestUpdate();
      });
    }
  }

  /**
   * Focuses the composer (or, where the member cannot write, the thread's log). A thread still loading has
   * neither yet: focus goes there once it shows, unless the member has put it somewhere else meanwhile.
   */
  async focusStart(): Promise<void> {
    await this.updateComplete;
    if (this.#focusStart()) return;
    this.#pendingFocus = deepActiveElement();
  }

  #focusStart(): boolean {
    const textarea = this.#composer.textarea;
    const target = textarea && this.canSend && !textarea.disabled ? textarea : this.renderRoot.querySelector<HTMLElement>('.log');
    target?.focus();
    return target !== null;
  }

  /** Where focus was when the thread asked for it before it could take it. */
  #pendingFocus: Element | null | undefined;

  protected override updated(): void {
    const pending = this.#pendingFocus;
    if (pending === undefined) return;
    const now = deepActiveElement();
    if (now !== pending && now !== null && now !== document.body) {
      this.#pendingFocus = undefined;
      return;
    }
    if (this.#focusStart()) this.#pendingFocus = undefined;
  }

  /** Starts a quoted reply to a message of the thread in its composer. */
  replyTo(message: MessageItem): void {
    this.#composer.startReply(message);
  }

  readonly #onKeydown = (event: KeyboardEvent): void => {
    // Escape first closes what is open inside (a menu, a reply, the emoji picker), which prevent it.
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    this.#close();
  };

  #close(): void {
    this.dispatchEvent(new OmniThreadCloseEvent());
  }

  protected override render(): TemplateResult {
    const snapshot = this.#snapshot;
    const root = snapshot?.root;
    const title = root ? msg(str`Thread of ${root.sender.displayName}’s message`) : msg('Thread');
    return html`
      <div class="thread-header" part="thread-header">
        <button type="button" class="thread-close" part="thread-close" aria-keyshortcuts="Escape" @click=${() => this.#close()}>
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M10 3.5 5.5 8l4.5 4.5" /></svg>
          <span>${msg('Close thread')}</span>
        </button>
        <h2 class="thread-title">${msg('Thread')}</h2>
        ${snapshot && snapshot.unreadCount > 0 ? html`<span class="thread-count">${msg(str`${snapshot.unreadCount} unread`)}</span>` : nothing}
      </div>
      ${this.#renderBody(snapshot, title)}
    `;
  }

  #renderBody(snapshot: ThreadSnapshot | undefined, title: string): TemplateResult {
    if (!snapshot || (snapshot.status === 'loading' && snapshot.items.length === 0)) {
      return html`<p class="notice" role="status">${msg('Loading the thread…')}</p>`;
    }
    if (snapshot.status === 'error' && !snapshot.root) {
      return html`<p class="notice" role="alert">${snapshot.error?.message ?? msg('This thread cannot be shown.')}</p>`;
    }
    return html`
      ${this.#timeline.render({
        label: title,
        items: snapshot.items,
        hasMoreBefore: snapshot.hasMoreBefore,
        paginating: snapshot.paginating,
        typing: [],
        unreadCount: snapshot.unreadCount,
        linkPreviews: this.linkPreviews,
      })}
      ${snapshot.error ? html`<p class="notice" role="alert">${snapshot.error.message}</p>` : nothing}
      ${
        snapshot.readOnly
          ? html`<p class="invite" part="sign-in-prompt">
              ${msg('Sign in to reply in this thread.')}
              <button type="button" @click=${() => this.dispatchEvent(new OmniThreadSignInEvent())}>${msg('Sign in')}</button>
            </p>`
          : this.#renderComposer(snapshot)
      }
    `;
  }

  #renderComposer(snapshot: ThreadSnapshot): TemplateResult {
    return this.#composer.render({
      canSend: this.canSend,
      ...(this.cannotSendReason ? { cannotSendReason: this.cannotSendReason } : {}),
      ...(this.draftKey ? { draftKey: this.draftKey } : {}),
      items: snapshot.items,
      encrypted: this.encrypted,
      mentionRoom: this.mentionRoom,
      label: msg('Reply in the thread'),
    });
  }
}
