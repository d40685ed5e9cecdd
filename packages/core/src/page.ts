/**
 * What the page's loader needs of core synchronously — the error class and the SSO URL helpers — and
 * nothing else: importing this module loads neither the session registry nor the engine.
 */
export { OmniError } from './types.ts';
export { ssoRedirectUrl, startSsoSignIn } from './session/sso.ts';
