/**
 * The plain, serialisable data that crosses from the engine to the UI. No matrix-js-sdk type
 * appears here, so elements never depend on the SDK and can be tested against these shapes.
 */
import type { EncryptedFile, MemberInfo, MessageItem, TimelineItem } from './timeline/timeline-types.ts';
import type { PostRoomTarget } from './posts/posts.ts';
import type { ActionsOnMember, MemberRole, RoomPermissions } from './rooms/power-levels.ts';

export type { ActionsOnMember, MemberRole, RoomPermissions } from './rooms/power-levels.ts';

/** A text message ready to send: what `composeDraft()` makes of the composer's text. */
export interface OutgoingMessage {
  readonly msgtype: 'm.text' | 'm.emote';
  /** Plain text, mentions as display names. */
  readonly body: string;
  /** `org.matrix.custom.html`, when there is formatting or a mention. */
  readonly formattedBody?: string;
  /** Members deliberately mentioned (`m.mentions.user_ids`). */
  readonly mentionedUserIds: readonly string[];
}

/** A problem the UI can explain to a member. `code` is stable; `message` is readable English. */
export interface OmniErrorInfo {
  readonly code: OmniErrorCode;
  readonly message: string;
}

export type OmniErrorCode =
  | 'bad-homeserver'
  | 'unreachable'
  | 'sign-in-rejected'
  | 'login-token-rejected'
  | 'guest-unavailable'
  | 'registration-unavailable'
  | 'registration-rejected'
  | 'unknown-room'
  | 'forbidden'
  | 'guest-forbidden'
  | 'bad-room'
  | 'network'
  | 'creation-refused'
  | 'rate-limited'
  | 'too-large'
  | 'bad-file'
  | 'binding-mismatch'
  | 'discussion-unavailable'
  | 'bad-user'
  | 'unknown-user'
  | 'encryption-unavailable'
  | 'password-required'
  | 'recovery-exists'
  | 'no-recovery'
  | 'bad-recovery-key'
  | 'unknown';

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

/** A one-time `m.login.token`, minted by the site's backend (see docs/sign-in.md) or returned by SSO. */
export interface LoginTokenSignIn {
  homeserver: string;
  loginToken: string;
}

/** A guest account (Synapse `allow_guest_access`): reads world-readable rooms, writes where guests may join. */
export interface GuestSignIn {
  homeserver: string;
  guest: true;
}

export interface RegistrationDetails {
  /** The localpart of the new account (`alice`). */
  username: string;
  password: string;
  /** Required when the homeserver asks for `m.login.registration_token`. */
  registrationToken?: string;
  /** The member accepted the homeserver's policies (`m.login.terms`); see `LoginFlows.registration.terms`. */
  acceptTerms?: boolean;
}

/** Creates an account through the homeserver's interactive authentication, then signs in with it. */
export interface RegistrationSignIn {
  homeserver: string;
  register: RegistrationDetails;
}

export type SignInOptions = AccessTokenSignIn | PasswordSignIn | LoginTokenSignIn | GuestSignIn | RegistrationSignIn;

export interface IdentityProvider {
  readonly id: string;
  readonly name: string;
  /** An `mxc://` icon, when the homeserver advertises one. */
  readonly icon?: string;
  readonly brand?: string;
}

export interface TermsPolicy {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly version: string;
}

/** What a homeserver offers for signing in and creating accounts: plain data for the sign-in UI. */
export interface LoginFlows {
  readonly homeserverUrl: string;
  /** `m.login.password`. */
  readonly password: boolean;
  /** `m.login.token` (used by SSO and by tokens a site's backend mints). */
  readonly token: boolean;
  /** `m.login.sso`: the identity providers; empty when the server offers SSO without naming providers. */
  readonly sso: readonly IdentityProvider[] | undefined;
  /** Guest registration works (`allow_guest_access`). */
  readonly guest: boolean;
  readonly registration: RegistrationFlows;
}

export interface RegistrationFlows {
  /** An account can be created here without steps this client cannot perform (email, captcha…). */
  readonly available: boolean;
  /** Registration is open but every flow needs a stage this client cannot perform; they are named here. */
  readonly unsupportedStages: readonly string[];
  readonly requiresToken: boolean;
  /** The policies to accept, when `m.login.terms` is required. */
  readonly terms: readonly TermsPolicy[];
}

