/**
 * The outbox: every message, edit, reaction and redaction the member sends goes through it, so none is
 * lost and none is stored twice.
 *
 * - One outbox per account per room, FIFO, one request at a time: order is the order of typing.
 * - Each entry gets a transaction id when it is created and keeps it for every attempt, across reloads of
 *   the same session, so the homeserver (which deduplicates by access token/device + transaction id)
 *   stores it once even when a response was lost.
 * - Network failures keep the entry `queued` and retry with backoff (and at once when the browser comes
 *   back online or the room syncs again); 429 waits `Retry-After` / `retry_after_ms`; 5xx retry a few
 *   times; any other refusal marks the entry `failed` and holds the entries behind it (never reordered)
 *   until the member retries or cancels it. A refusal that no retry can change (too large) fails the
 *   entry for good: it offers no retry and holds nothing back.
 * - Entries not yet confirmed are persisted (IndexedDB via idb-keyval, keyed by user + room) and resume
 *   after a reload. For encrypted rooms this stores the plaintext content in the member's browser until it
 *   is sent: it is encrypted at send time with the keys current then (see docs/embedding.md, "Sending").
 *
 * - An attachment is uploaded when it reaches the head of the queue (so text typed meanwhile waits behind
 *   it, queued), then its message is sent like any other. Its file is kept (IndexedDB) until the message
 *   is sent, so a reload re-uploads it; the content completed by the upload (where the file is) is stored
 *   before the message is sent, so a lost answer to the send sends the same message again, never the file.
 *
 * This module knows nothing of matrix-js-sdk: the room model gives it a transport (sdk-transport.ts);
 * storage is outbox-storage.ts's, the entries' shapes outbox-entries.ts's.
 */
import type { MessageItem, SendStatus, TimelineItem } from '../timeline/timeline-types.ts';
import {
  adoptedEntry,
  entryItem,
  handedOverEntry,
  needsUpload,
  newEntry,
  restoredEntry,
  storedEntry,
  withoutLocalEchoes,
  type Entry,
} from './outbox-entries.ts';
import type { OutboxRequest, OutboxStorage, OutboxTransport, SendFailure, StoredOutboxEntry } from './outbox-types.ts';
import { afterPaint, sleep } from './outbox-wait.ts';
import { FileKeeper, uploadEntry } from './outbox-upload.ts';

export type {
  AttachmentRequest,
  OutboxRequest,
  OutboxStorage,
  OutboxTransport,
  SendFailure,
  StoredOutboxEntry,
  UploadControl,
} from './outbox-types.ts';
export { clearOutboxes, newTxnId, outboxStorage } from './outbox-storage.ts';

export interface OutboxOptions {
  /** Server errors in a row before an entry is marked failed. */
  maxServerErrors?: number;
  /** First backoff after a network or server error; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** A listener returns `false` to unsubscribe itself (its room model was disposed). */
export type OutboxListener = () => boolean | undefined;

export class Outbox {
  readonly #entries: Entry[] = [];
  readonly #transport: OutboxTransport;
  readonly #storage: OutboxStorage;
  readonly #listeners = new Set<OutboxListener>();
  readonly #maxServerErrors: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  /** The timeline last merged, per scope: the main timeline (`undefined`) and each open thread (its root). */
  readonly #bases = new Map<string | undefined, readonly TimelineItem[]>();
  #pumping = false;
  #wake: (() => void) | undefined;
  #saving: Promise<void> = Promise.resolve();
  #inFlight: Entry | undefined;
  readonly #files: FileKeeper;
  /** Resolves once persisted entries are loaded; sending starts after it. */
  readonly loaded: Promise<void>;

  constructor(transport: OutboxTransport, storage: OutboxStorage, options: OutboxOptions = {}) {
    this.#transport = transport;
    this.#storage = storage;
    this.#maxServerErrors = options.maxServerErrors ?? 4;
    this.#backoffMs = options.backoffMs ?? 500;
    this.#maxBackoffMs = options.maxBackoffMs ?? 4_000;
    this.#files = new FileKeeper(storage);
    this.loaded = this.#load();
  }

  subscribe(listener: OutboxListener): void {
    this.#listeners.add(listener);
  }

