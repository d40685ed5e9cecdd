/**
 * The sign-in API as the page sees it: thin async functions that load the real implementation
 * (`@omnisocial/core`, which loads the engine in turn) on first call, so importing the package costs
 * the loader nothing more. The two synchronous helpers and `OmniError` are small and come from core's
 * modules that do not touch the engine.
 */
import type { LoginFlows, LoginFlowsOptions, SessionInfo, SignInOptions } from '@omnisocial/core';
import { pageCore as core } from './page-owner.ts';
import { loadViews } from './views-chunk.ts';

/**
 * Signs in to a homeserver with any sign-in mode (access token, login token, password, guest, registration). The
 * views chunk downloads and starts while the homeserver checks the credentials: the views the page shows next
 * paint without waiting for it.
 */
export async function signIn(options: SignInOptions): Promise<SessionInfo> {
  return (await core()).signIn(options, () => void loadViews().catch(() => undefined));
}

/**
 * Tells the elements that the page is signing its member in (e.g. while it fetches a login token from its
 * backend): open posts wait for `until` instead of signing the visitor in as a guest. `signIn()` does this on
 * its own from the moment it is called.
 */
export function expectSignIn(until: Promise<unknown>): void {
  void core().then((loaded) => loaded.expectSignIn(until));
}

/** Signs out of one homeserver (or every one) and wipes the stored session and keys. */
export async function signOut(homeserver?: string): Promise<void> {
  return (await core()).signOut(homeserver);
}

/** Finishes an SSO sign-in when the page URL carries `loginToken`; resolves to `undefined` otherwise. */
export async function completeSsoSignIn(homeserver?: string): Promise<SessionInfo | undefined> {
  return (await core()).completeSsoSignIn(homeserver);
}

/** The sign-in and registration flows a homeserver offers. */
export async function getLoginFlows(homeserver: string, options?: LoginFlowsOptions): Promise<LoginFlows> {
  return (await core()).getLoginFlows(homeserver, options);
}

export { OmniError, ssoRedirectUrl, startSsoSignIn } from '@omnisocial/core/page';