export interface SessionInfo {
  readonly userId: string;
  readonly deviceId: string;
  /** The resolved client-server API base URL, without a trailing slash. */
  readonly homeserverUrl: string;
  /** A guest account: it may read world-readable rooms and write only where guests may join. */
  readonly guest?: boolean;
}

/**
 * Where the member stands on one homeserver, as elements render it.
 * - `signed-out`: nobody is signed in (`persistent` false: this browser will not keep a sign-in).
 * - `resuming`: a stored session is being restored.
 * - `active`: this tab drives the engine.
 * - `elsewhere`: another tab of the site drives it; this one can take it over.
 * - `expired`: the homeserver ended the session but kept the device: sign in again to continue.
 */
export type SessionStatus =
  | { readonly kind: 'signed-out'; readonly persistent: boolean; readonly reason?: 'revoked' }
  | { readonly kind: 'resuming' }
  | { readonly kind: 'active'; readonly info: SessionInfo; readonly persistent: boolean }
  | { readonly kind: 'elsewhere'; readonly info: SessionInfo }
  | { readonly kind: 'expired'; readonly info: SessionInfo };

/**
 * `absent`: a post's room does not exist yet (nothing was written); the first message creates it.
 * `creating`: this member's first message is creating it. `mismatch`: the post's alias points to a
 * room bound to another post (or to none); it is not shown.
 */
export type RoomStatus = 'loading' | 'ready' | 'error' | 'absent' | 'creating' | 'mismatch';

/**
 * Why the member cannot write in a room: `room-replaced` (a newer room replaced it), `banned`, `invited` (the
 * invitation is not accepted yet), `guest-read-only` (guests may read, not write), `not-joined`, `admins-only`,
 * `moderators-only`, `no-permission` (a level the member lacks), `sign-in-to-take-part` / `sign-in-to-start` (a
 * guest on a post's discussion that exists / does not exist yet), `connecting` (the light read, before the
 * engine takes over), `post-mismatch` (the post's address points to another room).
 */
export type CannotSendReason =
  | 'room-replaced'
  | 'banned'
  | 'invited'
  | 'guest-read-only'
  | 'not-joined'
  | 'admins-only'
  | 'moderators-only'
  | 'no-permission'
  | 'sign-in-to-take-part'
  | 'sign-in-to-start'
  | 'connecting'
  | 'post-mismatch';

export interface RoomSnapshot {
  readonly status: RoomStatus;
  readonly roomId?: string;
  readonly name?: string;
  readonly topic?: string;
  /**
   * Messages here are end-to-end encrypted (the room has `m.room.encryption`); for a room not created
   * yet, whether it will be (a DM always, a post's room unless the post is open).
   */
  readonly encrypted: boolean;
  /** Oldest first. */
  readonly items: readonly TimelineItem[];
  readonly error?: OmniErrorInfo;
  /** Whether the signed-in member may send messages here. */
  readonly canSend: boolean;
  /** Why not, when `canSend` is false and the room is ready (the elements word it). */
  readonly cannotSendReason?: CannotSendReason;
  /** Older history exists on the server. */
  readonly hasMoreBefore: boolean;
  readonly paginating: boolean;
  /** Other members typing now. */
  readonly typing: readonly MemberInfo[];
  /** Messages after the member's read marker. */
  readonly unreadCount: number;
  /**
   * Unread messages that notify and those that highlight (mentions), by the member's push rules
   * (rooms/notification-counts.ts); absent until the room is ready, and for visitors.
   */
  readonly notificationCounts?: { readonly notifications: number; readonly highlights: number };
  /** A post's room: its alias (`openPostRoom`). */
  readonly alias?: string;
  /** A post's room was created by this session (its first message). */
  readonly createdHere?: boolean;
  /** A direct conversation (`openDirectRoom`): the other member, from their profile. */
  readonly directWith?: MemberInfo;
  /** A ready room: what the signed-in member may do here, from `m.room.power_levels`. */
  readonly permissions?: RoomPermissions;
  /** For a member who may moderate (kick, ban, delete others' messages or change levels): the room's members. */
  readonly members?: readonly RoomMember[];
  /** The member was removed, banned or muted: what to show in place of the composer. */
  readonly standing?: MemberStanding;
  /**
   * Link previews are on for this member in this room (media/link-preview-setting.ts): on by default in
   * plain rooms, off by default in encrypted ones; absent until the room is ready.
   */
  readonly linkPreviews?: boolean;
}

