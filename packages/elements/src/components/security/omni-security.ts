import { msg, str } from '@lit/localize';
import { memberMessage } from '../../i18n/member-error.ts';
import { formatCount, plural } from '../../i18n/plural.ts';
import { html, nothing, svg, type TemplateResult } from 'lit';
import { onSessionsChange, sessionFor, type SecurityStatus, type SessionHandle, type Unsubscribe } from '@omnisocial/core';
import { OmniElement } from '../../base/omni-element.ts';
import { tokens } from '../../theme/tokens.ts';
import { securityStyles } from './omni-security.styles.ts';

const SHIELD = svg`<path d="M8 0 1.5 2.5v5.1c0 3.9 2.8 7.4 6.5 8.4 3.7-1 6.5-4.5 6.5-8.4V2.5L8 0Zm0 2.1 4.5 1.8v3.7c0 2.9-1.9 5.5-4.5 6.3-2.6-.8-4.5-3.4-4.5-6.3V3.9L8 2.1Z"/>`;

type Step = 'overview' | 'password' | 'show-key' | 'confirm-reset';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function errorMessage(error: unknown): string {
  return memberMessage(error, msg('Something went wrong. Try again.'));
}

/** "This browser is verified. 12 message keys restored from the backup." */
function restoredText(total: number): string {
  const n = formatCount(total);
  return plural(total, {
    zero: () => msg(str`This browser is verified. ${n} message keys restored from the backup.`, { id: 'security-restored-zero' }),
    one: () => msg(str`This browser is verified. ${n} message key restored from the backup.`, { id: 'security-restored-one' }),
    two: () => msg(str`This browser is verified. ${n} message keys restored from the backup.`, { id: 'security-restored-two' }),
    few: () => msg(str`This browser is verified. ${n} message keys restored from the backup.`, { id: 'security-restored-few' }),
    many: () => msg(str`This browser is verified. ${n} message keys restored from the backup.`, { id: 'security-restored-many' }),
    other: () => msg(str`This browser is verified. ${n} message keys restored from the backup.`, { id: 'security-restored-other' }),
  });
}

function field(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value : '';
}

function statusText(status: SecurityStatus | undefined): string {
  if (!status) return msg('Checking your encryption settings…');
  if (status.backup === 'restoring') return msg('Restoring your message keys from the backup…');
  if (!status.recoveryKeyStored) {
    return msg('Recovery is not set up. Set it up to read your encrypted messages on another browser.');
  }
  if (!status.thisDeviceVerified) {
    return msg(
      'Recovery is set up for your account, but this browser is not verified. Enter your recovery key to verify it and read your earlier encrypted messages here.',
    );
  }
  return status.backup === 'on'
    ? msg('Recovery is set up: your message keys are backed up and this browser is verified.')
    : msg('Recovery is set up and this browser is verified, but key backup is off on this browser.');
}

/**
 * The member's encryption security, opened from a Security button: sets up recovery (cross-signing,
 * key backup and a recovery key shown once, with Copy and Download), restores on a new browser from
 * the recovery key so earlier encrypted messages decrypt, and resets recovery when the key is lost.
 * Shown only to signed-in members (not guests); opening it starts encryption for the session.
 *
 * @summary Cross-signing and key backup with a recovery key.
 * @csspart button - The Security button that opens the panel.
 * @csspart dialog - The panel (a modal dialog).
 * @csspart recovery-key - The recovery key, shown once after it is created.
 * @cssproperty --omni-color-accent - Buttons.
 */
export class OmniSecurity extends OmniElement {
  static override styles = [tokens, securityStyles];

  static override properties = {
    homeserver: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    status: { state: true },
    step: { state: true },
    busy: { state: true },
    error: { state: true },
    notice: { state: true },
    recoveryKey: { state: true },
    saved: { state: true },
  };

  /** The homeserver base URL of the session (as the room views resolved it). */
  declare homeserver: string;
  /** `light` (default) or `dark`. */
  declare theme: 'light' | 'dark';
  declare private status: SecurityStatus | undefined;
  declare private step: Step;
  /** What is running now, in words; buttons are disabled meanwhile. */
  declare private busy: string | undefined;
  declare private error: string | undefined;
  declare private notice: string | undefined;
  declare private recoveryKey: string | undefined;
  declare private saved: boolean;

