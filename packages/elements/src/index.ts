/**
 * OmniSocial Chat: importing this module defines `<omni-room>` and `<omni-sign-in>` and gives the page the sign-in API.
 */
import './components/room/define.ts';
import './components/sign-in/define.ts';

export { signIn, signOut, OmniError } from '@omnisocial/core';
export { completeSsoSignIn, getLoginFlows, ssoRedirectUrl, startSsoSignIn } from '@omnisocial/core';
export type {
  GuestSignIn,
  IdentityProvider,
  LoginFlows,
  LoginTokenSignIn,
  RegistrationDetails,
  RegistrationFlows,
  RegistrationSignIn,
  TermsPolicy,
} from '@omnisocial/core';
export type { SessionStatus } from '@omnisocial/core';
export type { AccessTokenSignIn, OmniErrorInfo, PasswordSignIn, SessionInfo, SignInOptions } from '@omnisocial/core';
export { OmniRoom } from './components/room/omni-room.ts';
export { OmniSignIn } from './components/sign-in/omni-sign-in.ts';
export { OmniErrorEvent, OmniSessionChangeEvent, type SessionChangeState } from './events.ts';
