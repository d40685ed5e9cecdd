import { msg } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import { commandDescription, commandUsage } from './command-texts.ts';
import { commandsAt, insertMention, mentionQueryAt, type ComposerCommand, type MemberInfo, type MentionQuery } from '@omnisocial/core';

/** What the suggestion list needs of its composer. */
export interface SuggestionsHost {
  requestUpdate(): void;
  textarea(): HTMLTextAreaElement | null;
  searchMembers(query: string): Promise<readonly MemberInfo[]>;
  /** A member was picked: their name in the text becomes a pill and `m.mentions`. */
  mentioned(member: MemberInfo): void;
  /** The text changed by a pick (for the draft). */
  changed(): void;
  /** The member's power level reaches the room's `notifications.room`: `@room` is offered among the members. */
  mayMentionRoom(): boolean;
}

/** The whole room, as the list offers it after the members; its text is what core reads as `m.mentions.room`. */
const ROOM_MENTION = 'room';

/**
 * The composer's suggestion list: members for an `@name` being typed (and `@room` after them, for a member
 * allowed to notify the whole room), commands for a lone `/word` (the rules are core's, in format/mentions.ts
 * and rooms/room-mention.ts); a listbox the textbox drives through
 * `aria-activedescendant`, with Up/Down, Enter or Tab to pick, and Escape to close.
 */
export class ComposerSuggestions {
  readonly #host: SuggestionsHost;
  #query: MentionQuery | undefined;
  #members: readonly MemberInfo[] = [];
  /** `@room` is offered, as the list's last option. */
  #room = false;
  /** The commands a lone `/word` at the start could be: offered in the same list as mentions. */
  #commands: readonly ComposerCommand[] = [];
  #active = 0;
  #generation = 0;

  constructor(host: SuggestionsHost) {
    this.#host = host;
  }

  get open(): boolean {
    return this.#commands.length > 0 || (this.#query !== undefined && (this.#members.length > 0 || this.#room));
  }

  get activeIndex(): number {
    return this.#active;
  }

  /** Follows the text before the caret: a command or a mention being typed, or neither. */
  update(textarea: HTMLTextAreaElement): void {
    const caret = textarea.selectionStart;
    const commands = commandsAt(textarea.value, caret);
    if (commands.length > 0 || this.#commands.length > 0) {
      this.close();
      this.#commands = commands;
      this.#active = 0;
      this.#host.requestUpdate();
      if (commands.length > 0) return;
    }
    const query = mentionQueryAt(textarea.value, caret);
    if (!query) {
      this.close();
      return;
    }
    this.#query = query;
    const generation = ++this.#generation;
    const room = ROOM_MENTION.startsWith(query.query.toLowerCase()) && this.#host.mayMentionRoom();
    void this.#host
      .searchMembers(query.query)
      .then((members) => {
        if (generation !== this.#generation) return;
        this.#members = members;
        this.#room = room;
        this.#active = 0;
        this.#host.requestUpdate();
      })
      .catch(() => undefined);
  }

  close(): void {
    this.#generation += 1;
    if (this.#commands.length > 0) {
      this.#commands = [];
      this.#host.requestUpdate();
    }
    if (this.#query === undefined && this.#members.length === 0 && !this.#room) return;
    this.#query = undefined;
    this.#members = [];
    this.#room = false;
    this.#host.requestUpdate();
  }

  /** The list's keys while it is open; returns whether the key was the list's. */
  keydown(event: KeyboardEvent): boolean {
    if (!this.open) return false;
    const count = this.#commands.length > 0 ? this.#commands.length : this.#members.length + (this.#room ? 1 : 0);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      this.#active = (this.#active + (event.key === 'ArrowDown' ? 1 : count - 1)) % count;
      this.#host.requestUpdate();
      return true;
    }
    const command = this.#commands[this.#active];
    if (command && (event.key === 'Enter' || event.key === 'Tab')) {
      event.preventDefault();
      this.#pickCommand(command);
      return true;
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      const member = this.#members[this.#active];
      if (member) {
        event.preventDefault();
        this.#pickMember(member);
        return true;
      }
      if (this.#room && this.#active === this.#members.length) {
        event.preventDefault();
        this.#pickRoom();
        return true;
      }
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      this.close();
      return true;
    }
    return false;
  }

  render(): TemplateResult | typeof nothing {
    if (this.#commands.length > 0) {
      return html`<ul class="mentions" part="mention-list" id="composer-mentions" role="listbox" aria-label=${msg('Commands')}>
        ${this.#commands.map((command, index) =>
          this.#option(
            index,
            () => this.#pickCommand(command),
            html`<span class="name">${commandUsage(command)}</span> <span class="id">${commandDescription(command)}</span>`,
          ),
        )}
      </ul>`;
    }
    if (!this.open) return nothing;
    return html`<ul class="mentions" part="mention-list" id="composer-mentions" role="listbox" aria-label=${msg('Members')}>
      ${this.#members.map((member, index) =>
        this.#option(
          index,
          () => this.#pickMember(member),
          html`<span class="name">${member.displayName}</span> <span class="id">${member.userId}</span>`,
        ),
      )}
      ${
        this.#room
          ? this.#option(
              this.#members.length,
              () => this.#pickRoom(),
              html`<span class="name">@${ROOM_MENTION}</span> <span class="id">${msg('Notify everyone in this room')}</span>`,
            )
          : nothing
      }
    </ul>`;
  }

  #option(index: number, pick: () => void, content: TemplateResult): TemplateResult {
    return html`<li
      role="option"
      id=${`composer-mention-${index}`}
      aria-selected=${index === this.#active ? 'true' : 'false'}
      @mousedown=${(event: MouseEvent) => {
        event.preventDefault();
        pick();
      }}
    >
      ${content}
    </li>`;
  }

  #pickMember(member: MemberInfo): void {
    const textarea = this.#host.textarea();
    const query = this.#query;
    if (!textarea || !query) return;
    const { text, caret } = insertMention(textarea.value, query, member);
    textarea.value = text;
    textarea.setSelectionRange(caret, caret);
    this.#host.mentioned(member);
    this.close();
    this.#host.changed();
    textarea.focus();
  }

  /** `@room` in place of the `@ro…` typed; sending it notifies everyone (core adds `m.mentions.room`). */
  #pickRoom(): void {
    const textarea = this.#host.textarea();
    const query = this.#query;
    if (!textarea || !query) return;
    const token = `@${ROOM_MENTION} `;
    const end = query.start + 1 + query.query.length;
    textarea.value = textarea.value.slice(0, query.start) + token + textarea.value.slice(end);
    const caret = query.start + token.length;
    textarea.setSelectionRange(caret, caret);
    this.close();
    this.#host.changed();
    textarea.focus();
  }

  #pickCommand(command: ComposerCommand): void {
    const textarea = this.#host.textarea();
    if (!textarea) return;
    textarea.value = `/${command.name} `;
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    this.close();
    this.#host.changed();
    textarea.focus();
  }
}