  /** Set up or reset: what the password step continues with. */
  #pending: 'setup' | 'reset' = 'setup';
  #stopWatching: Unsubscribe | undefined;

  constructor() {
    super();
    this.homeserver = '';
    this.theme = 'light';
    this.step = 'overview';
    this.saved = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stopWatching = onSessionsChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopWatching?.();
    this.#stopWatching = undefined;
  }

  get #session(): SessionHandle | undefined {
    const session = this.homeserver ? sessionFor(this.homeserver) : undefined;
    return session && !session.info.guest ? session : undefined;
  }

  get #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  protected override render(): TemplateResult | typeof nothing {
    if (!this.#session) return nothing;
    return html`
      <button type="button" class="open" part="button" aria-haspopup="dialog" @click=${this.#open}>
        <svg viewBox="0 0 16 16" aria-hidden="true">${SHIELD}</svg>${msg('Security')}
      </button>
      <dialog part="dialog" aria-labelledby="title" @close=${this.#onClose}>
        <div class="panel">
          <h2 id="title">${msg('Security')}</h2>
          <p class="status" role="status">${this.busy ?? this.notice ?? statusText(this.status)}</p>
          ${this.#renderStep()} ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
          ${
            this.step === 'show-key'
              ? nothing
              : html`<div class="actions">
                  <button type="button" class="secondary" @click=${this.#close}>${msg('Close')}</button>
                </div>`
          }
        </div>
      </dialog>
    `;
  }

  #renderStep(): TemplateResult | typeof nothing {
    const status = this.status;
    const busy = this.busy !== undefined;
    switch (this.step) {
      case 'show-key':
        return html`<section aria-labelledby="key-title">
          <h3 id="key-title">${msg('Your recovery key')}</h3>
          <p>
            ${msg(
              'Keep it somewhere safe, such as a password manager. You need it to read your encrypted messages on a new browser. It is shown only once.',
            )}
          </p>
          <p class="key" part="recovery-key">${this.recoveryKey}</p>
          <div class="actions">
            <button type="button" class="secondary" @click=${this.#copy}>${msg('Copy')}</button>
            <button type="button" class="secondary" @click=${this.#download}>${msg('Download')}</button>
          </div>
          <label class="check"
            ><input type="checkbox" .checked=${this.saved} @change=${this.#onSavedChange} />${msg('I have saved my recovery key')}</label
          >
          <div class="actions">
            <button type="button" ?disabled=${!this.saved} @click=${this.#finishKey}>${msg('Done')}</button>
          </div>
        </section>`;
      case 'password':
        return html`<form aria-label=${msg('Confirm with your password')} @submit=${this.#onPassword}>
          <p>${msg('Enter your password to confirm it is you.')}</p>
          <label>${msg('Password')} <input name="password" type="password" autocomplete="current-password" required /></label>
          <div class="actions">
            <button type="submit" ?disabled=${busy}>${msg('Continue')}</button>
            <button type="button" class="secondary" @click=${this.#back}>${msg('Cancel')}</button>
          </div>
        </form>`;
      case 'confirm-reset':
        return html`<form aria-label=${msg('Reset recovery')} @submit=${this.#onReset}>
          <p>
            ${msg(
              'Resetting creates a new identity, a new key backup and a new recovery key. Messages kept only in the old backup can no longer be read, and the people and devices you verified will need to verify you again.',
            )}
          </p>
          <label>${msg('Password')} <input name="password" type="password" autocomplete="current-password" /></label>
          <div class="actions">
            <button type="submit" ?disabled=${busy}>${msg('Reset recovery')}</button>
            <button type="button" class="secondary" @click=${this.#back}>${msg('Cancel')}</button>
          </div>
        </form>`;
      case 'overview':
        if (!status) return nothing;
        return html`
          ${
            status.recoveryKeyStored
              ? nothing
              : html`<div class="actions">
                  <button type="button" ?disabled=${busy} @click=${this.#setUp}>${msg('Set up recovery')}</button>
                </div>`
          }
          ${
            status.recoveryKeyStored && !status.thisDeviceVerified
              ? html`<form aria-label=${msg('Restore from recovery key')} @submit=${this.#onRestore}>
                  <label
                    >${msg('Recovery key')}
                    <input name="recovery-key" autocomplete="off" spellcheck="false" required />
                  </label>
                  <div class="actions"><button type="submit" ?disabled=${busy}>${msg('Restore')}</button></div>
                </form>`
              : nothing
          }
          ${
            status.recoveryKeyStored
              ? html`<div class="actions">
                  <button type="button" class="secondary" ?disabled=${busy} @click=${this.#askReset}>${msg('Reset recovery…')}</button>
                </div>`
              : nothing
          }
        `;
    }
  }

  #open(): void {
    this.error = undefined;
    this.notice = undefined;
    this.#dialog?.showModal();
    void this.#refresh();
  }

  #close(): void {
    this.#dialog?.close();
  }

  #onClose(): void {
    // The recovery key is shown once: closing forgets it.
    this.recoveryKey = undefined;
    this.saved = false;
    this.step = 'overview';
    this.error = undefined;
  }

  #back(): void {
    this.step = 'overview';
    this.error = undefined;
  }

  async #refresh(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    try {
      this.status = await session.security.status();
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  /** Runs an action with its progress in the status line; asks for the password when the server wants it. */
  async #run(label: string, action: (session: SessionHandle) => Promise<void>): Promise<void> {
    const session = this.#session;
    if (!session || this.busy !== undefined) return;
    this.busy = label;
    this.error = undefined;
    this.notice = undefined;
    try {
      await action(session);
    } catch (error) {
      if (errorCode(error) === 'password-required') this.step = 'password';
      else this.error = errorMessage(error);
    } finally {
      this.busy = undefined;
      await this.#refresh();
    }
  }

  #showKey(key: string): void {
    this.recoveryKey = key;
    this.saved = false;
    this.step = 'show-key';
  }

  #setUp(): void {
    this.#pending = 'setup';
    void this.#run(msg('Setting up recovery…'), async (session) => this.#showKey(await session.security.setUpRecovery()));
  }

  #askReset(): void {
    this.#pending = 'reset';
    this.error = undefined;
    this.step = 'confirm-reset';
  }

  #onPassword(event: SubmitEvent): void {
    event.preventDefault();
    const password = field(event.target as HTMLFormElement, 'password');
    if (this.#pending === 'reset') {
      void this.#run(msg('Resetting recovery…'), async (session) => this.#showKey(await session.security.resetRecovery({ password })));
    } else {
      void this.#run(msg('Setting up recovery…'), async (session) => this.#showKey(await session.security.setUpRecovery({ password })));
    }
  }

  #onReset(event: SubmitEvent): void {
    event.preventDefault();
    const value = field(event.target as HTMLFormElement, 'password');
    void this.#run(msg('Resetting recovery…'), async (session) =>
      this.#showKey(await session.security.resetRecovery(value ? { password: value } : {})),
    );
  }

  #onRestore(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const key = field(form, 'recovery-key');
    void this.#run(msg('Restoring your message keys from the backup…'), async (session) => {
      const { total } = await session.security.restoreFromRecoveryKey(key);
      form.reset();
      this.notice = restoredText(total);
    });
  }

  #onSavedChange(event: Event): void {
    this.saved = (event.target as HTMLInputElement).checked;
  }

  #finishKey(): void {
    this.recoveryKey = undefined;
    this.saved = false;
    this.step = 'overview';
  }

  async #copy(): Promise<void> {
    if (!this.recoveryKey) return;
    try {
      await navigator.clipboard.writeText(this.recoveryKey);
      this.notice = msg('Recovery key copied.');
    } catch {
      this.notice = msg('Copying is not allowed here: select the key and copy it.');
    }
  }

  #download(): void {
    if (!this.recoveryKey) return;
    const url = URL.createObjectURL(new Blob([`${this.recoveryKey}\n`], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'recovery-key.txt';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
