import { html, nothing, type LitElement, type ReactiveController, type TemplateResult } from 'lit';
import {
  COMPOSER_COMMANDS,
  composeDraft,
  contentBytes,
  editContent,
  maxContentBytes,
  messageContent,
  sizeRefusal,
  type ComposerCommand,
  type MemberInfo,
  type MessageItem,
  type OutgoingMessage,
  type TimelineItem,
} from '@omnisocial/core';

/** What the composer needs to know of the room. */
export interface ComposerView {
  readonly canSend: boolean;
  readonly cannotSendReason?: string;
  /** Where the draft is kept (`homeserver + room`); undefined keeps no draft. */
  readonly draftKey?: string;
  /** The timeline, to find the member's last message for Up-to-edit. */
  readonly items: readonly TimelineItem[];
  /** Messages here are encrypted: less text fits in an event (see `maxContentBytes`). */
  readonly encrypted?: boolean;
}

/** Commands the composer gives. */
export interface ComposerActions {
  send(message: OutgoingMessage, replyTo?: string): Promise<void>;
  edit(eventId: string, message: OutgoingMessage): Promise<void>;
  setTyping(typing: boolean): void;
  searchMembers(query: string): Promise<readonly MemberInfo[]>;
  /** Called after a message went out, e.g. to scroll the timeline to it. */
  sent?(): void;
}

interface MentionQuery {
  /** Where the `@` is in the text. */
  readonly start: number;
  readonly query: string;
}

const DRAFT_PREFIX = 'omni-draft:';
const DRAFT_DELAY = 400;
const TYPING_IDLE = 4000;

/** From this share of the limit on, the composer counts what is left. */
const COUNTER_FROM = 0.8;
/** Below this many bytes of text, even Markdown's HTML copy cannot reach the counter: nothing to measure. */
const MEASURE_FROM = 0.2;
const MEASURE_DELAY = 150;

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The pills (`matrix.to` user links) of a message, so that editing it keeps its mentions. */
export function mentionsIn(formattedBody: string | undefined): MemberInfo[] {
  if (!formattedBody) return [];
  const found: MemberInfo[] = [];
  for (const match of formattedBody.matchAll(/<a href="https:\/\/matrix\.to\/#\/(@[^"]+)">([^<]+)<\/a>/g)) {
    const unescape = (text: string): string => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => HTML_ENTITIES[entity] ?? entity);
    found.push({ userId: decodeURIComponent(unescape(match[1] ?? '')), displayName: unescape(match[2] ?? '') });
  }
  return found;
}

/**
 * The message composer, rendered into its host's shadow root: a textbox named "Message" and a "Send"
 * button; Enter sends, Shift+Enter adds a line, Up in an empty composer edits the member's last
 * message, Esc cancels a reply or edit; a per-room draft in `localStorage`; `@` mention autocomplete
 * (a listbox driven by `aria-activedescendant`); a lazily loaded emoji picker; typing notifications.
 */
export class ComposerController implements ReactiveController {
  readonly #host: LitElement;
  readonly #actions: () => ComposerActions;
  #view: ComposerView | undefined;
  #replyTo: MessageItem | undefined;
  #editing: MessageItem | undefined;
  /** The draft put aside while editing a message. */
  #draftBeforeEdit = '';
  /** Members picked from the list: their names in the text become pills and `m.mentions`. */
  #mentions: MemberInfo[] = [];
  /** The size of the message as it would be sent, once it nears the limit. */
  #size: { readonly bytes: number; readonly max: number } | undefined;
  #sizeTimer: ReturnType<typeof setTimeout> | undefined;
  #mentionQuery: MentionQuery | undefined;
  #suggestions: readonly MemberInfo[] = [];
  /** The commands a lone `/word` at the start could be: offered in the same list as mentions. */
  #commands: readonly ComposerCommand[] = [];
  #activeSuggestion = 0;
  #searchGeneration = 0;
  #emojiOpen = false;
  #emojiLoaded = false;
  #error: string | undefined;
  #loadedDraftKey: string | undefined;
  #draftTimer: ReturnType<typeof setTimeout> | undefined;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #typing = false;

  readonly #onSubmitHandler = (event: SubmitEvent): void => void this.#onSubmit(event);