/**
 * What the homeserver's preview API says of a link, bounded and as plain text (media/link-preview.ts):
 * never HTML, and an image only as an `mxc://` URI of the homeserver's own copy.
 */
export interface LinkPreview {
  /** The link previewed (an absolute http or https URL). */
  readonly url: string;
  /** The site's host, from the URL itself (not from the page). */
  readonly host: string;
  readonly title?: string;
  readonly description?: string;
  readonly siteName?: string;
  /** The homeserver's copy of `og:image`, when it is a raster image of bounded size. */
  readonly image?: { readonly mxc: string; readonly width?: number; readonly height?: number };
}

/**
 * Where the signed-in member stands when they cannot take part: `removed` (kicked by someone else),
 * `banned`, or `muted` (their power level is below what a message needs, where members may write).
 */
export interface MemberStanding {
  readonly kind: 'removed' | 'banned' | 'muted';
  /** The reason the moderator gave, as text. */
  readonly reason?: string;
}

/** A member of the room as a moderator's member list shows them, with what the signed-in member may do to them. */
export interface RoomMember {
  readonly userId: string;
  readonly displayName: string;
  readonly avatarMxc?: string;
  readonly role: MemberRole;
  readonly membership: 'join' | 'invite' | 'ban';
  readonly actions: ActionsOnMember;
}

/**
 * A moderator's command (see docs/moderation.md). Each is checked by the homeserver: a refusal (the
 * member's power changed meanwhile) rejects with an `OmniError` of code `forbidden`.
 * - `remove-messages`: deletes the member's last `limit` loaded messages (default 50), paced to the
 *   homeserver's rate limits;
 * - `redact`: deletes someone else's message at once (a refusal is reported, not queued like `RoomHandle.redact`);
 * - `report`: reports a message to the homeserver's admins (any member, not guests).
 */
export type ModerationCommand =
  | { readonly kind: 'kick' | 'ban'; readonly userId: string; readonly reason?: string }
  | { readonly kind: 'unban' | 'mute' | 'unmute'; readonly userId: string }
  | { readonly kind: 'remove-messages'; readonly userId: string; readonly reason?: string; readonly limit?: number }
  | { readonly kind: 'redact'; readonly eventId: string; readonly reason?: string }
  | { readonly kind: 'report'; readonly eventId: string; readonly reason?: string };

/** How far a command on several events (`remove-messages`) got: `done` of `total`, `failed` of them refused. */
export interface ModerationProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

export type Unsubscribe = () => void;

/**
 * Media to show, fetched through authenticated media into a blob URL. `kind` is what the bytes will
 * be used as: `image` accepts only raster image types, `video`/`audio` only their own, and a `file`
 * always becomes `application/octet-stream` (it downloads, never renders in the page).
 */
export interface MediaRequest {
  /** `mxc://server/media-id`; anything else is refused without a request. */
  readonly mxc: string;
  readonly kind: 'image' | 'video' | 'audio' | 'file';
  /** A server-side thumbnail scaled to fit this box (pixels); the original file when omitted or encrypted. */
  readonly thumbnail?: { readonly width: number; readonly height: number };
  /** Decrypts the download with this (`mxc` is then `encryption.url`). */
  readonly encryption?: EncryptedFile;
  /** The sender's declared type, which an encrypted blob gets (the server only sees ciphertext). */
  readonly mimetype?: string;
  /** Only the server's thumbnail: no fallback to the original when there is none (link preview images). */
  readonly thumbnailOnly?: boolean;
}

