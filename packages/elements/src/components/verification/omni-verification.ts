import { msg, str } from '@lit/localize';
import { memberMessage } from '../../i18n/member-error.ts';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import {
  onSessionsChange,
  resolveHomeserver,
  sessionFor,
  type SessionHandle,
  type Unsubscribe,
  type UserTrust,
  type VerificationHandle,
  type VerificationSnapshot,
} from '@omnisocial/core';
import { OmniElement } from '../../base/omni-element.ts';
import { tokens } from '../../theme/tokens.ts';
import { verificationStyles } from './omni-verification.styles.ts';

/** Connected instances, oldest first: each verification is shown by one of them only. */
const instances = new Set<OmniVerification>();
/** Which instance shows which verification (by flow id), so it does not move while it runs. */
const claims = new Map<string, OmniVerification>();

/**
 * Emoji (SAS) verification for the page's session on a homeserver: shows requests from other members
 * or the member's other devices ("Bob wants to verify": Accept / Decline), then the seven emoji to
 * compare ("They match" / "They don't match") and the result. With `user`, it also offers "Verify"
 * for that member (or says they are verified). Several on a page show each request once: the one whose
 * `user` is the other member, otherwise the first connected.
 *
 * Rendered by the room, post chat and DM views in their header; the dialog is a card over the view.
 *
 * @summary Verify members and devices by comparing emoji.
 * @csspart verify-button - The "Verify" button offered for `user`.
 * @csspart verified - "Verified" / "Identity changed" next to it.
 * @csspart dialog - The verification card (`role="dialog"`).
 * @csspart emoji - The list of the seven emoji.
 */
export class OmniVerification extends OmniElement {
  static override styles = [tokens, verificationStyles];

  static override properties = {
    homeserver: { type: String, reflect: true },
    user: { type: String, reflect: true },
    name: { type: String },
    theme: { type: String, reflect: true },
    requests: { state: true },
    userTrust: { state: true },
    error: { state: true },
  };

  /** The homeserver whose session this follows (base URL or server name). */
  declare homeserver: string;
  /** A member to offer "Verify" for (the other member of a DM); none by default. */
  declare user: string;
  /** That member's display name. */
  declare name: string;
  /** `light` (default) or `dark`. */
  declare theme: 'light' | 'dark';
  declare private requests: readonly VerificationHandle[];
  declare private userTrust: UserTrust | undefined;
  declare private error: string | undefined;

  #session: SessionHandle | undefined;
  #stopSessions: Unsubscribe | undefined;
  #stopRequests: Unsubscribe | undefined;
  readonly #stopFlows = new Map<VerificationHandle, Unsubscribe>();
  #binding = 0;
  /** Focus was in the dialog before an update: keep it there when its buttons change. */
  #focusInside = false;
  #focusNext = false;

