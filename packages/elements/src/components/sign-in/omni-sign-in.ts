import { msg, str } from '@lit/localize';
import { memberMessage } from '../../i18n/member-error.ts';
import { html, nothing, svg, type TemplateResult } from 'lit';
import {
  completeSsoSignIn,
  getLoginFlows,
  hasSsoReturn,
  signIn,
  startSsoSignIn,
  OmniError,
  type LoginFlows,
  type OmniErrorInfo,
  type SignInOptions,
} from '@omnisocial/core';
import { OmniElement } from '../../base/omni-element.ts';
import { tokens } from '../../theme/tokens.ts';
import { describeErrorState, renderErrorState } from '../room/error-state.ts';
import { errorStateStyles } from '../room/error-state.styles.ts';
import { signInStyles } from './omni-sign-in.styles.ts';

type View = 'sign-in' | 'register';

const EYE = svg`<path d="M1.5 12S5.5 5 12 5s10.5 7 10.5 7-4 7-10.5 7S1.5 12 1.5 12Z"/><circle cx="12" cy="12" r="3"/>`;
const EYE_OFF = svg`<path d="M10.6 5.1A10 10 0 0 1 12 5c6.5 0 10.5 7 10.5 7a17 17 0 0 1-3 3.7M6.6 6.6C3.4 8.6 1.5 12 1.5 12s4 7 10.5 7a10 10 0 0 0 5.4-1.6"/><path d="M9.9 9.9a3 3 0 0 0 4.2 4.2"/><path d="m3 3 18 18"/>`;

