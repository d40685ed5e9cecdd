/**
 * Messages held for a moderator's approval (the companion's first-message approval, docs/server.md). The
 * companion marks a held message with a state event `org.omnisocial.held` whose state key is the message's id
 * and whose content says `{"sender", "status": "pending" | "released" | "rejected"}`. The message itself stays
 * as it was sent (encrypted or not), so a release needs nothing but the marker: it then shows as it was, once.
 * A pending or rejected message is shown to its author only (as waiting, or as not approved), never to others.
 * Only members the room's power levels allow to send state can write the marker (in post rooms: the bot and
 * the site's moderators).
 */
import { asObject, asString, type Json } from './json.ts';

export const HELD_EVENT = 'org.omnisocial.held';

/** What the author sees of a held message; a released one is not held any more. */
export type HeldStatus = 'pending' | 'rejected';

/** The held messages, by event id, from the room's `org.omnisocial.held` state events (later ones win). */
export function heldMessages(stateEvents: Iterable<Json>): Map<string, HeldStatus> {
  const held = new Map<string, HeldStatus>();
  for (const event of stateEvents) {
    if (event['type'] !== HELD_EVENT) continue;
    const eventId = asString(event['state_key']);
    if (!eventId) continue;
    const status = asString(asObject(event['content'])?.['status']);
    if (status === 'pending' || status === 'rejected') held.set(eventId, status);
    else held.delete(eventId);
  }
  return held;
}
