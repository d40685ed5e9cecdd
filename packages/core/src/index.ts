export { normaliseBaseUrl, parseHomeserverInput, resolveHomeserver } from './homeserver.ts';
export { onSessionsChange, sessionFor, signIn, signOut } from './registry.ts';
export { OmniError } from './types.ts';
export type {
  AccessTokenSignIn,
  MessageStatus,
  OmniErrorCode,
  OmniErrorInfo,
  PasswordSignIn,
  RoomHandle,
  RoomSnapshot,
  RoomStatus,
  SessionHandle,
  SessionInfo,
  SignInOptions,
  TimelineMessage,
  Unsubscribe,
} from './types.ts';
