/**
 * Single sign-on by redirect: the page goes to the homeserver, which sends the member back with
 * `?loginToken=…`. No matrix-js-sdk here; the sign-in itself goes through `signIn({ loginToken })`.
 */
import { normaliseBaseUrl } from './base-url.ts';
import type { SessionInfo } from '../types.ts';

const STATE_KEY = 'omni:sso';
export const LOGIN_TOKEN_PARAM = 'loginToken';

/** The homeserver URL that starts SSO and sends the member back to `returnUrl`. */
export function ssoRedirectUrl(homeserverUrl: string, returnUrl: string, idpId?: string): string {
  const base = normaliseBaseUrl(homeserverUrl);
  const path = idpId ? `/_matrix/client/v3/login/sso/redirect/${encodeURIComponent(idpId)}` : '/_matrix/client/v3/login/sso/redirect';
  return `${base}${path}?redirectUrl=${encodeURIComponent(returnUrl)}`;
}

/** The page URL without `loginToken`, keeping every other parameter and the fragment. */
export function withoutLoginToken(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete(LOGIN_TOKEN_PARAM);
  return parsed.href;
}

interface PendingSso {
  homeserver: string;
  scrollX: number;
  scrollY: number;
}

function readPending(): PendingSso | undefined {
  try {
    const raw = sessionStorage.getItem(STATE_KEY);
    if (!raw) return undefined;
    const value = JSON.parse(raw) as Partial<PendingSso>;
    if (typeof value.homeserver !== 'string') return undefined;
    return { homeserver: value.homeserver, scrollX: Number(value.scrollX) || 0, scrollY: Number(value.scrollY) || 0 };
  } catch {
    return undefined;
  }
}

/**
 * Remembers the homeserver and scroll position, then sends the page to the homeserver's SSO.
 * `returnUrl` defaults to the current page.
 */
export function startSsoSignIn(homeserverUrl: string, options: { idpId?: string; returnUrl?: string } = {}): void {
  const state: PendingSso = { homeserver: homeserverUrl, scrollX: window.scrollX, scrollY: window.scrollY };
  try {
    sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
  } catch {
    // Without sessionStorage the member still signs in; only the scroll position is lost.
  }
  window.location.assign(ssoRedirectUrl(homeserverUrl, options.returnUrl ?? withoutLoginToken(window.location.href), options.idpId));
}

/** Whether the page was just sent back by SSO with a login token to use. */
export function hasSsoReturn(): boolean {
  return new URL(window.location.href).searchParams.has(LOGIN_TOKEN_PARAM);
}

let completing: Promise<SessionInfo | undefined> | undefined;

/**
 * Finishes an SSO sign-in when the page URL carries `loginToken`: removes the token from the URL at once
 * (`history.replaceState`), signs in with it and restores the scroll position saved before the redirect.
 * Resolves to `undefined` when there is nothing to complete. Safe to call from several places.
 *
 * @param homeserver Used when the redirect was not started by `startSsoSignIn()` on this page.
 */
export function completeSsoSignIn(homeserver?: string): Promise<SessionInfo | undefined> {
  completing ??= complete(homeserver).finally(() => {
    completing = undefined;
  });
  return completing;
}

async function complete(homeserver: string | undefined): Promise<SessionInfo | undefined> {
  const url = new URL(window.location.href);
  const loginToken = url.searchParams.get(LOGIN_TOKEN_PARAM);
  if (!loginToken) return undefined;
  history.replaceState(history.state, '', withoutLoginToken(url.href));
  const pending = readPending();
  try {
    sessionStorage.removeItem(STATE_KEY);
  } catch {
    // Nothing was saved.
  }
  const target = pending?.homeserver ?? homeserver;
  if (!target) return undefined;
  // Restored now for a page that is already laid out, and again once signed-in content has rendered.
  if (pending) window.scrollTo(pending.scrollX, pending.scrollY);
  // Loaded here, not at the top: the SSO URL helpers are part of the page's loader, the session registry is not.
  const { signIn } = await import('./registry.ts');
  const info = await signIn({ homeserver: target, loginToken });
  if (pending) window.scrollTo(pending.scrollX, pending.scrollY);
  return info;
}
