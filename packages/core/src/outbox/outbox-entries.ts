/**
 * The outbox's entries as it holds them, and how they turn into what is stored, handed over and shown.
 * Pure: the queue (outbox.ts) decides when.
 */
import type { MessageItem, SendStatus, TimelineItem } from '../timeline/timeline-types.ts';
import { newTxnId } from './txn-id.ts';
import type { OutboxRequest, StoredOutboxEntry } from './outbox-types.ts';

export interface Entry {
  readonly txnId: string;
  /** Replaced once, when an attachment's upload completes its content. */
  request: OutboxRequest;
  readonly createdAt: number;
  readonly echo?: MessageItem;
  status: SendStatus;
  eventId?: string;
  error?: string;
  /** Failed for good: a retry would be refused again, so none is offered. */
  final?: boolean;
  /** Server errors (5xx) in a row; reset by success or retry. */
  serverErrors: number;
  /** The member cancelled it while its request was in flight: redact it if the server stored it. */
  cancelled: boolean;
  /** An attachment's file, until it is uploaded. */
  file?: Blob;
  /** A blob URL of an image being sent, for its local echo. */
  localUrl?: string;
  /** An upload in progress: bytes sent of the total. */
  progress?: { readonly sent: number; readonly total: number };
  /** Stops the upload in progress. */
  abort?: AbortController;
}

/**
 * A new entry with a transaction id of its own (`txnId` when given, as the page that drew its local echo made it);
 * the local echo, when given, is built with that id.
 */
export function newEntry(request: OutboxRequest, echo?: (txnId: string) => MessageItem, file?: Blob, given?: string): Entry {
  const txnId = given ?? newTxnId();
  return {
    txnId,
    request,
    createdAt: Date.now(),
    status: 'queued',
    serverErrors: 0,
    cancelled: false,
    ...(echo ? { echo: echo(txnId) } : {}),
    ...(file ? { file } : {}),
  };
}

/** An entry handed over from elsewhere, queued afresh: a failure it had was not its sending's. */
export function adoptedEntry(stored: StoredOutboxEntry): Entry {
  return {
    txnId: stored.txnId,
    request: stored.request,
    createdAt: stored.createdAt,
    status: 'queued',
    serverErrors: 0,
    cancelled: false,
    ...(stored.echo ? { echo: stored.echo } : {}),
    ...(stored.file ? { file: stored.file } : {}),
  };
}

/** An entry read back from storage, as it was left (a failure stays a failure). */
export function restoredEntry(stored: StoredOutboxEntry): Entry {
  return {
    txnId: stored.txnId,
    request: stored.request,
    createdAt: stored.createdAt,
    status: stored.status,
    serverErrors: 0,
    cancelled: false,
    ...(stored.echo ? { echo: stored.echo } : {}),
    ...(stored.error ? { error: stored.error } : {}),
    ...(stored.final ? { final: true } : {}),
  };
}

/** An unsent entry as persisted. */
export function storedEntry(entry: Entry): StoredOutboxEntry {
  return {
    txnId: entry.txnId,
    request: entry.request,
    createdAt: entry.createdAt,
    // In flight: whether it arrived is unknown, so it is sent again (same txn id) after a reload.
    status: entry.status === 'failed' ? 'failed' : 'queued',
    ...(entry.echo ? { echo: entry.echo } : {}),
    ...(entry.error ? { error: entry.error } : {}),
    ...(entry.final ? { final: true } : {}),
  };
}

/** An entry given to another room's outbox, queued there afresh. */
export function handedOverEntry(entry: Entry): StoredOutboxEntry {
  return {
    txnId: entry.txnId,
    request: entry.request,
    createdAt: entry.createdAt,
    status: 'queued',
    ...(entry.echo ? { echo: entry.echo } : {}),
    ...(entry.file ? { file: entry.file } : {}),
  };
}

/** An attachment whose file must still be uploaded. */
export function needsUpload(entry: Entry): boolean {
  return entry.request.op === 'attachment' && !entry.request.uploaded;
}

/** The timeline item standing for an entry with a local echo, in its current send state. */
export function entryItem(entry: Entry): MessageItem {
  const echo = entry.echo as MessageItem;
  const media = echo.media && entry.localUrl ? { ...echo.media, localUrl: entry.localUrl } : echo.media;
  return {
    ...echo,
    ...(media ? { media } : {}),
    ...(needsUpload(entry) && entry.status !== 'failed' ? { upload: entry.progress ?? { sent: 0, total: entry.file?.size ?? 0 } } : {}),
    status: entry.status,
    ...(entry.eventId ? { eventId: entry.eventId } : {}),
    ...(entry.status === 'failed' && entry.error ? { sendError: entry.error } : {}),
    ...(entry.status === 'failed' && entry.final ? { retryable: false } : {}),
  };
}

/**
 * The room's timeline without the SDK's local echoes of outbox entries, and the entries whose remote echo
 * it holds (the server has them: the room's own item, same key, is the message from now on).
 */
export function withoutLocalEchoes(
  entries: readonly Entry[],
  base: readonly TimelineItem[],
): { readonly items: TimelineItem[]; readonly echoed: ReadonlySet<Entry> } {
  const byKey = new Map(entries.map((e) => [e.txnId, e]));
  const byEventId = new Map(entries.flatMap((e) => (e.eventId ? [[e.eventId, e] as const] : [])));
  const echoed = new Set<Entry>();
  const items: TimelineItem[] = [];
  for (const item of base) {
    if (item.kind !== 'message') {
      items.push(item);
      continue;
    }
    const entry = byKey.get(item.key) ?? (item.eventId ? byEventId.get(item.eventId) : undefined);
    if (!entry) {
      items.push(item);
    } else if (item.status === 'sent' && item.eventId && !item.eventId.startsWith('~')) {
      echoed.add(entry);
      items.push(item);
    }
    // Otherwise it is the SDK's local echo of an attempt: the outbox's item stands for it.
  }
  return { items, echoed };
}
