/**
 * Messages typed before their room existed (a post's discussion or a DM not created yet), kept in order
 * until the room's outbox takes them. They are persisted in the outbox's IndexedDB store, keyed by the
 * member and the target (a post room's alias, a DM's other member), so they survive a reload. Each gets
 * its transaction id when typed and keeps it in the room's outbox: handed over twice (a reload between
 * the hand-over and forgetting them here), it is still stored once by the homeserver.
 */
import type { Outbox, OutboxStorage, StoredOutboxEntry } from '../outbox/outbox.ts';
import type { MessageItem, SendStatus } from '../timeline/timeline-types.ts';

/** A message typed before the room existed: an outbox entry not handed to a room's outbox yet. */
export interface PendingMessage {
  readonly txnId: string;
  readonly content: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly echo: MessageItem;
  status: Exclude<SendStatus, 'sent'>;
}

const NOT_STORED = '[omni] messages kept before the room existed could not be stored';

export class KeptMessages {
  readonly #storage: OutboxStorage | undefined;
  #messages: PendingMessage[] = [];
  #saving: Promise<void> = Promise.resolve();

  /** Without `storage` nothing is persisted (e.g. an invalid post id). */
  constructor(storage: OutboxStorage | undefined) {
    this.#storage = storage;
  }

  get all(): readonly PendingMessage[] {
    return this.#messages;
  }

  get length(): number {
    return this.#messages.length;
  }

  has(txnId: string): boolean {
    return this.#messages.some((message) => message.txnId === txnId);
  }

  /** As the timeline shows them: their local echoes with their status. */
  items(): MessageItem[] {
    return this.#messages.map((message) => ({ ...message.echo, status: message.status }));
  }

  add(message: PendingMessage): void {
    this.#messages.push(message);
    this.persist();
  }

  /** Forgets the message `txnId`; returns whether it was kept. */
  remove(txnId: string): boolean {
    const before = this.#messages.length;
    this.#messages = this.#messages.filter((message) => message.txnId !== txnId);
    if (this.#messages.length === before) return false;
    this.persist();
    return true;
  }

  setStatus(status: PendingMessage['status'], persist: boolean): void {
    for (const message of this.#messages) message.status = status;
    if (persist) this.persist();
  }

  /** Reads back what an earlier page kept, before anything typed on this one. */
  async load(): Promise<void> {
    let stored: readonly StoredOutboxEntry[] = [];
    try {
      stored = (await this.#storage?.load()) ?? [];
    } catch (error) {
      console.warn('[omni] messages kept before the room existed could not be read back', error);
    }
    const known = new Set(this.#messages.map((message) => message.txnId));
    const restored = stored.flatMap((entry): PendingMessage[] =>
      entry.request.op === 'event' && entry.echo && !known.has(entry.txnId)
        ? [{ txnId: entry.txnId, content: entry.request.content, createdAt: entry.createdAt, echo: entry.echo, status: entry.status }]
        : [],
    );
    if (restored.length > 0) this.#messages.unshift(...restored);
  }

  persist(): void {
    const entries = this.#entries((message) => (message.status === 'failed' ? 'failed' : 'queued'));
    const storage = this.#storage;
    if (!storage) return;
    this.#saving = this.#saving.then(() => storage.save(entries)).catch((error: unknown) => console.warn(NOT_STORED, error));
  }

  /** The kept messages join the room's outbox (same transaction ids, same order) and are forgotten here. */
  handOver(outbox: Outbox): void {
    const entries = this.#entries(() => 'queued');
    this.#messages = [];
    outbox.adopt(entries);
    // Forgotten here only once the room's outbox has them in storage.
    const storage = this.#storage;
    if (!storage) return;
    this.#saving = this.#saving
      .then(() => outbox.flushed())
      .then(() => (this.#messages.length === 0 ? storage.save([]) : undefined))
      .catch((error: unknown) => console.warn(NOT_STORED, error));
  }

  /** Resolves once the kept messages as they are now are in storage. */
  flushed(): Promise<void> {
    return this.#saving;
  }

  #entries(status: (message: PendingMessage) => StoredOutboxEntry['status']): StoredOutboxEntry[] {
    return this.#messages.map((message) => ({
      txnId: message.txnId,
      request: { op: 'event', type: 'm.room.message', content: message.content },
      createdAt: message.createdAt,
      echo: message.echo,
      status: status(message),
    }));
  }
}
