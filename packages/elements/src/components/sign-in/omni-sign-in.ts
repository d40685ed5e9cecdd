import { html, nothing, type TemplateResult } from 'lit';
import {
  completeSsoSignIn,
  getLoginFlows,
  hasSsoReturn,
  signIn,
  startSsoSignIn,
  type LoginFlows,
  type SignInOptions,
} from '@omnisocial/core';
import { OmniElement } from '../../base/omni-element.ts';
import { tokens } from '../../theme/tokens.ts';
import { signInStyles } from './omni-sign-in.styles.ts';

type View = 'sign-in' | 'register';

function field(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

function message(error: unknown, fallback: string): string {
  return error instanceof Error && error.message ? error.message : fallback;
}

/**
 * Signs a member in on a homeserver, offering what the homeserver's `/login` flows advertise: a password
 * form, single sign-on providers, guest access and account creation (with a registration token or terms
 * where the homeserver requires them). It also finishes an SSO sign-in when the page comes back with
 * `?loginToken=`.
 *
 * @summary Sign-in and account creation for one homeserver.
 * @csspart form - The password sign-in form.
 * @csspart register-form - The account creation form.
 * @cssproperty --omni-color-accent - Buttons and links.
 */
export class OmniSignIn extends OmniElement {
  static override styles = [tokens, signInStyles];

  static override properties = {
    homeserver: { type: String, reflect: true },
    username: { type: String },
    theme: { type: String, reflect: true },
    noGuest: { type: Boolean, reflect: true, attribute: 'no-guest' },
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
  /** Never offers "Continue as guest" (e.g. where guests could not read what the sign-in is for). */
  declare noGuest: boolean;
  declare private flows: LoginFlows | undefined;
  declare private loadError: string | undefined;
  declare private error: string | undefined;
  declare private busy: boolean;
  declare private view: View;

  #loadedFor: string | undefined;

  constructor() {
    super();
    this.homeserver = '';
    this.username = '';
    this.theme = 'light';
    this.noGuest = false;
    this.busy = false;
    this.view = 'sign-in';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (hasSsoReturn()) void this.#run(() => completeSsoSignIn(this.homeserver || undefined), 'Single sign-on failed.');
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
      if (homeserver === this.homeserver) this.loadError = message(error, 'The homeserver cannot be reached.');
    }
  }

  protected override render(): TemplateResult {
    if (this.loadError) {
      return html`<div class="panel">
        <p role="alert">${this.loadError}</p>
        <button type="button" class="secondary" @click=${this.#retry}>Try again</button>
      </div>`;
    }
    const flows = this.flows;
    if (!flows) return html`<p class="notice" role="status">Checking how to sign in…</p>`;
    return html`<div class="panel">
      ${this.view === 'register' ? this.#renderRegister(flows) : this.#renderSignIn(flows)}
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
    </div>`;
  }

  #renderSignIn(flows: LoginFlows): TemplateResult {
    const providers = flows.sso;
    return html`
      ${
        flows.password
          ? html`<form part="form" aria-label="Sign in" @submit=${this.#onSignIn}>
              <label>Username <input name="username" autocomplete="username" required .value=${this.username} /></label>
              <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
              <button type="submit" ?disabled=${this.busy}>Sign in</button>
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
                    Continue with ${idp.name}
                  </button>`,
              )
            : providers
              ? html`<button type="button" class="secondary" ?disabled=${this.busy} @click=${() => startSsoSignIn(flows.homeserverUrl)}>
                  Continue with single sign-on
                </button>`
              : nothing
        }
        ${
          flows.guest && !this.noGuest
            ? html`<button type="button" class="secondary" ?disabled=${this.busy} @click=${this.#onGuest}>Continue as guest</button>`
            : nothing
        }
        ${
          flows.registration.available
            ? html`<button type="button" class="secondary" ?disabled=${this.busy} @click=${this.#showRegister}>Create account</button>`
            : nothing
        }
      </div>
      ${
        !flows.password && !providers && (!flows.guest || this.noGuest) && !flows.registration.available
          ? html`<p class="notice">This homeserver offers no way to sign in here.</p>`
          : nothing
      }
    `;
  }

  #renderRegister(flows: LoginFlows): TemplateResult {
    const { requiresToken, terms } = flows.registration;
    return html`
      <form part="register-form" aria-label="Create account" @submit=${this.#onRegister}>
        <h2>Create an account</h2>
        <label>Username <input name="username" autocomplete="username" required /></label>
        <label>Password <input name="password" type="password" autocomplete="new-password" required /></label>
        ${requiresToken ? html`<label>Registration token <input name="token" autocomplete="off" required /></label>` : nothing}
        ${
          terms.length > 0
            ? html`<label class="check">
                <input name="terms" type="checkbox" required />
                <span
                  >I accept the
                  ${terms.map(
                    (policy, index) =>
                      html`${index > 0 ? ', ' : ''}<a href=${policy.url} target="_blank" rel="noopener noreferrer">${policy.name}</a>`,
                  )}</span
                >
              </label>`
            : nothing
        }
        <button type="submit" ?disabled=${this.busy}>Create account</button>
      </form>
      <button type="button" class="link" @click=${this.#showSignIn}>Back to sign in</button>
    `;
  }

  #retry(): void {
    this.#loadedFor = undefined;
    this.requestUpdate();
  }

  async #showRegister(): Promise<void> {
    this.view = 'register';
    this.error = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('form input')?.focus();
  }

  async #showSignIn(): Promise<void> {
    this.view = 'sign-in';
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
      'Sign-in failed.',
    );
  }

  #onGuest(): Promise<void> {
    return this.#signIn({ homeserver: this.#homeserverUrl(), guest: true }, 'Guest access failed.');
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
      'The account could not be created.',
    );
  }
}
