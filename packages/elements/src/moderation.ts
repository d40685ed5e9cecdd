/**
 * `@omnisocial/chat/moderation`: defines `<omni-moderation-queue>` for a site's moderators' page. Kept out of
 * the loader: only moderators load it.
 */
import './components/moderation-queue/define.ts';

export { OmniModerationQueue } from './components/moderation-queue/omni-moderation-queue.ts';
export type { MintedToken, QueueAction, QueueItem, TokenProvider } from './components/moderation-queue/queue-client.ts';
