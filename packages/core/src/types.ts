/**
 * The plain, serialisable data that crosses from the engine to the UI. No matrix-js-sdk type
 * appears here, so elements never depend on the SDK and can be tested against these shapes.
 */

/** A problem the UI can explain to a member. `code` is stable; `message` is readable English. */
export interface OmniErrorInfo {
  readonly code: OmniErrorCode;
  readonly message: string;
}

export type OmniErrorCode =
  'bad-homeserver' | 'unreachable' | 'sign-in-rejected' | 'unknown-room' | 'forbidden' | 'bad-room' | 'network' | 'unknown';

export class OmniError extends Error implements OmniErrorInfo {
  readonly code: OmniErrorCode;
  constructor(code: OmniErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OmniError';
    this.code = code;
  }
}

/** Credentials a host page already holds for its member. */
export interface AccessTokenSignIn {
  homeserver: string;
  accessToken: string;
  /** Looked up with `/whoami` when omitted. */
  userId?: string;
  deviceId?: string;
}

export interface PasswordSignIn {
  homeserver: string;
  /** A localpart (`alice`) or a full user id (`@alice:example.org`). */
  username: string;
  password: string;
}

export type SignInOptions = AccessTokenSignIn | PasswordSignIn;

export interface SessionInfo {
  readonly userId: string;
  readonly deviceId: string;
  /** The resolved client-server API base URL, without a trailing slash. */
  readonly homeserverUrl: string;
}

export type MessageStatus = 'sending' | 'sent' | 'failed';

export interface TimelineMessage {
  /** The event id, or the transaction id while a local echo has no event id yet. */
  readonly id: string;
  readonly sender: string;
  readonly senderName: string;
  readonly body: string;
  readonly timestamp: number;
  readonly status: MessageStatus;
  readonly own: boolean;
}

export type RoomStatus = 'loading' | 'ready' | 'error';

export interface RoomSnapshot {
  readonly status: RoomStatus;
  readonly roomId?: string;
  readonly name?: string;
  readonly messages: readonly TimelineMessage[];
  readonly error?: OmniErrorInfo;
  /** Whether the signed-in member may send messages here. */
  readonly canSend: boolean;
}

export type Unsubscribe = () => void;

/** What elements hold of a room: snapshots out, commands in. */
export interface RoomHandle {
  readonly snapshot: RoomSnapshot;
  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe;
  send(body: string): Promise<void>;
  /** Releases this holder's interest; the shared model stops when nobody holds it. */
  release(): void;
}

export interface SessionHandle {
  readonly info: SessionInfo;
  openRoom(roomIdOrAlias: string): RoomHandle;
  /** Revokes the access token and stops syncing. */
  signOut(): Promise<void>;
  /** Stops syncing and keeps the token valid (the session was replaced on this page). */
  stop(): void;
}