  /**
   * Adds an entry and starts sending it; the local echo is in `merge()` before this returns. An
   * attachment comes with its `file`, kept until its message is sent. `txnId`, when given, is the entry's
   * transaction id (the page drew the local echo under it): an entry already queued with it is not queued again.
   */
  enqueue(
    request: OutboxRequest,
    echo?: (txnId: string) => MessageItem,
    given: { readonly file?: Blob; readonly txnId?: string } = {},
  ): string {
    if (given.txnId !== undefined && this.#entries.some((e) => e.txnId === given.txnId)) return given.txnId;
    const entry = newEntry(request, echo, given.file, given.txnId);
    this.#files.keep(entry);
    this.#entries.push(entry);
    if (this.#isHead(entry)) entry.status = 'sending';
    this.#changed();
    this.#persist();
    void this.#pump();
    return entry.txnId;
  }

  /**
   * Takes over entries kept elsewhere (messages typed before the room existed, see lazy-room.ts), after
   * everything already queued and in the order given. Each keeps its transaction id, so an entry handed
   * over twice is queued once here and stored once by the homeserver. They are queued afresh: a failure
   * they had was the room's creation, not their sending.
   */
  adopt(stored: readonly StoredOutboxEntry[]): void {
    const known = new Set(this.#entries.map((e) => e.txnId));
    const added = stored.filter((s) => !known.has(s.txnId));
    if (added.length === 0) return;
    const adopted = added.map(adoptedEntry);
    for (const entry of adopted) this.#files.keep(entry);
    this.#entries.push(...adopted);
    const head = this.#entries.find((e) => e.status !== 'sent' && !e.final);
    if (head?.status === 'queued') head.status = 'sending';
    this.#changed();
    this.#persist();
    void this.#pump();
  }

  /** Sends a failed entry again, with the same transaction id. */
  retry(key: string): boolean {
    const entry = this.#entries.find((e) => e.txnId === key);
    if (!entry || entry.final) return false;
    if (entry.status === 'failed') {
      entry.status = 'queued';
      entry.serverErrors = 0;
      delete entry.error;
      this.#changed();
      this.#persist();
    }
    this.kick();
    return true;
  }

  /** Drops an unsent entry. One already in flight is redacted if the server turns out to have stored it. */
  cancel(key: string): boolean {
    const index = this.#entries.findIndex((e) => e.txnId === key);
    const entry = this.#entries[index];
    if (!entry || entry.status === 'sent') return false;
    if (this.#pumping && this.#inFlight === entry) entry.cancelled = true;
    entry.abort?.abort();
    this.#entries.splice(index, 1);
    this.#changed();
    this.#persist();
    this.kick();
    return true;
  }

  /**
   * Removes every entry not confirmed sent and returns them queued, for another room's outbox (a direct
   * conversation given up for the one both members keep, see dm.ts). One in flight is redacted if the
   * server turns out to have stored it here.
   */
  takeUnsent(): StoredOutboxEntry[] {
    const taken = this.#entries.filter((e) => e.status !== 'sent');
    if (taken.length === 0) return [];
    for (const entry of taken) {
      if (this.#pumping && this.#inFlight === entry) entry.cancelled = true;
      entry.abort?.abort();
      this.#entries.splice(this.#entries.indexOf(entry), 1);
    }
    this.#changed();
    this.#persist();
    this.kick();
    return taken.map(handedOverEntry);
  }

  /** Pending entries matching a predicate on their request (e.g. a reaction not sent yet). */
  find(predicate: (request: OutboxRequest) => boolean): string | undefined {
    return this.#entries.find((e) => e.status !== 'sent' && predicate(e.request))?.txnId;
  }

  /** Retries now instead of waiting for the backoff: the connection is probably back. */
  kick(): void {
    this.#wake?.();
    void this.#pump();
  }

  /**
   * The timeline with the outbox's messages: the SDK's own local echoes of outbox entries are replaced
   * by the outbox's item, the remote echo (same key: the transaction id) replaces the outbox's item and
   * ends the entry. Unsent messages come last, in the order they were typed.
   */
  merge(base: readonly TimelineItem[], thread?: string): readonly TimelineItem[] {
    this.#bases.set(thread, base);
    // A thread reply's echo belongs to its thread's view; everything else (and what has no echo) to the main timeline.
    const scoped = this.#entries.filter((entry) => entry.echo?.threadRoot === thread);
    if (scoped.length === 0) return base;
    const { items, echoed } = withoutLocalEchoes(scoped, base);
    // Entries the server has are done: the room's own item is the message from now on.
    if (echoed.size > 0) {
      for (let i = this.#entries.length - 1; i >= 0; i -= 1) {
        const entry = this.#entries[i];
        if (entry && echoed.has(entry)) this.#entries.splice(i, 1);
      }
      this.#persist();
    }
    for (const entry of scoped) if (entry.echo && !echoed.has(entry)) items.push(entryItem(entry));
    return items;
  }

  /** `merge()` again with the last timeline it was given for that scope, after a change of the outbox alone. */
  remerge(thread?: string): readonly TimelineItem[] {
    return this.merge(this.#bases.get(thread) ?? [], thread);
  }

  /** Entries not yet confirmed by the server, oldest first (for tests and diagnostics). */
  pending(): readonly { txnId: string; status: SendStatus }[] {
    return this.#entries.filter((e) => e.status !== 'sent').map((e) => ({ txnId: e.txnId, status: e.status }));
  }

  #isHead(entry: Entry): boolean {
    return this.#entries.find((e) => e.status !== 'sent' && !e.final) === entry;
  }

  #changed(): void {
    for (const listener of this.#listeners) if (listener() === false) this.#listeners.delete(listener);
  }

  async #load(): Promise<void> {
    let stored: readonly StoredOutboxEntry[] = [];
    try {
      stored = await this.#storage.load();
    } catch (error) {
      console.warn('[omni] unsent messages could not be read back', error);
    }
    const known = new Set(this.#entries.map((e) => e.txnId));
    const restored = stored.filter((s) => !known.has(s.txnId)).map(restoredEntry);
    await this.#files.restore(restored);
    // Restored entries were typed before anything typed since this page loaded.
    this.#entries.unshift(...restored);
    if (restored.length > 0) {
      this.#changed();
      // Sent after the session resumed, before anything typed since.
      queueMicrotask(() => void this.#pump());
    }
  }

  #persist(): void {
    const unsent = this.#entries.filter((e) => e.status !== 'sent');
    const snapshot = unsent.map(storedEntry);
    // Files of entries sent, cancelled or handed over are let go after the entries that named them.
    const forget = this.#files.release(unsent);
    this.#saving = this.#saving
      // The local echo's frame first: IndexedDB's write is milliseconds of the main thread.
      .then(afterPaint)
      .then(() => this.#files.written())
      .then(() => this.#storage.save(snapshot))
      .then(forget)
      .catch((error: unknown) => console.warn('[omni] unsent messages could not be stored', error));
  }

  /** Resolves when everything changed so far is in storage. */
  flushed(): Promise<void> {
    return this.#saving;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      await this.loaded;
      let failures = 0;
      let offline = false;
      for (;;) {
        const head = this.#entries.find((e) => e.status !== 'sent' && !e.final);
        // Empty, or held behind a failed entry until the member retries or cancels it. An entry that failed
        // for good holds nothing: it will never be sent, so what follows it is not reordered.
        if (!head || head.status === 'failed') return;
        if (head.status !== 'sending' && !offline) {
          head.status = 'sending';
          this.#changed();
        }
        this.#inFlight = head;
        let outcome: { eventId: string } | { failure: SendFailure };
        try {
          if (needsUpload(head)) {
            await uploadEntry(head, this.#transport, () => this.#changed());
            // Where the file is must be stored before the message is sent (see above).
            this.#persist();
            await this.#saving;
          }
          outcome = { eventId: await this.#transport.send(head.txnId, head.request) };
        } catch (error) {
          outcome = { failure: this.#transport.classify(error) };
        } finally {
          this.#inFlight = undefined;
        }
        const current = this.#entries.includes(head);
        if ('eventId' in outcome) {
          failures = 0;
          offline = false;
          if (head.cancelled) {
            // Cancelled while in flight and the server stored it: take it back, in order.
            this.#entries.unshift(newEntry({ op: 'redact', redacts: outcome.eventId }));
            this.#persist();
            continue;
          }
          if (!current) continue;
          head.eventId = outcome.eventId;
          head.status = 'sent';
          // Messages stay (as sent) until their remote echo replaces them; the rest is done.
          if (!head.echo) this.#entries.splice(this.#entries.indexOf(head), 1);
          this.#changed();
          this.#persist();
          continue;
        }
        if (!current) continue;
        const { failure } = outcome;
        if (failure.kind === 'rejected' || (failure.kind === 'server' && ++head.serverErrors >= this.#maxServerErrors)) {
          head.status = 'failed';
          head.error = failure.kind === 'rejected' ? failure.message : 'The server kept failing.';
          if (failure.kind === 'rejected' && failure.retryable === false) head.final = true;
          this.#changed();
          this.#persist();
          if (head.final) continue;
          return;
        }
        let waitMs: number;
        if (failure.kind === 'rate-limited') {
          waitMs = failure.waitMs;
        } else {
          waitMs = Math.min(this.#backoffMs * 2 ** failures, this.#maxBackoffMs);
          failures += 1;
        }
        if (failure.kind === 'network' && !offline) {
          // Waiting for the connection: everything is queued until it is back.
          offline = true;
          head.status = 'queued';
          this.#changed();
        }
        // A rate limit is the server's instruction: only a retry by the member cuts it short.
        await sleep(waitMs, failure.kind !== 'rate-limited', (wake) => {
          this.#wake = wake;
        });
      }
    } finally {
      this.#pumping = false;
    }
  }
}
