/**
 * First messages held for a moderator's approval (abuse.ts decides what is held). The message is not
 * redacted: the bot marks it with a state event `org.omnisocial.held` (state key: the message's id; content
 * `{"sender", "status"}`), which the elements read to show it to its author only, as "Waiting for a moderator's
 * approval". Releasing sets the status to `released` and the message shows as it was sent, once, for everyone —
 * in encrypted rooms too, where the companion cannot read it and could not post it again. Rejecting sets
 * `rejected` and redacts the message, so no client shows it any more; its author's element says it was not
 * approved.
 *
 * The queue is kept in the companion's state store (state-store.ts): with the PostgreSQL store, a message one
 * replica held is listed, released or rejected through any other. The markers live in the rooms too, so with the
 * memory store the queue survives a restart of the companion: it is read back from the post rooms' state when
 * the companion starts.
 */
import { HomeserverError, type Homeserver, type Json } from '../homeserver.ts';
import { MemoryStateStore, type StateStore } from '../state-store.ts';
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

const HELD = 'held';

function stored(message: HeldMessage): Json {
  return { ...message };
}

function asHeld(value: Json | undefined): HeldMessage | undefined {
  if (!value) return undefined;
  const { roomId, eventId, sender, body, encrypted, heldAt } = value;
  if (typeof roomId !== 'string' || typeof eventId !== 'string' || typeof sender !== 'string') return undefined;
  return {
    roomId,
    eventId,
    sender,
    body: typeof body === 'string' ? body : '',
    encrypted: encrypted === true,
    heldAt: typeof heldAt === 'number' ? heldAt : 0,
  };
}

export class HeldMessages {
  readonly #homeserver: Homeserver;
  readonly #store: StateStore;

  constructor(homeserver: Homeserver, store: StateStore = new MemoryStateStore()) {
    this.#homeserver = homeserver;
    this.#store = store;
  }

  static id(eventId: string): string {
    return `held:${eventId}`;
  }

  async get(id: string): Promise<HeldMessage | undefined> {
    return asHeld(await this.#store.get(HELD, id));
  }

  async all(): Promise<[string, HeldMessage][]> {
    const found: [string, HeldMessage][] = [];
    for (const [id, value] of await this.#store.list(HELD)) {
      const message = asHeld(value);
      if (message) found.push([id, message]);
    }
    return found;
  }

  /**
   * Holds a message: queued, then marked in its room (so its author's element shows it as waiting). Queued first,
   * so a marker anyone can see always has its item in the queue, on every replica.
   */
  async hold(message: HeldMessage): Promise<void> {
    const id = HeldMessages.id(message.eventId);
    await this.#store.put(HELD, id, stored(message));
    try {
      await this.#mark(message, 'pending');
    } catch (error) {
      await this.#store.delete(HELD, id).catch(() => undefined);
      throw error;
    }
  }

  async release(id: string, message: HeldMessage): Promise<void> {
    await this.#mark(message, 'released');
    await this.#store.delete(HELD, id);
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
    await this.#store.delete(HELD, id);
  }

  /** Reads back, from a post room's state, the messages still waiting there (after a restart). */
  async restore(roomId: string, state: readonly StateEvent[]): Promise<void> {
    for (const event of state) {
      const eventId = event.state_key;
      const sender = event.content?.['sender'];
      if (event.type !== HELD_EVENT || !eventId || event.content?.['status'] !== 'pending' || typeof sender !== 'string') continue;
      const id = HeldMessages.id(eventId);
      if (await this.#store.get(HELD, id)) continue;
      const original = await this.#homeserver
        .request<{ type: string; content: Json; origin_server_ts: number }>(
          'GET',
          `${roomPath(roomId)}/event/${encodeURIComponent(eventId)}`,
        )
        .catch(() => undefined);
      if (!original || Object.keys(original.content).length === 0) continue;
      const body = original.content['body'];
      // Another replica may have queued it meanwhile, or released it: the queue's own entry is never overwritten.
      await this.#store.putIfAbsent(
        HELD,
        id,
        stored({
          roomId,
          eventId,
          sender,
          body: typeof body === 'string' ? body : '',
          encrypted: original.type === 'm.room.encrypted',
          heldAt: original.origin_server_ts,
        }),
      );
    }
  }

  async #mark(message: HeldMessage, status: HeldStatus): Promise<void> {
    await this.#homeserver.request('PUT', `${roomPath(message.roomId)}/state/${HELD_EVENT}/${encodeURIComponent(message.eventId)}`, {
      body: { sender: message.sender, status },
    });
  }
}
