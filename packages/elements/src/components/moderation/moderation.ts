import { msg, str } from '@lit/localize';
import { memberMessage } from '../../i18n/member-error.ts';
import { formatCount } from '../../i18n/plural.ts';
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { MessageItem, ModerationCommand, ModerationProgress, RoomMember, RoomSnapshot, SessionView } from '@omnisocial/core';
import type { OmniView } from '../../base/omni-view.ts';
import { OmniReportEvent } from '../../events.ts';
import type { ModerationKind } from '../message-tile/message-tile.ts';
import type { ErrorStateNoun } from '../room/error-state.ts';
import { renderMemberList } from './member-list.ts';
import { confirmationText, doneText, standingText, type ConfirmedKind } from './moderation-texts.ts';
import { reportReason } from './report-reason.ts';

/** Who or what an action is about: a message (delete, report) or a member. */
interface Target {
  readonly userId: string;
  readonly name: string;
  readonly eventId?: string;
  /** A reported message's text in an encrypted room, sent with the report only if the reporter agrees. */
  readonly quote?: string;
}

interface Confirmation {
  readonly kind: ConfirmedKind;
  readonly target: Target;
  /** How many messages "Remove recent messages" will delete. */
  readonly count: number;
  /** Where focus goes when the dialog closes. */
  readonly done: () => void;
}

interface Notice {
  readonly text: string;
  readonly alert: boolean;
  /** The command that undoes what was done (unban after a ban, unmute after a mute…). */
  readonly undo?: { readonly command: ModerationCommand; readonly kind: ModerationKind | 'unban'; readonly name: string };
}

/** The most messages "Remove recent messages" deletes in one action. */
const RECENT_LIMIT = 50;

/**
 * A room view's moderation: the confirmation dialog of each action (with an optional reason), the
 * moderator's member list, the notice after an action (with Undo where Matrix can undo it: a ban, a
 * mute), the `omni-report` event, and what a removed, banned or muted member sees in place of the composer.
 * Dialogs are native modal `<dialog>`s: focus stays inside, Escape cancels, and focus goes back where it was.
 */
export class ModerationController implements ReactiveController {
  readonly #host: OmniView;
  readonly #room: SessionView;
  readonly #noun: ErrorStateNoun;
  #confirmation: Confirmation | undefined;
  #reason = '';
  #includeText = false;
  #busy = false;
  #progress: ModerationProgress | undefined;
  #error: string | undefined;
  #notice: Notice | undefined;
  #membersOpen = false;

  constructor(host: OmniView, room: SessionView, noun: ErrorStateNoun) {
    this.#host = host;
    this.#room = room;
    this.#noun = noun;
    host.addController(this);
  }

  /** Opens the modal dialogs once rendered: `showModal()` is what traps focus and makes Escape cancel. */
  hostUpdated(): void {
    const root = this.#host.renderRoot;
    this.#showModal(root.querySelector<HTMLDialogElement>('dialog.confirm-dialog'), this.#confirmation !== undefined);
    this.#showModal(root.querySelector<HTMLDialogElement>('dialog.members-dialog'), this.#membersOpen && !this.#confirmation);
  }

