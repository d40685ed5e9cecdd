/**
 * `@omnisocial/server`: the site's companion (companion.ts) and what a site's backend needs to talk to it.
 */
export { startCompanion, SIGN_IN_PATH, PROFILE_PATH, type Companion } from './companion.ts';
export { COUNTS_PATH, MAX_POSTS_PER_REQUEST, isTopLevelMessage, type PostCounts } from './counts.ts';
export { PUSH_GATEWAY_PATH, PUSHER_APP_ID, type SiteNotification, type SitePusher } from './pusher.ts';
export { loadConfig, resolveConfig, ConfigError, type CompanionConfig } from './config.ts';
export { createRegistration, loadOrCreateRegistration, type Registration } from './registration.ts';
export { signSiteRequest, SiteVerifier, MAX_SKEW_MS } from './site-auth.ts';
export { MemoryStateStore, type StateStore } from './state-store.ts';
export { openStateStore } from './state-store-open.ts';
export { PostgresStateStore } from './state-store-postgres.ts';
export { callbackPosts, staticPosts, postIdOf, SiteError, type SitePost, type PostDirectory } from './posts.ts';
export { parseProfile, MemberError, type MemberProfile, type MemberLogin } from './members.ts';
export { postRoomAlias, encodePostId, decodePostId } from '@omnisocial/core/posts';
export {
  MODERATION_PREFIX,
  mintModeratorToken,
  verifyModeratorToken,
  type ModerationConfig,
  type AbuseConfig,
  type ModeratorToken,
} from './moderation/index.ts';
export { BAN_MARK } from './moderation/policy.ts';
