import { msg, str } from '@lit/localize';
import { memberMessage } from '../../i18n/member-error.ts';
import { html, nothing, type LitElement, type ReactiveController, type TemplateResult } from 'lit';
import {
  contentBytes,
  editContent,
  maxContentBytes,
  mentionsIn,
  messageContent,
  sizeRefusal,
  TypingNotifier,
  type MemberInfo,
  type MessageItem,
  type OutgoingMessage,
} from '@omnisocial/core';
import { drafting, sanitizer } from '../../base/lazy-module.ts';
import { draftRefusal } from './command-texts.ts';
import { ComposerAttachments } from './composer-attachments.ts';
import { ComposerDrafting } from './composer-drafting.ts';
import type { ComposerActions, ComposerView } from './composer-types.ts';
import { readDraft, writeDraft } from './composer-drafts.ts';
import { ComposerEmoji } from './composer-emoji.ts';
import { ComposerSize } from './composer-size.ts';
import { ComposerSuggestions } from './composer-suggestions.ts';

export type { ComposerActions, ComposerView } from './composer-types.ts';

const DRAFT_DELAY = 400;

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
  readonly #size: ComposerSize;
  readonly #suggestions: ComposerSuggestions;
  readonly #emoji: ComposerEmoji;
  readonly #attachments: ComposerAttachments;
  readonly #typing: TypingNotifier;
  #error: string | undefined;
  #loadedDraftKey: string | undefined;
  readonly #drafting = new ComposerDrafting(() => {
    this.#error = msg('The message could not be prepared: check your connection and press Send again.');
    this.#host.requestUpdate();
  });
  #draftTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #onSubmitHandler = (event: SubmitEvent): void => void this.#onSubmit(event);

  readonly #onKeydownHandler = (event: KeyboardEvent): void => {
    this.#onKeydown(event);
  };

  /** A member about to write: Markdown's parser for the draft, and the sanitiser that shows their formatted echo. */
  readonly #preloadDrafting = (event: Event): void => {
    if (event.composedPath()[0] !== this.textarea) return;
    drafting.load().catch(() => undefined);
    sanitizer.load().catch(() => undefined);
  };
  readonly #onInputHandler = (event: Event): void => {
    this.#onInput(event);
  };

  readonly #onBlurHandler = (): void => {
    this.#onBlur();
  };

  constructor(host: LitElement, actions: () => ComposerActions) {
    this.#host = host;
    this.#actions = actions;
    this.#typing = new TypingNotifier((typing) => this.#actions().setTyping(typing));
    const textarea = (): HTMLTextAreaElement | null => this.textarea;
    this.#suggestions = new ComposerSuggestions({
      requestUpdate: () => this.#host.requestUpdate(),
      textarea,
      searchMembers: (query) => this.#actions().searchMembers(query),
      mentioned: (member) => this.#mentions.push(member),
      changed: () => this.#scheduleDraft(),
      mayMentionRoom: () => this.#view?.mentionRoom === true,
    });
    this.#emoji = new ComposerEmoji(host, (unicode) => this.#insertEmoji(unicode));
    this.#attachments = new ComposerAttachments(host, () => {
      const actions = this.#actions();
      if (!actions.checkAttachment || !actions.sendAttachment) return undefined;
      return {
        checkAttachment: (file) => actions.checkAttachment?.(file) ?? Promise.resolve(),
        sendAttachment: (file, caption, replyTo) => actions.sendAttachment?.(file, caption, replyTo) ?? Promise.resolve(),
        accept: () => actions.acceptFiles?.(),
      };
    });
    this.#size = new ComposerSize(
      () => this.#host.requestUpdate(),
      () => {
        const text = this.textarea?.value;
        if (text === undefined) return undefined;
        const bytes = (): number | undefined => {
          const compose = drafting.now();
          if (!compose) {
            void drafting.load().then(
              () => this.#size.soon(),
              () => undefined,
            );
            return undefined;
          }
          const draft = compose.composeDraft(text, this.#mentions);
          return draft.kind === 'message' ? contentBytes(this.#contentOf(draft.message)) : undefined;
        };
        return { text, max: maxContentBytes(this.#view?.encrypted ?? false), bytes };
      },
    );
    host.addController(this);
  }

  hostUpdated(): void {
    const key = this.#view?.draftKey;
    if (key !== this.#loadedDraftKey && this.textarea) {
      this.#loadedDraftKey = key;
      this.textarea.value = key ? readDraft(key) : '';
    }
  }

  hostConnected(): void {
    this.#attachments.connect();
    // Markdown's parser loads when the member starts to write, not with the conversation.
    this.#host.addEventListener('focusin', this.#preloadDrafting);
    this.#host.addEventListener('input', this.#preloadDrafting);
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('focusin', this.#preloadDrafting);
    this.#host.removeEventListener('input', this.#preloadDrafting);
    this.#attachments.disconnect();
    this.#size.dispose();
    this.#flushDraft();
    this.#typing.stop();
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
    this.#size.soon();
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
    const reasonLine = disabled && view.waiting !== true;
    const placeholder = reasonLine ? msg('You cannot send messages here') : (disabled && view.cannotSendReason) || msg('Write a message…');
    // Once sending was refused for its size, the alert gives the figures: the counter would only repeat them.
    const size = this.#size.shown(this.#error !== undefined);
    const listOpen = this.#suggestions.open;
    const banner = this.#editing
      ? html`<span><strong>${msg('Editing your message')}</strong></span>`
      : this.#replyTo
        ? html`<span
            ><strong>${msg(str`Replying to ${this.#replyTo.sender.displayName}`)}</strong>:
            <span class="quote">${this.#replyTo.body}</span></span
          >`
        : undefined;
    return html`
      <form part="composer" class="composer" aria-label=${view.label ?? msg('Compose a message')} @submit=${this.#onSubmitHandler}>
        ${
          banner
            ? html`<div class="banner" part="composer-banner" role="status">
                ${banner}
                <button type="button" class="cancel" aria-keyshortcuts="Escape" @click=${() => this.cancel()}>
                  ${this.#editing ? msg('Cancel edit') : msg('Cancel reply')}
                </button>
              </div>`
            : nothing
        }
        ${reasonLine ? html`<p class="reason" id="composer-reason">${view.cannotSendReason ?? msg('You cannot send messages here.')}</p>` : nothing}
        ${this.#suggestions.render()} ${this.#emoji.render()} ${disabled ? nothing : this.#attachments.renderTray()}
        ${disabled ? nothing : this.#attachments.renderDropTarget()}
        <div class="row">
          <textarea
            class="composer-input"
            part="textbox"
            aria-label=${msg('Message', { id: 'composer-message-label' })}
            aria-describedby=${reasonLine ? 'composer-reason' : size ? 'composer-counter' : nothing}
            aria-autocomplete="list"
            aria-controls=${listOpen ? 'composer-mentions' : nothing}
            aria-activedescendant=${listOpen ? `composer-mention-${this.#suggestions.activeIndex}` : nothing}
            placeholder=${placeholder}
            rows="1"
            ?disabled=${disabled}
            @keydown=${this.#onKeydownHandler}
            @input=${this.#onInputHandler}
            @blur=${this.#onBlurHandler}
            @paste=${disabled ? nothing : this.#attachments.onPaste}
          ></textarea>
          ${this.#attachments.renderButton(disabled || this.#editing !== undefined)} ${this.#emoji.renderButton(disabled)}
          <button type="submit" class="send" part="send-button" ?disabled=${disabled}>${msg('Send')}</button>
        </div>
        ${this.#size.renderCounter(size)} ${this.#error ? html`<p role="alert" class="error">${this.#error}</p>` : nothing}
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
    this.#size.soon();
  }

  #onKeydown(event: KeyboardEvent): void {
    const textarea = event.currentTarget as HTMLTextAreaElement;
    if (event.isComposing) return;
    if (this.#suggestions.keydown(event)) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      textarea.form?.requestSubmit();
      return;
    }
    if (event.key === 'Escape') {
      if (this.#emoji.close()) {
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
      this.#typing.stop();
      this.#mentions = [];
    } else this.#typing.typed();
    this.#suggestions.update(textarea);
    this.#size.soon();
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

  #insertEmoji(unicode: string): void {
    const textarea = this.textarea;
    if (!textarea) return;
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    textarea.value = textarea.value.slice(0, start) + unicode + textarea.value.slice(end);
    textarea.setSelectionRange(start + unicode.length, start + unicode.length);
    this.#host.requestUpdate();
    this.#scheduleDraft();
    textarea.focus();
  }

  /** Sends the tray's files, the text as the first one's caption; the text stays when nothing could go. */
  async #sendFiles(textarea: HTMLTextAreaElement): Promise<void> {
    const text = textarea.value;
    const replyTo = this.#replyTo;
    this.#error = undefined;
    const sent = await this.#attachments.send(text, replyTo?.eventId);
    if (!sent) {
      this.#host.requestUpdate();
      return;
    }
    this.#typing.stop();
    this.#suggestions.close();
    this.#mentions = [];
    this.#size.clear();
    this.#replyTo = undefined;
    if (textarea.value === text) textarea.value = '';
    this.#flushDraft();
    this.#host.requestUpdate();
    this.#actions().sent?.();
  }

  async #onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const textarea = this.textarea;
    const view = this.#view;
    if (!textarea || !view?.canSend) return;
    const text = textarea.value;
    if (!this.#editing && this.#attachments.count > 0) {
      await this.#sendFiles(textarea);
      return;
    }
    const mentions = this.#mentions;
    const editing = this.#editing;
    const replyTo = this.#replyTo;
    // No await for a draft had at once: the local echo shows in the same task as the member's Enter.
    const drafted = this.#drafting.draft(text, mentions);
    const draft = drafted instanceof Promise ? await drafted : drafted;
    if (!draft || draft.kind === 'empty') return;
    // What the member typed while Markdown's parser loaded stays in the composer, after this text.
    const typedSince = textarea.value !== text;
    // Nothing that cannot go out leaves the composer: the text stays for the member to fix.
    const tooLarge = draft.kind === 'invalid' ? undefined : sizeRefusal(this.#contentOf(draft.message), view.encrypted ?? false);
    const refusal = draft.kind === 'invalid' ? draftRefusal(draft) : tooLarge && memberMessage(tooLarge, tooLarge.message);
    if (draft.kind === 'invalid' || refusal !== undefined) {
      if (typedSince) textarea.value = `${text}\n${textarea.value}`;
      this.#error = refusal;
      this.#suggestions.close();
      this.#host.requestUpdate();
      return;
    }
    const message = draft.message;
    this.#typing.stop();
    this.#suggestions.close();
    this.#mentions = [];
    this.#size.clear();
    this.#error = undefined;
    if (editing?.eventId) {
      if (this.#editing === editing) this.#editing = undefined;
      if (!typedSince) textarea.value = this.#draftBeforeEdit;
      this.#draftBeforeEdit = '';
    } else {
      if (this.#replyTo === replyTo) this.#replyTo = undefined;
      if (!typedSince) textarea.value = '';
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
        textarea.value = typedSince ? `${text}\n${left}` : text;
        this.#mentions = mentions;
        if (editing) {
          this.#editing = editing;
          this.#draftBeforeEdit = left;
        } else if (replyTo) this.#replyTo = replyTo;
      }
      const reason =
        error instanceof Error && 'code' in error && error.code === 'too-large' ? memberMessage(error, error.message) : undefined;
      this.#error = reason ?? (editing ? msg('The edit could not be saved.') : msg('The message could not be sent.'));
      this.#host.requestUpdate();
    }
  }
}