/** How a message is sent: as a reply to `replyTo`, under the transaction id `txnId`. */
export interface SendOptions {
  /** The event id of the message this one replies to (quoted above it). */
  readonly replyTo?: string;
  /**
   * The transaction id to send it under, which is also its local echo's key (made when absent). A message whose
   * id is already queued is not queued again, and the homeserver stores one event per id.
   */
  readonly txnId?: string;
}

/** How a file is sent: with a caption, as a reply, under a transaction id (see `SendOptions`). */
export interface AttachmentOptions extends SendOptions {
  /** Shown under the file (the spec's media captions); the file's name when absent. */
  readonly caption?: string;
}

/** What elements hold of a room: snapshots out, commands in. */
export interface RoomHandle {
  readonly snapshot: RoomSnapshot;
  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe;
  /**
   * Sends text as typed, or a message composed by `composeDraft()` (Markdown, commands, mentions) or
   * `markdownMessage()`, optionally as a reply. Resolves once queued locally; rejects with code `too-large` when it cannot fit in an event.
   */
  send(message: string | OutgoingMessage, options?: SendOptions): Promise<void>;
  /**
   * Checks a file before it is offered for sending; rejects with an `OmniError` whose message names the
   * file: `too-large` (over the homeserver's `m.upload.size`) or `bad-file` (empty, unreadable).
   */
  checkAttachment(file: Blob & { readonly name: string }): Promise<void>;
  /**
   * Queues a file (with an optional caption, as the spec's media captions) behind what is queued already;
   * it is uploaded when its turn comes, encrypted where the room is, with progress in its local echo
   * (`MessageItem.upload`). Rejects with `bad-file` for an empty file, before anything is queued.
   */
  sendAttachment(file: Blob & { readonly name: string }, options?: AttachmentOptions): Promise<void>;
  /** Replaces the text of one of the member's messages (`m.replace`); rejects like `send` when too large. */
  edit(eventId: string, message: string | OutgoingMessage): Promise<void>;
  /** Deletes a message (redaction), the member's own or, for a moderator, anyone's; `reason` is shown to members. */
  redact(eventId: string, reason?: string): Promise<void>;
  /**
   * A moderator's command or a report; resolves with the final progress (for `remove-messages`,
   * reported on the way through `onProgress`); rejects with an `OmniError` when the homeserver refuses.
   */
  moderate(command: ModerationCommand, onProgress?: (progress: ModerationProgress) => void): Promise<ModerationProgress>;
  /** Adds the member's reaction with `key`, or removes it if they already reacted with it. */
  toggleReaction(eventId: string, key: string): Promise<void>;
  /** Sends a failed message again (same transaction id); for a message that cannot be read, `retryDecryption`. */
  retry(key: string): Promise<void>;
  /** Tries again to decrypt an encrypted message this device could not read, asking the key backup where it can. */
  retryDecryption(eventId: string): Promise<void>;
  /** Drops a message that is not sent yet. */
  cancel(key: string): Promise<void>;
  /** Loads older history; resolves to whether more remains. */
  paginateBackwards(limit?: number): Promise<boolean>;
  setTyping(typing: boolean): void;
  /** Moves the read receipt and read marker to this event. */
  markRead(eventId: string): void;
  /** Room members whose name or id matches, for mention autocomplete. */
  searchMembers(query: string, limit?: number): Promise<readonly MemberInfo[]>;
  /** A blob URL for the media (shared and cached per session); rejects when it cannot be shown. */
  loadMedia(request: MediaRequest): Promise<string>;
  /**
   * The homeserver's preview of an http(s) link in this room's messages, cached per URL for the session;
   * undefined when previews are off here, the server has none, fails, or is slower than the bound.
   */
  previewLink(url: string): Promise<LinkPreview | undefined>;
  /** Turns link previews on or off for the member in this room (room account data, as Element keeps it). */
  setLinkPreviews(enabled: boolean): Promise<void>;
  /** Opens the thread under this root (`m.thread`): its replies, read state and composer. Release it when closed. */
  openThread(rootId: string): ThreadHandle;
  /** Releases this holder's interest; the shared model stops when nobody holds it. */
  release(): void;
}