/** The homeserver as a member knows it: its host name, not its API URL. */
function serverName(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function field(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

function errorInfo(error: unknown): OmniErrorInfo {
  return error instanceof OmniError ? error : { code: 'unreachable', message: message(error, msg('The homeserver cannot be reached.')) };
}

function message(error: unknown, fallback: string): string {
  // Core names the homeserver's URL in this one, which means nothing to a member.
  if (error instanceof OmniError && error.code === 'unreachable')
    return msg('The chat server cannot be reached. Check your connection, then try again.');
  return memberMessage(error, fallback);
}

/**
 * Signs a member in on a homeserver, offering what the homeserver's `/login` flows advertise: a password
 * form, single sign-on providers, guest access and account creation (with a registration token or terms
 * where the homeserver requires them). It also finishes an SSO sign-in when the page comes back with
 * `?loginToken=`.
 *
 * @summary Sign-in and account creation for one homeserver.
 * @csspart heading - "Sign in to chat" and the homeserver's name.
 * @csspart reason - Why signing in is asked for here (the `reason` attribute).
 * @csspart form - The password sign-in form.
 * @csspart show-password - The button that shows or hides the password as it is typed.
 * @csspart register-form - The account creation form.
 * @cssproperty --omni-color-accent - Buttons and links.
 */
export class OmniSignIn extends OmniElement {
  static override styles = [tokens, signInStyles, errorStateStyles];

  static override properties = {
    homeserver: { type: String, reflect: true },
    username: { type: String },
    theme: { type: String, reflect: true },
    reason: { type: String },
    noGuest: { type: Boolean, reflect: true, attribute: 'no-guest' },
    passwordShown: { state: true },
    flows: { state: true },
    loadError: { state: true },
    error: { state: true },
    busy: { state: true },
    view: { state: true },
  };

  /** A homeserver base URL (`https://matrix.example.org`) or server name (`example.org`). */
  declare homeserver: string;
  /** Prefills the username, e.g. to sign in again after the session ended. */
  declare username: string;
  /** `light` (default) or `dark`. */
  declare theme: 'light' | 'dark';
  /** Why signing in is asked for, shown under the heading (e.g. a room that is for members only). */
  declare reason: string;
  /** Leaves out **Continue as guest**, where a guest could not go on (`no-guest` attribute). */
  declare noGuest: boolean;
  declare private passwordShown: boolean;
  declare private flows: LoginFlows | undefined;
  declare private loadError: OmniErrorInfo | undefined;
  declare private error: string | undefined;
  declare private busy: boolean;
  declare private view: View;

  #loadedFor: string | undefined;

  constructor() {
    super();
    this.homeserver = '';
    this.username = '';
    this.theme = 'light';
    this.reason = '';
    this.noGuest = false;
    this.passwordShown = false;
    this.busy = false;
    this.view = 'sign-in';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (hasSsoReturn()) void this.#run(() => completeSsoSignIn(this.homeserver || undefined), msg('Single sign-on failed.'));
  }

  protected override willUpdate(): void {
    if (this.homeserver && this.homeserver !== this.#loadedFor) {
      this.#loadedFor = this.homeserver;
      void this.#loadFlows();
    }
  }

  async #loadFlows(): Promise<void> {
    const homeserver = this.homeserver;
    this.flows = undefined;
    this.loadError = undefined;
    try {
      const flows = await getLoginFlows(homeserver);
      if (homeserver === this.homeserver) this.flows = flows;
    } catch (error) {
      if (homeserver === this.homeserver) this.loadError = errorInfo(error);
    }
  }

  protected override render(): TemplateResult {
    if (this.loadError) return renderErrorState(describeErrorState(this.loadError), this.#retry);
    const flows = this.flows;
    if (!flows) return html`<p class="notice" role="status">${msg('Checking how to sign in…')}</p>`;
    return html`<div class="panel">
      ${this.view === 'register' ? this.#renderRegister(flows) : this.#renderSignIn(flows)}
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
    </div>`;
  }

  #renderSignIn(flows: LoginFlows): TemplateResult {
    const providers = flows.sso;
    return html`
      <div class="heading" part="heading">
        <h2>${msg('Sign in to chat')}</h2>
        <p class="server">${msg(str`on ${serverName(flows.homeserverUrl)}`, { id: 'sign-in-on-server' })}</p>
      </div>
      ${this.reason ? html`<p class="reason" part="reason">${this.reason}</p>` : nothing}
      ${
        flows.password
          ? html`<form part="form" aria-label=${msg('Sign in')} @submit=${this.#onSignIn}>
              <label>${msg('Username')} <input name="username" autocomplete="username" required .value=${this.username} /></label>
              ${this.#renderPassword('current-password')}
              <button type="submit" ?disabled=${this.busy}>${msg('Sign in')}</button>
            </form>`
          : nothing
      }
      <div class="alternatives">
        ${
          providers && providers.length > 0
            ? providers.map(
                (idp) =>
                  html`<button
                    type="button"
                    class="secondary"
                    ?disabled=${this.busy}
                    @click=${() => startSsoSignIn(flows.homeserverUrl, { idpId: idp.id })}
                  >
                    ${msg(str`Continue with ${idp.name}`)}
                  </button>`,
              )
            : providers
              ? html`<button type="button" class="secondary" ?disabled=${this.busy} @click=${() => startSsoSignIn(flows.homeserverUrl)}>
                  ${msg('Continue with single sign-on')}
                </button>`
              : nothing
        }
        ${
          flows.guest && !this.noGuest
            ? html`<button type="button" class="secondary" ?disabled=${this.busy} @click=${this.#onGuest}>
                ${msg('Continue as guest')}
              </button>`
            : nothing
        }
        ${
          flows.registration.available
            ? html`<button type="button" class="secondary" ?disabled=${this.busy} @click=${this.#showRegister}>
                ${msg('Create account')}
              </button>`
            : nothing
        }
      </div>
      ${
        !flows.password && !providers && !(flows.guest && !this.noGuest) && !flows.registration.available
          ? html`<p class="notice">${msg('This homeserver offers no way to sign in here.')}</p>`
          : nothing
      }
    `;
  }

  #renderRegister(flows: LoginFlows): TemplateResult {
    const { requiresToken, terms } = flows.registration;
    return html`
      <form part="register-form" aria-label=${msg('Create account')} @submit=${this.#onRegister}>
        <h2>${msg('Create an account')}</h2>
        <label>${msg('Username')} <input name="username" autocomplete="username" required /></label>
        ${this.#renderPassword('new-password')}
        ${requiresToken ? html`<label>${msg('Registration token')} <input name="token" autocomplete="off" required /></label>` : nothing}
        ${
          terms.length > 0
            ? html`<label class="check">
                <input name="terms" type="checkbox" required />
                <span
                  >${msg('I accept the', { id: 'sign-in-accept-terms' })}
                  ${terms.map(
                    (policy, index) =>
                      html`${index > 0 ? msg(', ', { id: 'list-separator' }) : ''}<a
                          href=${policy.url}
                          target="_blank"
                          rel="noopener noreferrer"
                          >${policy.name}</a
                        >`,
                  )}</span
                >
              </label>`
            : nothing
        }
        <button type="submit" ?disabled=${this.busy}>${msg('Create account')}</button>
      </form>
      <button type="button" class="link" @click=${this.#showSignIn}>${msg('Back to sign in')}</button>
    `;
  }

  /**
   * The password field with a toggle that shows what was typed (a mistyped password on a phone is the
   * usual reason a sign-in fails). Only one form shows at a time, so the id is unique in the shadow root.
   */
  #renderPassword(autocomplete: 'current-password' | 'new-password'): TemplateResult {
    const shown = this.passwordShown;
    return html`<div class="field">
      <label for="password">${msg('Password')}</label>
      <div class="password">
        <input id="password" name="password" type=${shown ? 'text' : 'password'} autocomplete=${autocomplete} required />
        <button
          type="button"
          class="toggle"
          part="show-password"
          aria-label=${msg('Show password')}
          aria-controls="password"
          aria-pressed=${shown ? 'true' : 'false'}
          title=${shown ? msg('Hide password') : msg('Show password')}
          @click=${this.#togglePassword}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true">${shown ? EYE_OFF : EYE}</svg>
        </button>
      </div>
    </div>`;
  }

  #togglePassword(): void {
    this.passwordShown = !this.passwordShown;
  }

  #retry(): void {
    this.#loadedFor = undefined;
    this.requestUpdate();
  }

  async #showRegister(): Promise<void> {
    this.view = 'register';
    this.passwordShown = false;
    this.error = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('form input')?.focus();
  }

  async #showSignIn(): Promise<void> {
    this.view = 'sign-in';
    this.passwordShown = false;
    this.error = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('form input')?.focus();
  }

  #homeserverUrl(): string {
    return this.flows?.homeserverUrl ?? this.homeserver;
  }

  async #run(action: () => Promise<unknown>, fallback: string): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      await action();
    } catch (error) {
      this.error = message(error, fallback);
    } finally {
      this.busy = false;
    }
  }

  #signIn(options: SignInOptions, fallback: string): Promise<void> {
    return this.#run(() => signIn(options), fallback);
  }

  #onSignIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    return this.#signIn(
      { homeserver: this.#homeserverUrl(), username: field(data, 'username'), password: field(data, 'password') },
      msg('Sign-in failed.'),
    );
  }

  #onGuest(): Promise<void> {
    return this.#signIn({ homeserver: this.#homeserverUrl(), guest: true }, msg('Guest access failed.'));
  }

  #onRegister(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const token = data.get('token');
    return this.#signIn(
      {
        homeserver: this.#homeserverUrl(),
        register: {
          username: field(data, 'username'),
          password: field(data, 'password'),
          ...(typeof token === 'string' && token ? { registrationToken: token.trim() } : {}),
          acceptTerms: data.get('terms') === 'on',
        },
      },
      msg('The account could not be created.'),
    );
  }
}
