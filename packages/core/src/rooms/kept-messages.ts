/**
 * Messages typed before their room existed (a post's discussion or a DM not created yet), kept in order
 * until the room's outbox takes them. They are persisted in the outbox's IndexedDB store, keyed by the
 * member and the target (a post room's alias, a DM's other member), so they survive a reload. Each gets
 * its transaction id when typed and keeps it in the room's outbox: handed over twice (a reload between
 * the hand-over and forgetting them here), it is still stored once by the homeserver.
 *
 * A file sent first is kept the same way, its file stored beside it (as the room's outbox keeps it), and
 * uploaded by the room's outbox once the room exists, encrypted when that room is.
 */
import type { Outbox, OutboxRequest, OutboxStorage, StoredOutboxEntry } from '../outbox/outbox.ts';
import type { MessageItem, SendStatus } from '../timeline/timeline-types.ts';

/** A message typed before the room existed: an outbox entry not handed to a room's outbox yet. */
export interface PendingMessage {
  readonly txnId: string;
  readonly content: Readonly<Record<string, unknown>>;
  /** A file's message: its file (undefined when an earlier page's copy could not be read back). */
  readonly attachment?: { readonly file: Blob | undefined };
  readonly createdAt: number;
  readonly echo: MessageItem;
  status: Exclude<SendStatus, 'sent'>;
}

const NOT_STORED = '[omni] messages kept before the room existed could not be stored';

/** How long a handed-over image's local URL outlives the hand-over (the room's outbox shows its own). */
const URL_GRACE_MS = 60_000;

function localUrlOf(message: PendingMessage): string | undefined {
  const file = message.attachment?.file;
  if (!file || message.echo.msgtype !== 'image' || typeof URL.createObjectURL !== 'function') return undefined;
  return URL.createObjectURL(file);
}

export class KeptMessages {
  readonly #storage: OutboxStorage | undefined;
  #messages: PendingMessage[] = [];
  /** Local URLs of kept images, shown until their room's outbox takes them. */
  readonly #urls = new Map<string, string>();
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
    return this.#messages.map((message) => {
      const url = this.#urls.get(message.txnId);
      const media = url && message.echo.media ? { media: { ...message.echo.media, localUrl: url } } : {};
      return { ...message.echo, ...media, status: message.status };
    });
  }

  add(message: PendingMessage): void {
    this.#messages.push(message);
    this.#show(message);
    const file = message.attachment?.file;
    const storage = this.#storage;
    if (file && storage?.saveFile) {
      this.#saving = this.#saving
        .then(() => storage.saveFile?.(message.txnId, file))
        .catch((error: unknown) => console.warn(NOT_STORED, error));
    }
    this.persist();
  }

  /** Forgets the message `txnId`; returns whether it was kept. */
  remove(txnId: string): boolean {
    const removed = this.#messages.find((message) => message.txnId === txnId);
    if (!removed) return false;
    this.#messages = this.#messages.filter((message) => message !== removed);
    this.persist();
    if (removed.attachment) this.#forgetFiles([txnId], 0);
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
    const restored: PendingMessage[] = [];
    for (const entry of stored) {
      const { request, echo } = entry;
      if (!echo || known.has(entry.txnId) || request.op === 'redact') continue;
      const base = { txnId: entry.txnId, content: request.content, createdAt: entry.createdAt, echo, status: entry.status };
      restored.push(request.op === 'attachment' ? { ...base, attachment: { file: await this.#loadFile(entry.txnId) } } : base);
    }
    for (const message of restored) this.#show(message);
    if (restored.length > 0) this.#messages.unshift(...restored);
  }

  async #loadFile(txnId: string): Promise<Blob | undefined> {
    try {
      return await this.#storage?.loadFile?.(txnId);
    } catch (error) {
      // The room's outbox then says the file was not kept, and asks for it again.
      console.warn('[omni] a file kept before the room existed could not be read back', error);
      return undefined;
    }
  }

  persist(): void {
    const entries = this.#entries((message) => (message.status === 'failed' ? 'failed' : 'queued'));
    const storage = this.#storage;
    if (!storage) return;
    this.#saving = this.#saving.then(() => storage.save(entries)).catch((error: unknown) => console.warn(NOT_STORED, error));
  }

  /**
   * The kept messages join the room's outbox (same transaction ids, same order) and are forgotten here.
   * Files go with them, uploaded encrypted when the room is (`encrypted`, known only now).
   */
  handOver(outbox: Outbox, encrypted: boolean): void {
    const entries = this.#entries(() => 'queued', encrypted).map((entry, index) => {
      const file = this.#messages[index]?.attachment?.file;
      return file ? { ...entry, file } : entry;
    });
    const handed = this.#messages.filter((message) => message.attachment).map((message) => message.txnId);
    this.#messages = [];
    outbox.adopt(entries);
    // Forgotten here only once the room's outbox has them (and their files) in storage.
    const storage = this.#storage;
    if (!storage) return;
    this.#saving = this.#saving
      .then(() => outbox.flushed())
      .then(() => (this.#messages.length === 0 ? storage.save([]) : undefined))
      .catch((error: unknown) => console.warn(NOT_STORED, error));
    this.#forgetFiles(handed, URL_GRACE_MS);
  }

  /** Resolves once the kept messages as they are now are in storage. */
  flushed(): Promise<void> {
    return this.#saving;
  }

  /** Stored files of `txnIds` are deleted after what is saved now; their local URLs revoked after `graceMs`. */
  #forgetFiles(txnIds: readonly string[], graceMs: number): void {
    const storage = this.#storage;
    for (const txnId of txnIds) {
      const url = this.#urls.get(txnId);
      if (url === undefined) continue;
      this.#urls.delete(txnId);
      setTimeout(() => URL.revokeObjectURL(url), graceMs);
    }
    if (!storage?.deleteFile) return;
    this.#saving = this.#saving
      .then(async () => {
        for (const txnId of txnIds) await storage.deleteFile?.(txnId);
      })
      .catch((error: unknown) => console.warn(NOT_STORED, error));
  }

  #show(message: PendingMessage): void {
    const url = this.#urls.has(message.txnId) ? undefined : localUrlOf(message);
    if (url !== undefined) this.#urls.set(message.txnId, url);
  }

  /**
   * As the outbox stores them. A file's request says whether to encrypt only when handed over (`encrypted`):
   * until then it is stored as encrypted, never the other way round.
   */
  #entries(status: (message: PendingMessage) => StoredOutboxEntry['status'], encrypted = true): StoredOutboxEntry[] {
    return this.#messages.map((message) => {
      const request: OutboxRequest = message.attachment
        ? { op: 'attachment', content: message.content, encrypt: encrypted, uploaded: false }
        : { op: 'event', type: 'm.room.message', content: message.content };
      return { txnId: message.txnId, request, createdAt: message.createdAt, echo: message.echo, status: status(message) };
    });
  }
}
