/**
 * The outbox's attachments: their files kept (storage) until their message is sent, their upload with
 * progress and cancel, and what an upload failure means for the queue.
 */
import { holdBlobUrl, releaseBlobUrl } from '../media/blob-urls.ts';
import { UploadError } from '../media/upload.ts';
import { needsUpload, type Entry } from './outbox-entries.ts';
import type { AttachmentRequest, OutboxStorage, OutboxTransport, SendFailure } from './outbox-types.ts';

/** How often an upload's progress reaches the timeline at most. */
const PROGRESS_INTERVAL_MS = 100;

function isAttachment(entry: Entry): boolean {
  return entry.request.op === 'attachment';
}

/** Images get a blob URL for their local echo (raster types only, see media.ts: an SVG is sent as a file). */
function shownFile(entry: Entry): Blob | undefined {
  if (!entry.file || entry.echo?.msgtype !== 'image' || typeof URL.createObjectURL !== 'function') return undefined;
  return entry.file;
}

/** Keeps attachments' files in storage while their entries are unsent, and their local blob URLs while shown. */
export class FileKeeper {
  readonly #storage: OutboxStorage;
  readonly #stored = new Set<string>();
  /** The files shown by their local echo, by transaction id, with the URL held for each (blob-urls.ts). */
  readonly #urls = new Map<string, { readonly url: string; readonly file: Blob }>();
  #writes: Promise<void> = Promise.resolve();

  constructor(storage: OutboxStorage) {
    this.#storage = storage;
  }

  /** A new (or handed over) attachment: its file is written, its image gets a local URL. */
  keep(entry: Entry): void {
    if (!entry.file || !isAttachment(entry)) return;
    this.#show(entry);
    const { txnId, file } = entry;
    this.#stored.add(txnId);
    this.#writes = this.#writes
      .then(() => this.#storage.saveFile?.(txnId, file))
      .catch((error: unknown) => console.warn('[omni] a file waiting to be sent could not be stored', error));
  }

  /** Entries read back after a reload get their files back (those not uploaded yet need them). */
  async restore(entries: readonly Entry[]): Promise<void> {
    for (const entry of entries) {
      if (!isAttachment(entry)) continue;
      this.#stored.add(entry.txnId);
      if (!needsUpload(entry)) continue;
      try {
        const file = await this.#storage.loadFile?.(entry.txnId);
        if (file) entry.file = file;
      } catch (error) {
        console.warn('[omni] a file waiting to be sent could not be read back', error);
      }
      this.#show(entry);
    }
  }

  /** Resolves once every file kept so far is written. */
  written(): Promise<void> {
    return this.#writes;
  }

  /**
   * Lets go of what no unsent entry needs: local URLs at once (the server's copy is shown from now on),
   * stored files by the function returned, to run after the entries naming them are saved.
   */
  release(unsent: readonly Entry[]): () => Promise<void> {
    const needed = new Set(unsent.filter(isAttachment).map((e) => e.txnId));
    for (const [txnId, { file }] of this.#urls) {
      if (needed.has(txnId)) continue;
      this.#urls.delete(txnId);
      // The sent message's echo may still show it for a moment: let go after it has been replaced.
      setTimeout(() => releaseBlobUrl(file), 60_000);
    }
    const gone = [...this.#stored].filter((txnId) => !needed.has(txnId));
    for (const txnId of gone) this.#stored.delete(txnId);
    return async () => {
      for (const txnId of gone) await this.#storage.deleteFile?.(txnId);
    };
  }

  #show(entry: Entry): void {
    const known = this.#urls.get(entry.txnId);
    if (known) {
      entry.localUrl = known.url;
      return;
    }
    const file = shownFile(entry);
    if (file === undefined) return;
    const url = holdBlobUrl(file);
    this.#urls.set(entry.txnId, { url, file });
    entry.localUrl = url;
  }
}

/** Uploads an attachment entry's file and completes its request; `changed` reports progress. */
export async function uploadEntry(entry: Entry, transport: OutboxTransport, changed: () => void): Promise<void> {
  const request = entry.request as AttachmentRequest;
  const file = entry.file;
  if (!file) throw new UploadError('unreadable', 'The file of this message was not kept in this browser. Attach it again.');
  if (!transport.upload) throw new UploadError('http', 'This room cannot send files.');
  const abort = new AbortController();
  entry.abort = abort;
  entry.progress = { sent: 0, total: file.size };
  changed();
  let reported = 0;
  try {
    const content = await transport.upload(request, file, {
      signal: abort.signal,
      onProgress: (sent, total) => {
        entry.progress = { sent, total };
        const now = Date.now();
        if (now - reported >= PROGRESS_INTERVAL_MS || sent >= total) {
          reported = now;
          changed();
        }
      },
    });
    entry.request = { ...request, content, uploaded: true };
  } finally {
    delete entry.abort;
    delete entry.progress;
  }
}

/** What a failed upload means for the queue, or undefined when the error is not an upload's. */
export function classifyUploadFailure(error: unknown): SendFailure | undefined {
  if (error instanceof DOMException && (error.name === 'NotReadableError' || error.name === 'NotFoundError')) {
    return {
      kind: 'rejected',
      message: 'The file could not be read: it may have been moved or deleted. Attach it again.',
      retryable: false,
    };
  }
  if (!(error instanceof UploadError)) return undefined;
  switch (error.code) {
    case 'empty':
    case 'unreadable':
    case 'too-large':
      return { kind: 'rejected', message: error.message, retryable: false };
    case 'rate-limited':
      return { kind: 'rate-limited', waitMs: error.retryAfterMs ?? 5_000 };
    case 'network':
    case 'aborted':
      return { kind: 'network' };
    case 'http':
      if (error.status !== undefined && (error.status >= 500 || error.status === 408)) return { kind: 'server' };
      return { kind: 'rejected', message: error.message };
  }
}
