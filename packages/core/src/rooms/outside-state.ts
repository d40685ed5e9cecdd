/**
 * One state event of a world-readable room, read by someone who never joined it (a visitor, a member
 * peeking at a post). `GET /rooms/{id}/state/{type}/{key}` is the way; some homeservers refuse it to a
 * non-member while serving the room's whole state (`GET /rooms/{id}/state`) to the same reader — Dendrite
 * 0.13.8 answers only `m.room.history_visibility` that way. So a refusal is checked against the whole
 * state before it counts: decided by the server's answers, never by its name. No engine imports here,
 * so the light read (plain `fetch`) uses it too.
 */

/** A state event as the client-server API returns it. */
export interface RawStateEvent {
  readonly type: string;
  readonly state_key: string;
  readonly content: unknown;
  readonly sender?: unknown;
}

/** The event of `type` and `stateKey` in a `GET /rooms/{id}/state` answer; undefined when the room has none. */
export function pickStateEvent(all: unknown, type: string, stateKey = ''): RawStateEvent | undefined {
  if (!Array.isArray(all)) return undefined;
  return (all as unknown[]).find(
    (event): event is RawStateEvent =>
      typeof event === 'object' &&
      event !== null &&
      (event as Record<string, unknown>)['type'] === type &&
      (event as Record<string, unknown>)['state_key'] === stateKey,
  );
}

/**
 * After `GET /state/{type}/{key}` was refused (403): the event from the whole state if the server serves
 * that (`found`, or `absent` when the room has no such event), `refused` when it refuses that too (the
 * room really is for members only).
 */
export async function stateFromWholeRoom(
  readAll: () => Promise<unknown>,
  type: string,
  stateKey = '',
): Promise<{ readonly status: 'found'; readonly event: RawStateEvent } | { readonly status: 'absent' | 'refused' }> {
  let all: unknown;
  try {
    all = await readAll();
  } catch {
    return { status: 'refused' };
  }
  if (!Array.isArray(all)) return { status: 'refused' };
  const event = pickStateEvent(all, type, stateKey);
  return event ? { status: 'found', event } : { status: 'absent' };
}
