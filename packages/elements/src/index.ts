/**
 * OmniSocial Chat: importing this module defines `<omni-room>` and gives the page the sign-in API.
 */
import './components/room/define.ts';

export { signIn, signOut, OmniError } from '@omnisocial/core';
export type { AccessTokenSignIn, OmniErrorInfo, PasswordSignIn, SessionInfo, SignInOptions } from '@omnisocial/core';
export { OmniRoom } from './components/room/omni-room.ts';
export { OmniErrorEvent } from './events.ts';
