/**
 * Timeline items from plain event JSON (the client-server API's `/messages` and `/events` chunks), with no
 * js-sdk: what the light read and the peek show before the engine arrives. The items come from the one
 * pipeline the engine uses too (pipeline.ts), so the view hands over to the engine without a tile changing.
 * What is particular to these paths is only what they cannot do: they fetch no media, so an attachment
 * shows a placeholder until the engine takes over, and they decrypt nothing, so encrypted events are left
 * to the engine.
 */
import type { TimelineItem } from './timeline-types.ts';
import { asObject, type Json } from './json.ts';
import { membersOf } from './members.ts';
import { timelineItems } from './pipeline.ts';
import { heldMessages } from './held.ts';

function objects(values: readonly unknown[]): Json[] {
  return values.map(asObject).filter((event): event is Json => event !== undefined);
}

/**
 * Timeline items for events in timeline order (oldest first) and the member state that came with them,
 * named from that state and the timeline's own member events (which are newer).
 */
export function plainTimeline(
  events: readonly unknown[],
  state: readonly unknown[],
  ownUserId: string,
  /** `media` where the reader can load media (the engine's session, peeking): attachments are shown as such. */
  attachments: 'text' | 'media' = 'text',
  /** The reader's read point in each thread (a visitor's, kept in the browser: threads/visitor-reads.ts). */
  threadReads?: ReadonlyMap<string, number>,
): TimelineItem[] {
  const timeline = objects(events).filter((event) => event['type'] !== 'm.room.encrypted');
  const members = membersOf([...objects(state), ...timeline]);
  return timelineItems(
    timeline.map((json) => ({ json })),
    {
      ownUserId,
      members,
      ...(attachments === 'text' ? { attachmentPlaceholders: true } : {}),
      held: heldMessages([...objects(state), ...timeline]),
      ...(threadReads ? { threadReads } : {}),
    },
  ).items;
}