/** A thread as elements render it (see docs/threads.md). */
export interface ThreadSnapshot {
  /** The root's event id. */
  readonly rootId: string;
  /** `loading` until the root is known; `error` when it cannot be shown (see `error`). */
  readonly status: 'loading' | 'ready' | 'error';
  /** The root message (a deleted root shows as deleted, its replies still listed). */
  readonly root?: MessageItem;
  /** The root, then its replies, oldest first, with day separators: the thread's own timeline. */
  readonly items: readonly TimelineItem[];
  /** Older replies remain on the server (`/relations/{root}/m.thread`). */
  readonly hasMoreBefore: boolean;
  readonly paginating: boolean;
  /** Replies from others after the member's read point in this thread. */
  readonly unreadCount: number;
  /** Why the thread or its older replies could not be loaded, in words. */
  readonly error?: OmniErrorInfo;
  /**
   * Read from outside the discussion (a visitor of an open post who has not taken part): nobody can reply from
   * here, and there is no read point, so nothing counts as unread.
   */
  readonly readOnly?: true;
}

/** One open thread of a room: its snapshot and its commands. */
export interface ThreadHandle {
  readonly snapshot: ThreadSnapshot;
  subscribe(listener: (snapshot: ThreadSnapshot) => void): Unsubscribe;
  /**
   * Sends a reply in the thread through the room's outbox (sent once, in order, retried like any
   * message); `replyTo` quotes a message of the thread, otherwise the reply's `m.in_reply_to` is the
   * fallback (`is_falling_back`) for clients without threads.
   */
  send(message: string | OutgoingMessage, options?: SendOptions): Promise<void>;
  /** Loads older replies; resolves to whether more remain. */
  paginateBackwards(limit?: number): Promise<boolean>;
  /** The member read the thread up to this reply: its unread count drops and a threaded receipt is sent. */
  markRead(eventId: string): void;
  /** Closes the thread; commands after it do nothing. */
  release(): void;
}

/**
 * The member's encryption identity and key backup (see docs/encryption.md). `crossSigning`: the
 * member's cross-signing identity is set up and its keys are usable here. `backup`: room keys are
 * being backed up to the server (`on`), or restored from it now (`restoring`). `recoveryKeyStored`:
 * the cross-signing keys (and the backup key) are kept in secret storage under the recovery key.
 * `thisDeviceVerified`: this device is signed by the member's cross-signing identity.
 */
export interface SecurityStatus {
  readonly crossSigning: boolean;
  readonly backup: 'off' | 'on' | 'restoring';
  readonly recoveryKeyStored: boolean;
  readonly thisDeviceVerified: boolean;
}

export interface RecoveryOptions {
  /** The member's password, for the homeserver's confirmation when cross-signing keys are replaced. */
  password?: string;
}

/** Room keys found in the backup, and how many of them were new to this device. */
export interface RestoreResult {
  readonly total: number;
  readonly imported: number;
}

/**
 * Cross-signing and key backup with a recovery key. Each call starts encryption for the session
 * first (it loads the crypto wasm). Failures are `OmniError`s: `password-required` (ask for it and
 * call again), `sign-in-rejected` (wrong password), `recovery-exists`, `no-recovery`,
 * `bad-recovery-key` (nothing changed), `encryption-unavailable` (guests).
 */
export interface SecurityHandle {
  status(): Promise<SecurityStatus>;
  /** Sets up cross-signing, secret storage and key backup; resolves to the recovery key, to show once. */
  setUpRecovery(options?: RecoveryOptions): Promise<string>;
  /** On a new device: unlocks secret storage, cross-signs this device and restores the key backup. */
  restoreFromRecoveryKey(recoveryKey: string): Promise<RestoreResult>;
  /** Replaces the cross-signing identity, the backup and the recovery key; resolves to the new key. */
  resetRecovery(options?: RecoveryOptions): Promise<string>;
}

/**
 * Where an emoji (SAS) verification stands:
 * - `requested`: sent, or received and not answered yet;
 * - `ready`: both sides agreed; the emoji are being worked out;
 * - `showing-emoji`: compare the seven emoji, then `confirm()` or `mismatch()`;
 * - `confirming`: this side said they match, waiting for the other side;
 * - `confirmed`: both sides confirmed: the other member (or device) is verified;
 * - `mismatch`: one side said the emoji differ: cancelled, nothing was verified;
 * - `cancelled`: declined or cancelled by either side; `timed-out`: nobody answered in time.
 */
