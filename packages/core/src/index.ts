export { normaliseBaseUrl, parseHomeserverInput, resolveHomeserver } from './session/homeserver.ts';
export { expectSignIn, onSessionsChange, restoreSession, sessionFor, sessionStatus, signIn, signOut, useHere } from './session/registry.ts';
export { getLoginFlows, type LoginFlowsOptions } from './session/login-flows.ts';
export {
  LIGHT_READ_LIMIT,
  lightRead,
  lightReadCredentials,
  lightReadRoom,
  readAhead,
  readRoomAhead,
  storedReadCredentials,
  type LightReadOptions,
  type LightReadResult,
  type RoomLightReadResult,
} from './sync/light-read.ts';
export { completeSsoSignIn, hasSsoReturn, ssoRedirectUrl, startSsoSignIn } from './session/sso.ts';
export { OmniError } from './types.ts';
export {
  DEFAULT_ALIAS_TEMPLATE,
  POST_BINDING_EVENT,
  PostAliasError,
  postRoomAlias,
  verifyBinding,
  type BindingVerdict,
  type PostBinding,
  type PostRoomTarget,
} from './posts/posts.ts';
export { MediaError, type MediaErrorCode } from './media/media.ts';
export { acceptTokens, checkFileRules, parseSize, type FileRules } from './media/file-rules.ts';
export { blurhashPicture } from './media/blurhash-picture.ts';
export { holdBlobUrl, releaseBlobUrl } from './media/blob-urls.ts';
export { previewableLink } from './format/preview-link.ts';
export type {
  AccessTokenSignIn,
  ActionsOnMember,
  AttachmentOptions,
  MemberRole,
  MemberStanding,
  ModerationCommand,
  ModerationProgress,
  RoomMember,
  RoomPermissions,
  SendOptions,
  GuestSignIn,
  IdentityProvider,
  LoginFlows,
  LoginTokenSignIn,
  LinkPreview,
  MediaRequest,
  OmniErrorCode,
  OmniErrorInfo,
  PasswordSignIn,
  RecoveryOptions,
  RegistrationDetails,
  RegistrationFlows,
  RegistrationSignIn,
  RoomHandle,
  RoomSnapshot,
  CannotSendReason,
  RestoreResult,
  RoomStatus,
  SecurityHandle,
  SecurityStatus,
  SessionHandle,
  SessionInfo,
  SessionStatus,
  SignInOptions,
  TermsPolicy,
  ThreadHandle,
  ThreadSnapshot,
  Unsubscribe,
  UserTrust,
  VerificationApi,
  VerificationEmoji,
  VerificationHandle,
  VerificationSnapshot,
  VerificationState,
} from './types.ts';
export type { MintedToken, ModerationRefusalBody, QueueAction, QueueItem, QueuePage, ReportedMessage } from './moderation/queue.ts';
export type {
  DaySeparatorItem,
  EncryptedFile,
  MediaInfo,
  MediaThumbnail,
  MemberInfo,
  MembershipGroup,
  MembershipStep,
  MembershipStepKind,
  MembershipSummary,
  MembershipTransition,
  MessageItem,
  MessageKind,
  MessageDeletion,
  MessageTrust,
  MemberLine,
  NoticeItem,
  NoticeLine,
  PlaceholderItem,
  PowerLevelChange,
  PowerRole,
  RoomLine,
  ReactionGroup,
  ReadMarkerItem,
  ReplyPreview,
  SendStatus,
  ThreadSummary,
  TimelineItem,
} from './timeline/timeline-types.ts';
export * from './format/index.ts';
export { afterPaint } from './outbox/outbox-wait.ts';
export {
  inactiveSessionState,
  SessionView,
  type SessionViewChange,
  type SessionViewState,
  type SessionViewTarget,
} from './session/session-view.ts';
export { PostView, type PostViewInput, type PostViewOptions, type PostViewSnapshot } from './posts/post-view.ts';
export { RoomLightView, type RoomLightViewInput, type RoomLightViewOptions } from './rooms/room-light-view.ts';
