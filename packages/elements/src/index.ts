/**
 * OmniSocial Chat for bundlers: importing this module runs the loader (it defines `<omni-room>`,
 * `<omni-chat>` and `<omni-dm>`) and gives the page the sign-in API. The views, Lit and the engine
 * stay in lazily loaded chunks.
 */
export * from './loader.ts';
export type {
  AccessTokenSignIn,
  GuestSignIn,
  IdentityProvider,
  LoginFlows,
  LoginFlowsOptions,
  LoginTokenSignIn,
  OmniErrorInfo,
  PasswordSignIn,
  RegistrationDetails,
  RegistrationFlows,
  RegistrationSignIn,
  SessionInfo,
  SessionStatus,
  SignInOptions,
  TermsPolicy,
} from '@omnisocial/core';
export type { OmniSignIn } from './components/sign-in/omni-sign-in.ts';
export type { ThemeName } from './theme/tokens.ts';
export {
  attributesFromProperties,
  serverElement,
  serverFacade,
  serverShadowContent,
  type OmniTag,
  type ServerAttributes,
  type ServerAttributeValue,
  type ServerRenderOptions,
} from './ssr.ts';
