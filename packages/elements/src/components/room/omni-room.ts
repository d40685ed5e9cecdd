import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { type MessageItem, type OmniErrorInfo, type RoomSnapshot, type TimelineItem } from '@omnisocial/core';
import { OmniElement } from '../../base/omni-element.ts';
import { RoomController } from '../../controllers/room-controller.ts';
import { OmniErrorEvent, OmniSessionChangeEvent } from '../../events.ts';
import '../sign-in/define.ts';
import { tokens } from '../../theme/tokens.ts';
import { roomStyles } from './omni-room.styles.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * A Matrix room embedded in the page: its recent messages and a composer.
 *
 * @summary A community chat room.
 * @slot sign-in - Replaces the built-in sign-in form shown to signed-out visitors.
 * @csspart log - The timeline.
 * @csspart message - One message.
 * @csspart composer - The message composer form.
 * @cssproperty --omni-room-height - Height of the element (default 28rem).
 * @fires omni-error - The room or homeserver cannot be shown; `event.error` says why.
 * @fires omni-session-change - The member signed in or out, their session expired, or moved to another tab.
 */
export class OmniRoom extends OmniElement {
  static override styles = [tokens, roomStyles];

  static override properties = {
    homeserver: { type: String, reflect: true },
    room: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    sendError: { state: true },
  };

  /** A homeserver base URL (`https://matrix.example.org`) or server name (`example.org`). */
  declare homeserver: string;
  /** The room: `#alias:server` or `!roomid:server`. */
  declare room: string;
  /** `light` (default) or `dark`. */
  declare theme: 'light' | 'dark';
  declare private sendError: string | undefined;

  readonly #controller = new RoomController(this, () => ({ homeserver: this.homeserver, room: this.room }));
  #reportedError: OmniErrorInfo | undefined;
  #reportedSession = '';
  #stickToBottom = true;

  constructor() {
    super();
    this.homeserver = '';
    this.room = '';
    this.theme = 'light';
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
    const log = this.renderRoot.querySelector<HTMLElement>('.log');
    if (log && this.#stickToBottom) log.scrollTop = log.scrollHeight;
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
        <omni-sign-in homeserver=${this.#controller.homeserverUrl ?? this.homeserver} theme=${this.theme}></omni-sign-in>
      </slot>
    `;
  }

  #renderRoom(snapshot: RoomSnapshot): TemplateResult {
    if (snapshot.status === 'error') return html`<p role="alert">${snapshot.error?.message ?? 'This room cannot be shown.'}</p>`;
    if (snapshot.status === 'loading') return html`<p class="notice" role="status">Loading the room…</p>`;
    const name = snapshot.name ?? this.room;
    return html`
      <header>${name}</header>
      <div class="log" part="log" role="log" aria-label=${`Messages in ${name}`} tabindex="0" @scroll=${this.#onScroll}>
        ${repeat(
          snapshot.items.filter((item): item is MessageItem => item.kind === 'message'),
          (message) => message.key,
          (message) => this.#renderMessage(message),
        )}
      </div>
      <form part="composer" @submit=${this.#onSend}>
        <textarea
          aria-label="Message"
          placeholder=${snapshot.canSend ? 'Write a message…' : 'You cannot send messages here'}
          rows="1"
          ?disabled=${!snapshot.canSend}
          @keydown=${this.#onComposerKeydown}
        ></textarea>
        <button type="submit" ?disabled=${!snapshot.canSend}>Send</button>
      </form>
      ${this.sendError ? html`<p role="alert">${this.sendError}</p>` : nothing}
    `;
  }

  #renderMessage(message: MessageItem): TemplateResult {
    return html`
      <article part="message" class=${message.own ? 'own' : ''} aria-label=${`${message.sender.displayName}: ${message.body}`}>
        <span class="sender">${message.sender.displayName}</span>
        <span class="body">${message.body}</span>
        <span class="status ${message.status}">
          ${message.status === 'sent' ? timeFormat.format(message.timestamp) : message.status === 'failed' ? 'Not sent' : 'Sending…'}
        </span>
      </article>
    `;
  }

  #onUseHere(): void {
    void this.#controller.useHere();
  }

  #onScroll(event: Event): void {
    const log = event.currentTarget as HTMLElement;
    this.#stickToBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 32;
  }

  #onComposerKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
    }
  }

  async #onSend(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const textarea = (event.currentTarget as HTMLFormElement).querySelector('textarea');
    if (!textarea) return;
    const body = textarea.value.trim();
    if (!body) return;
    textarea.value = '';
    this.sendError = undefined;
    this.#stickToBottom = true;
    try {
      await this.#controller.send(body);
    } catch {
      // The engine keeps a failed local echo visible; a send that never reached it is put back.
      if (!this.#hasEcho(body) && textarea.value === '') textarea.value = body;
      this.sendError = 'The message could not be sent.';
    }
  }

  #hasEcho(body: string): boolean {
    const state = this.#controller.state;
    return (
      state.kind === 'room' &&
      state.snapshot.items.some((m: TimelineItem) => m.kind === 'message' && m.own && m.status !== 'sent' && m.body === body)
    );
  }
}