export type VerificationState =
  'requested' | 'ready' | 'showing-emoji' | 'confirming' | 'confirmed' | 'mismatch' | 'cancelled' | 'timed-out';

/** One of the seven emoji of a SAS comparison, with its English name (the spec's list). */
export interface VerificationEmoji {
  readonly emoji: string;
  readonly name: string;
}

export interface VerificationSnapshot {
  /** Stable for the life of the flow. */
  readonly id: string;
  readonly state: VerificationState;
  /** The member being verified (the signed-in member themselves for another of their devices). */
  readonly otherUserId: string;
  /** Their display name where the session knows it, else their user id. */
  readonly otherName: string;
  /** Verifying another device of the signed-in member (`verifyOwnDevice`, or such a request received). */
  readonly ownDevice: boolean;
  /** The other side asked; this side accepts or declines. */
  readonly incoming: boolean;
  /** The seven emoji once `showing-emoji` (kept while `confirming` and after); empty before. */
  readonly emoji: readonly VerificationEmoji[];
  /** Who ended a `cancelled`/`mismatch` flow. */
  readonly cancelledBy?: 'me' | 'them';
}

/** One verification: snapshots out, answers in. Answers that no longer apply are ignored. */
export interface VerificationHandle {
  readonly snapshot: VerificationSnapshot;
  subscribe(listener: (snapshot: VerificationSnapshot) => void): Unsubscribe;
  /** Accepts an incoming request; the emoji follow. */
  accept(): Promise<void>;
  /** The emoji match what the other side shows. */
  confirm(): Promise<void>;
  /** The emoji differ: cancels the verification (`m.mismatched_sas`). */
  mismatch(): void;
  /** Declines or cancels. */
  cancel(): Promise<void>;
  /** Removes a finished flow from `requests` (cancelling it first if it is still running). */
  dismiss(): void;
}

/** How far the signed-in member trusts another member's identity (cross-signing). */
export type UserTrust = 'verified' | 'unverified' | 'identity-changed';

/** Emoji verification of members and of the member's own devices (see docs/encryption.md). */
export interface VerificationApi {
  /** Verifications in progress or finished but not dismissed, incoming and outgoing, oldest first. */
  readonly requests: readonly VerificationHandle[];
  /** Called when `requests` changes, and when someone's trust changes (ask `userTrust` again). */
  subscribe(listener: (requests: readonly VerificationHandle[]) => void): Unsubscribe;
  /** Asks `userId` to verify in your direct conversation with them (which must exist). */
  verifyUser(userId: string): Promise<VerificationHandle>;
  /** Asks the member's other signed-in devices to verify this one. */
  verifyOwnDevice(): Promise<VerificationHandle>;
  /** Whether `userId`'s identity is verified; `unverified` while encryption has not started. */
  userTrust(userId: string): Promise<UserTrust>;
}

export interface SessionHandle {
  readonly info: SessionInfo;
  /** Cross-signing, key backup and the recovery key. */
  readonly security: SecurityHandle;
  openRoom(roomIdOrAlias: string): RoomHandle;
  /** The discussion room of a post, created by its first message (see docs/posts.md). */
  openPostRoom(post: PostRoomTarget): RoomHandle;
  /**
   * The encrypted direct conversation with `userId`: the room `m.direct` lists (or their invitation,
   * accepted), else created by the first message (see docs/dm.md).
   */
  openDirectRoom(userId: string): RoomHandle;
  /** Emoji (SAS) verification and trust; incoming requests arrive once encryption runs. */
  readonly verification: VerificationApi;
  /** A blob URL for the media, fetched with this session's token (e.g. avatars outside a room). */
  loadMedia(request: MediaRequest): Promise<string>;
  /** Revokes the access token and stops syncing. */
  signOut(): Promise<void>;
  /** Stops syncing and keeps the token valid (the session was replaced on this page). */
  stop(): void;
}