  readonly #onKeydownHandler = (event: KeyboardEvent): void => {
    this.#onKeydown(event);
  };

  readonly #onInputHandler = (event: Event): void => {
    this.#onInput(event);
  };

  readonly #onBlurHandler = (): void => {
    this.#onBlur();
  };

  readonly #toggleEmojiHandler = (): void => void this.#toggleEmoji();

  readonly #onEmojiClickHandler = (event: Event): void => {
    this.#onEmojiClick(event);
  };

  constructor(host: LitElement, actions: () => ComposerActions) {
    this.#host = host;
    this.#actions = actions;
    host.addController(this);
  }

  hostUpdated(): void {
    const key = this.#view?.draftKey;
    if (key !== this.#loadedDraftKey && this.textarea) {
      this.#loadedDraftKey = key;
      this.textarea.value = key ? readDraft(key) : '';
    }
  }

  hostDisconnected(): void {
    clearTimeout(this.#sizeTimer);
    this.#flushDraft();
    this.#stopTyping();
  }

  get textarea(): HTMLTextAreaElement | null {
    return this.#host.renderRoot.querySelector<HTMLTextAreaElement>('textarea.composer-input');
  }

  get replyTo(): MessageItem | undefined {
    return this.#replyTo;
  }

  get editing(): MessageItem | undefined {
    return this.#editing;
  }

  /** Starts a reply to this message and focuses the textbox. */
  startReply(message: MessageItem): void {
    this.#cancelEdit();
    this.#replyTo = message;
    this.#refreshAndFocus();
  }

  /** Puts one of the member's messages in the composer to edit it. */
  startEdit(message: MessageItem): void {
    const textarea = this.textarea;
    if (!message.eventId || !textarea) return;
    if (!this.#editing) this.#draftBeforeEdit = textarea.value;
    this.#replyTo = undefined;
    this.#editing = message;
    textarea.value = message.msgtype === 'emote' ? `/me ${message.body}` : message.body;
    this.#mentions = mentionsIn(message.formattedBody);
    this.#measureSoon();
    this.#refreshAndFocus(true);
  }

  /** Cancels a reply or an edit; returns whether there was one. */
  cancel(): boolean {
    if (this.#editing) {
      this.#cancelEdit();
      this.#refreshAndFocus();
      return true;
    }
    if (this.#replyTo) {
      this.#replyTo = undefined;
      this.#refreshAndFocus();
      return true;
    }
    return false;
  }

  render(view: ComposerView): TemplateResult {
    this.#view = view;
    const disabled = !view.canSend;
    // Once sending was refused for its size, the alert gives the figures: the counter would only repeat them.
    const near = this.#size && this.#size.bytes >= this.#size.max * COUNTER_FROM ? this.#size : undefined;
    const size = near && !(this.#error && near.bytes > near.max) ? near : undefined;
    const listOpen = this.#commands.length > 0 || (this.#mentionQuery !== undefined && this.#suggestions.length > 0);
    const banner = this.#editing
      ? html`<span><strong>Editing</strong> your message</span>`
      : this.#replyTo
        ? html`<span
            ><strong>Replying to ${this.#replyTo.sender.displayName}</strong>: <span class="quote">${this.#replyTo.body}</span></span
          >`
        : undefined;
    return html`
      <form part="composer" class="composer" aria-label="Compose a message" @submit=${this.#onSubmitHandler}>
        ${
          banner
            ? html`<div class="banner" part="composer-banner" role="status">
                ${banner}
                <button type="button" class="cancel" aria-keyshortcuts="Escape" @click=${() => this.cancel()}>
                  ${this.#editing ? 'Cancel edit' : 'Cancel reply'}
                </button>
              </div>`
            : nothing
        }
        ${disabled ? html`<p class="reason" id="composer-reason">${view.cannotSendReason ?? 'You cannot send messages here.'}</p>` : nothing}
        ${
          this.#commands.length > 0
            ? html`<ul class="mentions" part="mention-list" id="composer-mentions" role="listbox" aria-label="Commands">
                ${this.#commands.map(
                  (command, index) =>
                    html`<li
                      role="option"
                      id=${`composer-mention-${index}`}
                      aria-selected=${index === this.#activeSuggestion ? 'true' : 'false'}
                      @mousedown=${(event: MouseEvent) => {
                        event.preventDefault();
                        this.#pickCommand(command);
                      }}
                    >
                      <span class="name">${command.usage}</span> <span class="id">${command.description}</span>
                    </li>`,
                )}
              </ul>`
            : listOpen
              ? html`<ul class="mentions" part="mention-list" id="composer-mentions" role="listbox" aria-label="Members">
                  ${this.#suggestions.map(
                    (member, index) =>
                      html`<li
                        role="option"
                        id=${`composer-mention-${index}`}
                        aria-selected=${index === this.#activeSuggestion ? 'true' : 'false'}
                        @mousedown=${(event: MouseEvent) => {
                          event.preventDefault();
                          this.#pickMention(member);
                        }}
                      >
                        <span class="name">${member.displayName}</span> <span class="id">${member.userId}</span>
                      </li>`,
                  )}
                </ul>`
              : nothing
        }
        ${
          this.#emojiOpen && this.#emojiLoaded
            ? html`<emoji-picker
                class="emoji-picker"
                part="emoji-picker"
                data-source=${this.#emojiDataUrl}
                @emoji-click=${this.#onEmojiClickHandler}
              ></emoji-picker>`
            : nothing
        }
        <div class="row">
          <textarea
            class="composer-input"
            part="textbox"
            aria-label="Message"
            aria-describedby=${disabled ? 'composer-reason' : size ? 'composer-counter' : nothing}
            aria-autocomplete="list"
            aria-controls=${listOpen ? 'composer-mentions' : nothing}
            aria-activedescendant=${listOpen ? `composer-mention-${this.#activeSuggestion}` : nothing}
            placeholder=${disabled ? 'You cannot send messages here' : 'Write a message…'}
            rows="1"
            ?disabled=${disabled}
            @keydown=${this.#onKeydownHandler}
            @input=${this.#onInputHandler}
            @blur=${this.#onBlurHandler}
          ></textarea>
          <button
            type="button"
            class="icon"
            part="emoji-button"
            aria-label="Emoji"
            aria-haspopup="dialog"
            aria-expanded=${this.#emojiOpen ? 'true' : 'false'}
            ?disabled=${disabled}
            @click=${this.#toggleEmojiHandler}
          >
            <span aria-hidden="true">☺</span>
          </button>
          <button type="submit" class="send" part="send-button" ?disabled=${disabled}>Send</button>
        </div>
        ${
          size
            ? html`<p class="counter ${size.bytes > size.max ? 'over' : ''}" id="composer-counter">
                ${
                  size.bytes > size.max
                    ? `Too long by ${(size.bytes - size.max).toLocaleString('en')} bytes: shorten it or split it into several messages.`
                    : `${(size.max - size.bytes).toLocaleString('en')} bytes left in this message.`
                }
              </p>`
            : nothing
        }
        ${this.#error ? html`<p role="alert" class="error">${this.#error}</p>` : nothing}
      </form>
    `;
  }

  #refreshAndFocus(toEnd = false): void {
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => {
      const textarea = this.textarea;
      if (!textarea) return;
      textarea.focus();
      if (toEnd) textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    });
  }

  #cancelEdit(): void {
    if (!this.#editing) return;
    this.#editing = undefined;
    const textarea = this.textarea;
    if (textarea) textarea.value = this.#draftBeforeEdit;
    this.#draftBeforeEdit = '';
    this.#mentions = [];
    this.#measureSoon();
  }

  #onKeydown(event: KeyboardEvent): void {
    const textarea = event.currentTarget as HTMLTextAreaElement;
    if (event.isComposing) return;
    const commands = this.#commands;
    const listOpen = commands.length > 0 || (this.#mentionQuery !== undefined && this.#suggestions.length > 0);
    if (listOpen) {
      const count = commands.length > 0 ? commands.length : this.#suggestions.length;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.#activeSuggestion = (this.#activeSuggestion + (event.key === 'ArrowDown' ? 1 : count - 1)) % count;
        this.#host.requestUpdate();
        return;
      }
      const command = commands[this.#activeSuggestion];
      if (command && (event.key === 'Enter' || event.key === 'Tab')) {
        event.preventDefault();
        this.#pickCommand(command);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        const member = this.#suggestions[this.#activeSuggestion];
        if (member) {
          event.preventDefault();
          this.#pickMention(member);
          return;
        }
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        this.#closeMentions();
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      textarea.form?.requestSubmit();
      return;
    }
    if (event.key === 'Escape') {
      if (this.#emojiOpen) {
        this.#emojiOpen = false;
        this.#host.requestUpdate();
        event.preventDefault();
        return;
      }
      if (this.cancel()) event.preventDefault();
      return;
    }
    if (event.key === 'ArrowUp' && textarea.value === '' && !event.shiftKey) {
      const last = this.#lastOwnMessage();
      if (last) {
        event.preventDefault();
        this.startEdit(last);
      }
    }
  }

  #lastOwnMessage(): MessageItem | undefined {
    const items = this.#view?.items ?? [];
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item?.kind === 'message' && item.own && !item.redacted && item.eventId && item.msgtype !== 'image' && item.msgtype !== 'file')
        return item;
    }
    return undefined;
  }

  #onInput(event: Event): void {
    const textarea = event.currentTarget as HTMLTextAreaElement;
    this.#error = undefined;
    if (!this.#editing) this.#scheduleDraft();
    if (textarea.value.trim() === '') {
      this.#stopTyping();
      this.#mentions = [];
    } else this.#noteTyping();
    this.#updateMentionQuery(textarea);
    this.#measureSoon();
  }

  /** Measures the message as it would be sent, a moment after typing stops: composing 60 KB takes a while. */
  #measureSoon(): void {
    clearTimeout(this.#sizeTimer);
    this.#sizeTimer = setTimeout(() => this.#measure(), this.#size ? 0 : MEASURE_DELAY);
  }

  #measure(): void {
    const textarea = this.textarea;
    const max = maxContentBytes(this.#view?.encrypted ?? false);
    const before = this.#size;
    this.#size = undefined;
    if (textarea && new TextEncoder().encode(textarea.value).length >= max * MEASURE_FROM) {
      const draft = composeDraft(textarea.value, this.#mentions);
      if (draft.kind === 'message') this.#size = { bytes: contentBytes(this.#contentOf(draft.message)), max };
    }
    if (before?.bytes !== this.#size?.bytes) this.#host.requestUpdate();
  }

  /** The content the room will send for this message: an edit, a reply or a new message. */
  #contentOf(message: OutgoingMessage): Record<string, unknown> {
    const editing = this.#editing?.eventId;
    if (editing) return editContent(editing, message);
    const replyTo = this.#replyTo?.eventId;
    return messageContent(message, replyTo ? { replyTo } : {});
  }

  #onBlur(): void {
    this.#flushDraft();
  }

  #noteTyping(): void {
    if (!this.#typing) {
      this.#typing = true;
      this.#actions().setTyping(true);
    }
    clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => this.#stopTyping(), TYPING_IDLE);
  }

  #stopTyping(): void {
    clearTimeout(this.#typingTimer);
    this.#typingTimer = undefined;
    if (this.#typing) {
      this.#typing = false;
      this.#actions().setTyping(false);
    }
  }

  #scheduleDraft(): void {
    clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => this.#flushDraft(), DRAFT_DELAY);
  }

  #flushDraft(): void {
    clearTimeout(this.#draftTimer);
    this.#draftTimer = undefined;
    const key = this.#loadedDraftKey;
    const textarea = this.textarea;
    if (!key || !textarea || this.#editing) return;
    writeDraft(key, textarea.value);
  }

  #updateMentionQuery(textarea: HTMLTextAreaElement): void {
    const caret = textarea.selectionStart;
    const before = textarea.value.slice(0, caret);
    // A lone `/word` is a command being typed: offer the real ones that match.
    const command = caret === textarea.value.length ? /^\/([A-Za-z]*)$/.exec(before) : null;
    const commands = command ? COMPOSER_COMMANDS.filter((c) => c.name.startsWith((command[1] ?? '').toLowerCase())) : [];
    if (commands.length > 0 || this.#commands.length > 0) {
      this.#closeMentions();
      this.#commands = commands;
      this.#activeSuggestion = 0;
      this.#host.requestUpdate();
      if (commands.length > 0) return;
    }
    const match = /(^|\s)@([^\s@]{0,40})$/.exec(before);
    if (!match) {
      this.#closeMentions();
      return;
    }
    const query = match[2] ?? '';
    this.#mentionQuery = { start: caret - query.length - 1, query };
    const generation = ++this.#searchGeneration;
    void this.#actions()
      .searchMembers(query)
      .then((members) => {
        if (generation !== this.#searchGeneration) return;
        this.#suggestions = members;
        this.#activeSuggestion = 0;
        this.#host.requestUpdate();
      })
      .catch(() => undefined);
  }

  #closeMentions(): void {
    this.#searchGeneration += 1;
    if (this.#commands.length > 0) {
      this.#commands = [];
      this.#host.requestUpdate();
    }
    if (this.#mentionQuery === undefined && this.#suggestions.length === 0) return;
    this.#mentionQuery = undefined;
    this.#suggestions = [];
    this.#host.requestUpdate();
  }

  #pickMention(member: MemberInfo): void {
    const textarea = this.textarea;
    const query = this.#mentionQuery;
    if (!textarea || !query) return;
    const token = `@${member.displayName} `;
    const end = query.start + 1 + query.query.length;
    textarea.value = textarea.value.slice(0, query.start) + token + textarea.value.slice(end);
    const caret = query.start + token.length;
    textarea.setSelectionRange(caret, caret);
    this.#mentions.push(member);
    this.#closeMentions();
    this.#scheduleDraft();
    textarea.focus();
  }

  #pickCommand(command: ComposerCommand): void {
    const textarea = this.textarea;
    if (!textarea) return;
    textarea.value = `/${command.name} `;
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    this.#closeMentions();
    this.#scheduleDraft();
    textarea.focus();
  }

  #emojiDataUrl = '';

  async #toggleEmoji(): Promise<void> {
    this.#emojiOpen = !this.#emojiOpen;
    if (this.#emojiOpen && !this.#emojiLoaded) {
      // About 40 KB: paid only by members who open the picker. Its emoji data is served with our
      // own assets (the picker would fetch it from a CDN otherwise: another origin, blocked by strict CSPs).
      const [, data] = await Promise.all([import('emoji-picker-element'), import('emoji-picker-element-data/en/emojibase/data.json?url')]);
      this.#emojiDataUrl = data.default;
      this.#emojiLoaded = true;
    }
    this.#host.requestUpdate();
    if (this.#emojiOpen) {
      await this.#host.updateComplete;
      this.#host.renderRoot.querySelector<HTMLElement>('emoji-picker')?.focus();
    }
  }

  #onEmojiClick(event: Event): void {
    const unicode = (event as CustomEvent<{ unicode?: string }>).detail.unicode;
    const textarea = this.textarea;
    if (!unicode || !textarea) return;
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    textarea.value = textarea.value.slice(0, start) + unicode + textarea.value.slice(end);
    textarea.setSelectionRange(start + unicode.length, start + unicode.length);
    this.#emojiOpen = false;
    this.#host.requestUpdate();
    this.#scheduleDraft();
    textarea.focus();
  }

  async #onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const textarea = this.textarea;
    const view = this.#view;
    if (!textarea || !view?.canSend) return;
    const text = textarea.value;
    const draft = composeDraft(text, this.#mentions);
    if (draft.kind === 'empty') return;
    // Nothing that cannot go out leaves the composer: the text stays for the member to fix.
    const refusal = draft.kind === 'invalid' ? draft.reason : sizeRefusal(this.#contentOf(draft.message), view.encrypted ?? false)?.message;
    if (draft.kind === 'invalid' || refusal !== undefined) {
      this.#error = refusal;
      this.#closeMentions();
      this.#host.requestUpdate();
      return;
    }
    const message = draft.message;
    const editing = this.#editing;
    const replyTo = this.#replyTo;
    const mentions = this.#mentions;
    this.#stopTyping();
    this.#closeMentions();
    this.#mentions = [];
    this.#size = undefined;
    this.#error = undefined;
    if (editing?.eventId) {
      this.#editing = undefined;
      textarea.value = this.#draftBeforeEdit;
      this.#draftBeforeEdit = '';
    } else {
      this.#replyTo = undefined;
      textarea.value = '';
      this.#flushDraft();
    }
    const left = textarea.value;
    this.#host.requestUpdate();
    this.#actions().sent?.();
    try {
      if (editing?.eventId) {
        if (message.body !== editing.body || message.formattedBody !== editing.formattedBody)
          await this.#actions().edit(editing.eventId, message);
      } else {
        await this.#actions().send(message, replyTo?.eventId);
      }
    } catch (error) {
      // The room keeps a failed local echo with its reason; a message that never got that far is put back.
      const echoed = (this.#view ?? view).items.some(
        (m) => m.kind === 'message' && m.own && m.status !== 'sent' && m.body === message.body,
      );
      if (!echoed && textarea.value === left) {
        textarea.value = text;
        this.#mentions = mentions;
        if (editing) {
          this.#editing = editing;
          this.#draftBeforeEdit = left;
        } else if (replyTo) this.#replyTo = replyTo;
      }
      const reason = error instanceof Error && 'code' in error && error.code === 'too-large' ? error.message : undefined;
      this.#error = reason ?? (editing ? 'The edit could not be saved.' : 'The message could not be sent.');
      this.#host.requestUpdate();
    }
  }
}

function readDraft(key: string): string {
  try {
    return localStorage.getItem(DRAFT_PREFIX + key) ?? '';
  } catch {
    return '';
  }
}

function writeDraft(key: string, value: string): void {
  try {
    if (value.trim()) localStorage.setItem(DRAFT_PREFIX + key, value);
    else localStorage.removeItem(DRAFT_PREFIX + key);
  } catch {
    // Storage full or blocked (private mode): the draft lives only in the page.
  }
}
