import { OmniModerationQueue } from './omni-moderation-queue.ts';

OmniModerationQueue.define('omni-moderation-queue');

declare global {
  interface HTMLElementTagNameMap {
    'omni-moderation-queue': OmniModerationQueue;
  }
}
