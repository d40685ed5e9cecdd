/** A room event as the homeserver pushes it to the application service (docs/server.md), read defensively. */
import type { Json } from '../homeserver.ts';

export interface PushedEvent {
  readonly type: string;
  readonly event_id: string;
  readonly room_id: string;
  readonly sender: string;
  readonly content: Json;
  readonly state_key?: string;
  readonly redacts?: string;
}

/** The event as the homeserver pushed it in a transaction, or undefined when it lacks what every event has. */
export function asPushedEvent(raw: Record<string, unknown>): PushedEvent | undefined {
  const { type, event_id: eventId, room_id: roomId, sender, content, state_key: stateKey } = raw;
  // Room versions 11 and later carry `redacts` in the content.
  const redacts = raw['redacts'] ?? (content as Json | undefined)?.['redacts'];
  if (typeof type !== 'string' || typeof eventId !== 'string' || typeof roomId !== 'string' || typeof sender !== 'string') return undefined;
  return {
    type,
    event_id: eventId,
    room_id: roomId,
    sender,
    content: typeof content === 'object' && content !== null ? (content as Json) : {},
    ...(typeof stateKey === 'string' ? { state_key: stateKey } : {}),
    ...(typeof redacts === 'string' ? { redacts } : {}),
  };
}
