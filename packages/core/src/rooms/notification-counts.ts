/**
 * A room's unread notifications and mentions as the member's push rules decide them, never a count of our own:
 * the homeserver's `unread_notifications` (classic `/sync`) when it sent any, otherwise (simplified sliding sync,
 * where Synapse always sends 0, since only a client can evaluate rules on encrypted messages) the same rules, the
 * account's own from `/pushrules`, evaluated by matrix-js-sdk's push processor on the messages after the member's
 * read receipt.
 */
import { NotificationCountType, type MatrixClient, type Room } from 'matrix-js-sdk';

export interface NotificationCounts {
  /** Messages the push rules say notify (`notification_count`). */
  readonly notifications: number;
  /** Those that highlight: mentions of the member, `@room` (`highlight_count`). */
  readonly highlights: number;
}

/** How far back past the newest message the rules are evaluated when the server sent no counts. */
const EVALUATED_MAX = 200;

export function notificationCounts(client: MatrixClient, room: Room, ownUserId: string): NotificationCounts {
  const notifications = room.getUnreadNotificationCount(NotificationCountType.Total);
  const highlights = room.getUnreadNotificationCount(NotificationCountType.Highlight);
  if (notifications > 0 || highlights > 0) return { notifications, highlights };
  const events = room.getLiveTimeline().getEvents();
  let counted = { notifications: 0, highlights: 0 };
  for (let index = events.length - 1, seen = 0; index >= 0 && seen < EVALUATED_MAX; index--, seen++) {
    const event = events[index];
    const id = event?.getId();
    if (!event || !id) continue;
    if (event.getSender() === ownUserId || room.hasUserReadEvent(ownUserId, id)) break;
    if (event.isRedacted() || event.isState()) continue;
    const actions = client.getPushActionsForEvent(event);
    if (!actions?.notify) continue;
    counted = {
      notifications: counted.notifications + 1,
      highlights: counted.highlights + (actions.tweaks.highlight === true ? 1 : 0),
    };
  }
  return counted;
}