  constructor() {
    super();
    this.homeserver = '';
    this.user = '';
    this.name = '';
    this.theme = 'light';
    this.requests = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    instances.add(this);
    this.#stopSessions = onSessionsChange(() => void this.#bind());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    instances.delete(this);
    this.#stopSessions?.();
    this.#stopSessions = undefined;
    this.#binding += 1;
    this.#unbind();
    let released = false;
    for (const [id, owner] of claims) {
      if (owner !== this) continue;
      claims.delete(id);
      released = true;
    }
    if (released) for (const other of instances) other.requestUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('homeserver') || changed.has('user')) void this.#bind();
    this.#focusInside = this.shadowRoot?.activeElement !== null && this.shadowRoot?.activeElement !== undefined;
  }

  protected override updated(): void {
    const dialog = this.shadowRoot?.querySelector<HTMLElement>('.dialog');
    if (!dialog) return;
    const focused = this.shadowRoot?.activeElement;
    if ((this.#focusNext || this.#focusInside) && (!focused || !dialog.contains(focused))) {
      dialog.querySelector<HTMLElement>('button')?.focus();
    }
    this.#focusNext = false;
  }

  async #bind(): Promise<void> {
    const binding = ++this.#binding;
    let session: SessionHandle | undefined;
    try {
      session = this.homeserver ? sessionFor(await resolveHomeserver(this.homeserver)) : undefined;
    } catch {
      session = undefined;
    }
    if (binding !== this.#binding) return;
    if (session !== this.#session) {
      this.#unbind();
      this.#session = session;
      if (session) {
        this.#stopRequests = session.verification.subscribe((requests) => {
          this.#follow(requests);
          void this.#refreshTrust();
        });
        this.#follow(session.verification.requests);
      }
    }
    await this.#refreshTrust();
  }

  #unbind(): void {
    this.#stopRequests?.();
    this.#stopRequests = undefined;
    for (const stop of this.#stopFlows.values()) stop();
    this.#stopFlows.clear();
    this.#session = undefined;
    this.requests = [];
    this.userTrust = undefined;
  }

  #follow(requests: readonly VerificationHandle[]): void {
    for (const [flow, stop] of this.#stopFlows) {
      if (requests.includes(flow)) continue;
      stop();
      this.#stopFlows.delete(flow);
      claims.delete(flow.snapshot.id);
    }
    for (const flow of requests) {
      if (this.#stopFlows.has(flow)) continue;
      this.#stopFlows.set(
        flow,
        flow.subscribe((snapshot) => {
          this.requestUpdate();
          if (snapshot.state === 'confirmed') void this.#refreshTrust();
        }),
      );
    }
    this.requests = requests;
  }

  async #refreshTrust(): Promise<void> {
    const session = this.#session;
    const user = this.user.trim();
    if (!session || !user) {
      this.userTrust = undefined;
      return;
    }
    const trust = await session.verification.userTrust(user).catch((): UserTrust => 'unverified');
    if (session === this.#session && user === this.user.trim()) this.userTrust = trust;
  }

  /** Whether this instance shows `flow` (see the class comment); claims it when so. */
  #shows(flow: VerificationHandle): boolean {
    const id = flow.snapshot.id;
    const owner = claims.get(id);
    if (owner && instances.has(owner)) return owner === this;
    const candidates = [...instances].filter((instance) => instance.#session === this.#session);
    const chosen = candidates.find((instance) => instance.user.trim() === flow.snapshot.otherUserId) ?? candidates[0];
    if (chosen !== this) return false;
    claims.set(id, this);
    return true;
  }

  protected override render(): TemplateResult {
    const shown = this.requests.find((flow) => this.#shows(flow));
    return html`${this.#renderTrust()}${shown ? this.#renderDialog(shown) : nothing}`;
  }

  #renderTrust(): TemplateResult | typeof nothing {
    const user = this.user.trim();
    if (!this.#session || !user || user === this.#session.info.userId || this.userTrust === undefined) return nothing;
    const name = this.name || user;
    const running = this.requests.some((flow) => flow.snapshot.otherUserId === user && !isOver(flow.snapshot));
    return html`<span class="trust">
      ${
        this.userTrust === 'verified'
          ? html`<span part="verified">${msg('Verified')}</span>`
          : html`${this.userTrust === 'identity-changed' ? html`<span part="verified" class="changed">${msg('Identity changed')}</span>` : nothing}
              <button
                type="button"
                part="verify-button"
                aria-label=${msg(str`Verify ${name}`)}
                ?disabled=${running}
                @click=${this.#onVerify}
              >
                ${msg('Verify')}
              </button>`
      }
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
    </span>`;
  }

  #renderDialog(flow: VerificationHandle): TemplateResult {
    const s = flow.snapshot;
    const name = s.otherUserId === this.user.trim() && this.name ? this.name : s.otherName;
    const { title, text, body, actions } = this.#content(flow, s, name);
    const failed = s.state === 'mismatch' || s.state === 'cancelled' || s.state === 'timed-out';
    return html`<div
      class="dialog ${isOver(s) ? 'result' : ''} ${failed ? 'failed' : ''}"
      part="dialog"
      role="dialog"
      aria-labelledby="verification-title"
      aria-describedby="verification-text"
      data-state=${s.state}
      @keydown=${(event: KeyboardEvent) => this.#onKeydown(event, flow)}
    >
      <h2 id="verification-title" aria-live="polite">${title}</h2>
      <p id="verification-text">${text}</p>
      ${body}
      <div class="actions">${actions}</div>
    </div>`;
  }

  #content(
    flow: VerificationHandle,
    s: VerificationSnapshot,
    name: string,
  ): { title: string; text: string; body: TemplateResult | typeof nothing; actions: TemplateResult } {
    const cancel = html`<button type="button" @click=${() => this.#answer(flow.cancel())}>${msg('Cancel')}</button>`;
    const close = html`<button type="button" class="primary" @click=${() => this.#dismiss(flow)}>${msg('Close')}</button>`;
    switch (s.state) {
      case 'requested':
        if (s.incoming) {
          return {
            title: s.ownDevice ? msg('Another of your devices wants to verify') : msg(str`${name} wants to verify`),
            text: s.ownDevice
              ? msg('Compare emoji with your other device to confirm it is yours.')
              : msg(str`Compare emoji with ${name} to make sure your messages reach them and nobody else.`),
            body: nothing,
            actions: html`<button type="button" class="primary" @click=${() => this.#answer(flow.accept())}>${msg('Accept')}</button>
              <button type="button" @click=${() => this.#answer(flow.cancel())}>${msg('Decline')}</button>`,
          };
        }
        return {
          title: s.ownDevice ? msg('Verify this device') : msg(str`Verify ${name}`),
          text: s.ownDevice ? msg('Accept the request on one of your other devices.') : msg(str`Waiting for ${name} to accept…`),
          body: nothing,
          actions: cancel,
        };
      case 'ready':
        return {
          title: s.ownDevice ? msg('Verify this device') : msg(str`Verify ${name}`),
          text: msg('Preparing the emoji…'),
          body: nothing,
          actions: cancel,
        };
      case 'showing-emoji':
        return {
          title: s.ownDevice ? msg('Compare emoji with your other device') : msg(str`Compare emoji with ${name}`),
          text: msg('Check that the same emoji appear in the same order on both screens.'),
          body: this.#renderEmoji(s),
          actions: html`<button type="button" class="primary" @click=${() => this.#answer(flow.confirm())}>${msg('They match')}</button>
            <button type="button" @click=${() => flow.mismatch()}>${msg("They don't match")}</button>`,
        };
      case 'confirming':
        return {
          title: s.ownDevice ? msg('Compare emoji with your other device') : msg(str`Compare emoji with ${name}`),
          text: s.ownDevice ? msg('Waiting for your other device to confirm…') : msg(str`Waiting for ${name} to confirm…`),
          body: this.#renderEmoji(s),
          actions: cancel,
        };
      case 'confirmed':
        return {
          title: s.ownDevice ? msg('This device is verified') : msg(str`${name} is verified`),
          text: s.ownDevice
            ? msg('Your devices trust each other now.')
            : msg(str`Messages from ${name}'s verified devices show no warning.`),
          body: nothing,
          actions: html`<button type="button" class="primary" @click=${() => this.#dismiss(flow)}>${msg('Done')}</button>`,
        };
      case 'mismatch':
        return {
          title: msg("The emoji didn't match"),
          text: msg(
            'Verification was cancelled and nothing was verified. Someone may be intercepting this conversation: try again, ideally side by side.',
          ),
          body: nothing,
          actions: close,
        };
      case 'timed-out':
        return {
          title: msg('Verification timed out'),
          text: msg('Nobody answered in time; nothing was verified.'),
          body: nothing,
          actions: close,
        };
      case 'cancelled':
        return {
          title: msg('Verification cancelled'),
          text:
            s.cancelledBy === 'them'
              ? s.ownDevice
                ? msg('Your other device cancelled; nothing was verified.')
                : msg(str`${name} cancelled; nothing was verified.`)
              : msg('Nothing was verified.'),
          body: nothing,
          actions: close,
        };
    }
  }

  #renderEmoji(s: VerificationSnapshot): TemplateResult {
    return html`<ol class="emoji" part="emoji" aria-label=${msg('Emoji to compare')}>
      ${s.emoji.map((e) => html`<li><span class="symbol" aria-hidden="true">${e.emoji}</span><span class="label">${e.name}</span></li>`)}
    </ol>`;
  }

  #onKeydown(event: KeyboardEvent, flow: VerificationHandle): void {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    if (isOver(flow.snapshot)) this.#dismiss(flow);
    else this.#answer(flow.cancel());
  }

  readonly #onVerify = (): void => {
    const session = this.#session;
    const user = this.user.trim();
    if (!session || !user) return;
    this.error = undefined;
    session.verification.verifyUser(user).then(
      (flow) => {
        // The member asked here: this instance shows it, wherever else the session is rendered.
        claims.set(flow.snapshot.id, this);
        this.#focusNext = true;
        for (const instance of instances) instance.requestUpdate();
      },
      (error: unknown) => {
        this.error = memberMessage(error, msg('Verification could not start.'));
      },
    );
  };

  #answer(command: Promise<void>): void {
    this.#focusNext = true;
    command.catch((error: unknown) => {
      this.error = memberMessage(error, msg('The verification failed.'));
    });
  }

  #dismiss(flow: VerificationHandle): void {
    claims.delete(flow.snapshot.id);
    flow.dismiss();
  }
}

function isOver(s: VerificationSnapshot): boolean {
  return s.state === 'confirmed' || s.state === 'mismatch' || s.state === 'cancelled' || s.state === 'timed-out';
}
