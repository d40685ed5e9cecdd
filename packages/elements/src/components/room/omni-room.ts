import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { signIn, type OmniErrorInfo, type RoomSnapshot, type TimelineMessage } from '@omnisocial/core';
import { OmniElement } from '../../base/omni-element.ts';
import { RoomController } from '../../controllers/room-controller.ts';
import { OmniErrorEvent } from '../../events.ts';
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
 */
export class OmniRoom extends OmniElement {
  static override styles = [tokens, roomStyles];

  static override properties = {
    homeserver: { type: String, reflect: true },
    room: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    signInError: { state: true },
    sendError: { state: true },
    signingIn: { state: true },
  };

  /** A homeserver base URL (`https://matrix.example.org`) or server name (`example.org`). */
  declare homeserver: string;
  /** The room: `#alias:server` or `!roomid:server`. */
  declare room: string;
  /** `light` (default) or `dark`. */
  declare theme: 'light' | 'dark';
  declare private signInError: string | undefined;
  declare private sendError: string | undefined;
  declare private signingIn: boolean;

  readonly #controller = new RoomController(this, () => ({ homeserver: this.homeserver, room: this.room }));
  #reportedError: OmniErrorInfo | undefined;
  #stickToBottom = true;

  constructor() {
    super();
    this.homeserver = '';
    this.room = '';
    this.theme = 'light';
    this.signingIn = false;
  }

  protected override updated(): void {
    const state = this.#controller.state;
    const error = state.kind === 'error' ? state.error : state.kind === 'room' ? state.snapshot.error : undefined;
    if (error && error !== this.#reportedError) {
      this.#reportedError = error;
      this.emit(new OmniErrorEvent(error));
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
        return this.#renderSignIn();
      case 'room':
        return this.#renderRoom(state.snapshot);
    }
  }

  #renderSignIn(): TemplateResult {
    return html`
      <slot name="sign-in">
        <form class="sign-in" @submit=${this.#onSignIn} aria-label="Sign in to chat">
          <label>Username <input name="username" autocomplete="username" required /></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
          <button type="submit" ?disabled=${this.signingIn}>Sign in</button>
          ${this.signInError ? html`<p role="alert">${this.signInError}</p>` : nothing}
        </form>
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
          snapshot.messages,
          (message) => message.id,
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

  #renderMessage(message: TimelineMessage): TemplateResult {
    return html`
      <article part="message" class=${message.own ? 'own' : ''} aria-label=${`${message.senderName}: ${message.body}`}>
        <span class="sender">${message.senderName}</span>
        <span class="body">${message.body}</span>
        <span class="status ${message.status}">
          ${message.status === 'sent' ? timeFormat.format(message.timestamp) : message.status === 'sending' ? 'Sending…' : 'Not sent'}
        </span>
      </article>
    `;
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
    return state.kind === 'room' && state.snapshot.messages.some((m) => m.own && m.status !== 'sent' && m.body === body);
  }

  async #onSignIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const field = (name: string): string => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    const homeserver = this.#controller.homeserverUrl ?? this.homeserver;
    this.signingIn = true;
    this.signInError = undefined;
    try {
      await signIn({ homeserver, username: field('username'), password: field('password') });
    } catch (error) {
      this.signInError = error instanceof Error ? error.message : 'Sign-in failed.';
    } finally {
      this.signingIn = false;
    }
  }
}