  #showModal(dialog: HTMLDialogElement | null, open: boolean): void {
    if (!dialog || !open || dialog.open) return;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('textarea, .cancel, .close')?.focus();
  }

  /** The timeline's "More" menu or Delete on someone else's message. */
  askAboutMessage(snapshot: RoomSnapshot, message: MessageItem, kind: ModerationKind, done: () => void): void {
    const target: Target = {
      userId: message.sender.userId,
      name: message.sender.displayName,
      ...(message.eventId ? { eventId: message.eventId } : {}),
      ...(kind === 'report' && snapshot.encrypted && !message.redacted && !message.undecryptable && message.body
        ? { quote: message.body }
        : {}),
    };
    if (kind === 'unmute') {
      void this.#run({ kind: 'unmute', userId: target.userId }, 'unmute', target.name);
      done();
      return;
    }
    this.#open(kind, target, snapshot, done);
  }

  #open(kind: ConfirmedKind, target: Target, snapshot: RoomSnapshot, done: () => void): void {
    const count = Math.min(
      RECENT_LIMIT,
      snapshot.items.filter((item) => item.kind === 'message' && item.sender.userId === target.userId && !item.redacted && item.eventId)
        .length,
    );
    this.#confirmation = { kind, target, count, done };
    this.#reason = '';
    this.#includeText = false;
    this.#error = undefined;
    this.#progress = undefined;
    this.#host.requestUpdate();
  }

  /** The header's **Members** button, for a member who moderates. */
  renderMembersButton(snapshot: RoomSnapshot): TemplateResult | typeof nothing {
    if (!snapshot.members || snapshot.directWith) return nothing;
    return html`<button type="button" class="members-button" part="members-button" aria-haspopup="dialog" @click=${this.#openMembers}>
      ${msg('Members')}
    </button>`;
  }

  /** In place of the composer for a removed, banned or muted member; the composer otherwise. */
  renderStandingOr(snapshot: RoomSnapshot, composer: () => TemplateResult): TemplateResult {
    if (!snapshot.standing) return composer();
    return html`<p class="standing" part="standing" role="status" data-standing=${snapshot.standing.kind}>
      ${standingText(snapshot.standing, this.#noun)}
    </p>`;
  }

  /** The notice of the last action and the open dialogs. */
  render(snapshot: RoomSnapshot): TemplateResult {
    // While the member list is open (modal), the notice of an action taken from it shows inside it, where Undo can be reached.
    return html`${this.#membersOpen ? nothing : this.#renderNotice()} ${this.#renderConfirmation()}
    ${this.#membersOpen ? this.#renderMembers(snapshot.members ?? []) : nothing}`;
  }

  #renderNotice(): TemplateResult | typeof nothing {
    const notice = this.#notice;
    if (!notice) return nothing;
    return html`<div class="moderation-notice" part="moderation-notice" role=${notice.alert ? 'alert' : 'status'}>
      <span>${notice.text}</span>
      ${notice.undo ? html`<button type="button" class="undo" @click=${this.#onUndo}>${msg('Undo')}</button>` : nothing}
      <button type="button" class="dismiss" @click=${this.#onDismiss}>${msg('Dismiss')}</button>
    </div>`;
  }

  #renderConfirmation(): TemplateResult | typeof nothing {
    const confirmation = this.#confirmation;
    if (!confirmation) return nothing;
    const text = confirmationText(confirmation.kind, confirmation.target.name, this.#noun, confirmation.count);
    const progress = this.#progress;
    return html`<dialog
      class="confirm-dialog"
      part="dialog"
      aria-labelledby="moderation-heading"
      aria-describedby="moderation-explanation"
      @cancel=${this.#onCancel}
      @close=${this.#onClosed}
    >
      <form method="dialog" @submit=${this.#onConfirm}>
        <h2 id="moderation-heading">${text.heading}</h2>
        <p id="moderation-explanation">${text.explanation}</p>
        ${
          text.reason
            ? html`<label for="moderation-reason">${msg('Reason (optional)')}</label>
                <textarea
                  id="moderation-reason"
                  rows="2"
                  maxlength="500"
                  .value=${this.#reason}
                  ?disabled=${this.#busy}
                  @input=${(event: Event) => (this.#reason = (event.target as HTMLTextAreaElement).value)}
                ></textarea>`
            : nothing
        }
        ${confirmation.target.quote ? this.#renderIncludeText() : nothing}
        ${
          progress && progress.total > 0
            ? html`<p class="progress" role="status">
                  ${msg(str`Deleting ${formatCount(progress.done)} of ${formatCount(progress.total)}…`)}
                </p>
                <progress max=${progress.total} .value=${progress.done} aria-label=${msg('Messages deleted')}></progress>`
            : nothing
        }
        ${this.#error ? html`<p class="dialog-error" role="alert">${this.#error}</p>` : nothing}
        <div class="dialog-buttons">
          <button type="button" class="cancel" @click=${this.#onCancel} ?disabled=${this.#busy}>${msg('Cancel')}</button>
          <button type="submit" class="confirm danger" ?disabled=${this.#busy}>${text.confirm}</button>
        </div>
      </form>
    </dialog>`;
  }

  /** Consent to send an encrypted message's text with its report: off unless the reporter ticks it. */
  #renderIncludeText(): TemplateResult {
    return html`<label class="include-text">
        <input
          type="checkbox"
          .checked=${this.#includeText}
          ?disabled=${this.#busy}
          aria-describedby="include-text-hint"
          @change=${(event: Event) => (this.#includeText = (event.target as HTMLInputElement).checked)}
        />
        ${msg("Include the message's text")}
      </label>
      <p id="include-text-hint" class="include-text-hint">
        ${msg(
          "This conversation is encrypted: without its text, the site's moderators cannot read the message. If you include it, the server's administrators receive it as you see it, unencrypted.",
        )}
      </p>`;
  }

  #renderMembers(members: readonly RoomMember[]): TemplateResult {
    return html`<dialog class="members-dialog" part="members" aria-labelledby="members-heading" @close=${this.#onMembersClosed}>
      <div class="members-top">
        <h2 id="members-heading">${msg(str`Members (${formatCount(members.length)})`)}</h2>
        <button type="button" class="close" @click=${this.#closeMembers}>${msg('Close')}</button>
      </div>
      ${this.#renderNotice()} ${renderMemberList(members, (member, kind) => this.#onMemberAction(member, kind))}
    </dialog>`;
  }

  readonly #openMembers = (): void => {
    this.#membersOpen = true;
    this.#host.requestUpdate();
  };

  readonly #closeMembers = (): void => {
    this.#host.renderRoot.querySelector<HTMLDialogElement>('dialog.members-dialog')?.close();
  };

  readonly #onMembersClosed = (): void => {
    // Closed for a confirmation: the member list comes back after it.
    if (this.#confirmation) return;
    this.#membersOpen = false;
    this.#host.requestUpdate();
    void this.#focusMembersButton();
  };

  async #focusMembersButton(): Promise<void> {
    await this.#host.updateComplete;
    this.#host.renderRoot.querySelector<HTMLElement>('.members-button')?.focus();
  }

  #onMemberAction(member: RoomMember, kind: ModerationKind | 'unban'): void {
    const target: Target = { userId: member.userId, name: member.displayName };
    if (kind === 'unban' || kind === 'unmute') {
      void this.#run({ kind, userId: member.userId }, kind, member.displayName);
      return;
    }
    const state = this.#room.state;
    if (state.kind !== 'room') return;
    this.#host.renderRoot.querySelector<HTMLDialogElement>('dialog.members-dialog')?.close();
    this.#open(kind, target, state.snapshot, () => {
      // Back to the member list, where the action was chosen.
      this.#membersOpen = true;
      this.#host.requestUpdate();
    });
  }

  readonly #onCancel = (event: Event): void => {
    event.preventDefault();
    if (this.#busy) return;
    this.#host.renderRoot.querySelector<HTMLDialogElement>('dialog.confirm-dialog')?.close();
  };

  readonly #onClosed = (): void => {
    const done = this.#confirmation?.done;
    this.#confirmation = undefined;
    this.#host.requestUpdate();
    if (done) void this.#host.updateComplete.then(done);
  };

  readonly #onConfirm = (event: SubmitEvent): void => {
    event.preventDefault();
    const confirmation = this.#confirmation;
    if (!confirmation || this.#busy) return;
    void this.#confirm(confirmation);
  };

  async #confirm({ kind, target }: Confirmation): Promise<void> {
    const reason = this.#reason.trim();
    const withReason = reason ? { reason } : {};
    let command: ModerationCommand;
    if (kind === 'delete' || kind === 'report') {
      if (!target.eventId) return;
      if (kind === 'delete') {
        await this.#deleteMessage(target.eventId, reason);
        return;
      }
      const sent = reportReason(reason, this.#includeText ? target.quote : undefined);
      command = { kind: 'report', eventId: target.eventId, ...(sent ? { reason: sent } : {}) };
    } else if (kind === 'mute') command = { kind: 'mute', userId: target.userId };
    else if (kind === 'remove-messages') command = { kind, userId: target.userId, limit: RECENT_LIMIT, ...withReason };
    else command = { kind, userId: target.userId, ...withReason };
    this.#busy = true;
    this.#error = undefined;
    this.#host.requestUpdate();
    try {
      const progress = await this.#room.moderate(command, (next) => {
        this.#progress = next;
        this.#host.requestUpdate();
      });
      if (command.kind === 'report') this.#reported(command.eventId, reason);
      this.#finish(kind, target.name, progress);
    } catch (error) {
      this.#failed(error);
    }
  }

  /** Sent at once, not queued like the member's own deletes: a refusal must be seen while the dialog is open. */
  async #deleteMessage(eventId: string, reason: string): Promise<void> {
    this.#busy = true;
    this.#error = undefined;
    this.#host.requestUpdate();
    try {
      await this.#room.moderate({ kind: 'redact', eventId, ...(reason ? { reason } : {}) });
      this.#finish('delete', '');
    } catch (error) {
      this.#failed(error);
    }
  }

  #reported(eventId: string, reason: string): void {
    const state = this.#room.state;
    const roomId = state.kind === 'room' ? state.snapshot.roomId : undefined;
    if (roomId) this.#host.dispatchEvent(new OmniReportEvent({ roomId, eventId, reason }));
  }

  #finish(kind: ModerationKind, name: string, progress?: ModerationProgress): void {
    this.#busy = false;
    this.#notice = noticeFor(kind, name, this.#confirmation?.target.userId ?? '', progress);
    this.#host.renderRoot.querySelector<HTMLDialogElement>('dialog.confirm-dialog')?.close();
    this.#host.requestUpdate();
  }

  #failed(error: unknown): void {
    this.#busy = false;
    this.#progress = undefined;
    this.#error = messageOf(error);
    this.#host.requestUpdate();
  }

  /** An action without confirmation (unmute, lift a ban, an undo): its outcome goes to the notice. */
  async #run(command: ModerationCommand, kind: ModerationKind | 'unban', name: string): Promise<void> {
    try {
      await this.#room.moderate(command);
      this.#notice =
        kind === 'unban'
          ? undoable(doneText('unban', name), { kind: 'ban', userId: userOf(command) }, 'ban', name)
          : noticeFor(kind, name, userOf(command));
    } catch (error) {
      this.#notice = { text: messageOf(error), alert: true };
    }
    this.#host.requestUpdate();
  }

  readonly #onUndo = (): void => {
    const undo = this.#notice?.undo;
    if (undo) void this.#run(undo.command, undo.kind, undo.name);
  };

  readonly #onDismiss = (): void => {
    this.#notice = undefined;
    this.#host.requestUpdate();
  };
}

function userOf(command: ModerationCommand): string {
  return 'userId' in command ? command.userId : '';
}

function undoable(text: string, command: ModerationCommand, kind: ModerationKind | 'unban', name: string): Notice {
  return { text, alert: false, undo: { command, kind, name } };
}

/** What follows an action, with Undo where Matrix can undo it. */
function noticeFor(kind: ModerationKind, name: string, userId: string, progress?: ModerationProgress): Notice {
  const text = doneText(kind, name, progress);
  switch (kind) {
    case 'ban':
      return undoable(text, { kind: 'unban', userId }, 'unban', name);
    case 'mute':
      return undoable(text, { kind: 'unmute', userId }, 'unmute', name);
    case 'unmute':
      return undoable(text, { kind: 'mute', userId }, 'mute', name);
    default:
      return { text, alert: progress !== undefined && progress.failed > 0 };
  }
}

function messageOf(error: unknown): string {
  return memberMessage(error, msg('The server refused. Try again.'));
}
