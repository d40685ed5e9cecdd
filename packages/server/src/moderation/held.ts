/**
 * First messages held for a moderator's approval (abuse.ts decides what is held). The message is not
 * redacted: the bot marks it with a state event `org.omnisocial.held` (state key: the message's id; content
 * `{"sender", "status"}`), which the elements read to show it to its author only, as "Waiting for a moderator's
 * approval". Releasing sets the status to `released` and the message shows as it was sent, once, for everyone —
 * in encrypted rooms too, where the companion cannot read it and could not post it again. Rejecting sets
 * `rejected` and redacts the message, so no client shows it any more; its author's element says it was not
 * approved.
 *
 * The markers live in the rooms, so the queue of held messages survives a restart of the companion: it is read
 * back from the post rooms' state when the companion starts.
 */
import { HomeserverError, type Homeserver, type Json } from '../homeserver.ts';
import { roomPath } from './site-rooms.ts';

export const HELD_EVENT = 'org.omnisocial.held';
export const REJECTED_REASON = 'Not approved by a moderator.';

export interface HeldMessage {
  readonly roomId: string;
  readonly eventId: string;
  readonly sender: string;
  /** The text in an open room; '' in an encrypted one (the companion cannot read it). */
  readonly body: string;
  readonly encrypted: boolean;
  readonly heldAt: number;
}

export type HeldStatus = 'pending' | 'released' | 'rejected';

interface StateEvent {
  readonly type: string;
  readonly state_key?: string;
  readonly content?: Json;
}

let counter = 0;
function transactionId(): string {
  counter += 1;
  return `omni-held-${String(Date.now())}-${String(counter)}`;
}

export class HeldMessages {
  readonly #homeserver: Homeserver;
  readonly #held = new Map<string, HeldMessage>();

  constructor(homeserver: Homeserver) {
    this.#homeserver = homeserver;
  }

  static id(eventId: string): string {
    return `held:${eventId}`;
  }

  get(id: string): HeldMessage | undefined {
    return this.#held.get(id);
  }

  all(): [string, HeldMessage][] {
    return [...this.#held.entries()];
  }

  /** Holds a message: marked in its room (so its author's element shows it as waiting), and queued. */
  async hold(message: HeldMessage): Promise<void> {
    await this.#mark(message, 'pending');
    this.#held.set(HeldMessages.id(message.eventId), message);
  }

  async release(id: string, message: HeldMessage): Promise<void> {
    await this.#mark(message, 'released');
    this.#held.delete(id);
  }

  async reject(id: string, message: HeldMessage): Promise<void> {
    // The marker first: the author's element says "not approved" rather than "deleted by a moderator".
    await this.#mark(message, 'rejected');
    await this.#homeserver
      .request('PUT', `${roomPath(message.roomId)}/redact/${encodeURIComponent(message.eventId)}/${transactionId()}`, {
        body: { reason: REJECTED_REASON },
      })
      .catch((error: unknown) => {
        if (!(error instanceof HomeserverError && error.status === 404)) throw error;
      });
    this.#held.delete(id);
  }

  /** Reads back, from a post room's state, the messages still waiting there (after a restart). */
  async restore(roomId: string, state: readonly StateEvent[]): Promise<void> {
    for (const event of state) {
      const eventId = event.state_key;
      const sender = event.content?.['sender'];
      if (event.type !== HELD_EVENT || !eventId || event.content?.['status'] !== 'pending' || typeof sender !== 'string') continue;
      const id = HeldMessages.id(eventId);
      if (this.#held.has(id)) continue;
      const original = await this.#homeserver
        .request<{ type: string; content: Json; origin_server_ts: number }>(
          'GET',
          `${roomPath(roomId)}/event/${encodeURIComponent(eventId)}`,
        )
        .catch(() => undefined);
      if (!original || Object.keys(original.content).length === 0) continue;
      const body = original.content['body'];
      this.#held.set(id, {
        roomId,
        eventId,
        sender,
        body: typeof body === 'string' ? body : '',
        encrypted: original.type === 'm.room.encrypted',
        heldAt: original.origin_server_ts,
      });
    }
  }

  async #mark(message: HeldMessage, status: HeldStatus): Promise<void> {
    await this.#homeserver.request('PUT', `${roomPath(message.roomId)}/state/${HELD_EVENT}/${encodeURIComponent(message.eventId)}`, {
      body: { sender: message.sender, status },
    });
  }
}
