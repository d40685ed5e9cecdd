/** The outbox's data: what it sends, what it stores, and what its transport and storage must do. */
import type { MessageItem } from '../timeline/timeline-types.ts';

/**
 * A file's message (`m.room.message`). Until `uploaded`, `content` lacks where the file is: the upload
 * (encrypted first when `encrypt`) completes it, and the completed content is stored before the event
 * is sent, so a lost answer to the send never uploads the file again.
 */
export interface AttachmentRequest {
  readonly op: 'attachment';
  readonly content: Readonly<Record<string, unknown>>;
  readonly encrypt: boolean;
  readonly uploaded: boolean;
}

/** What is sent: an event of `type` with `content`, a redaction of `redacts`, or a file and its message. */
export type OutboxRequest =
  | { readonly op: 'event'; readonly type: string; readonly content: Readonly<Record<string, unknown>> }
  | { readonly op: 'redact'; readonly redacts: string; readonly reason?: string }
  | AttachmentRequest;

/** One entry as persisted. */
export interface StoredOutboxEntry {
  readonly txnId: string;
  readonly request: OutboxRequest;
  readonly createdAt: number;
  /** The local echo shown while unsent (messages only; edits, reactions and redactions are not shown). */
  readonly echo?: MessageItem;
  readonly status: 'queued' | 'failed';
  readonly error?: string;
  /** Failed for good: sending it again cannot succeed (the server refused its size). */
  readonly final?: boolean;
  /** The file of an attachment not uploaded yet, when the entry is handed to another outbox (never in `save`). */
  readonly file?: Blob;
}

/** How a failed attempt is treated. */
export type SendFailure =
  | { readonly kind: 'network' }
  | { readonly kind: 'rate-limited'; readonly waitMs: number }
  | { readonly kind: 'server' }
  /** `retryable: false`: the same request can never succeed (e.g. too large), so no Retry is offered. */
  | { readonly kind: 'rejected'; readonly message: string; readonly retryable?: false };

export interface UploadControl {
  readonly signal: AbortSignal;
  readonly onProgress: (sent: number, total: number) => void;
}

export interface OutboxTransport {
  /** Sends with exactly this transaction id; resolves to the event id the server gave it. */
  send(txnId: string, request: OutboxRequest): Promise<string>;
  /** Uploads an attachment's file; resolves to its completed content (where the file is, image info). */
  upload?(request: AttachmentRequest, file: Blob, control: UploadControl): Promise<Readonly<Record<string, unknown>>>;
  /** Says how a rejection of `send` is to be treated. */
  classify(error: unknown): SendFailure;
}

export interface OutboxStorage {
  load(): Promise<readonly StoredOutboxEntry[]>;
  save(entries: readonly StoredOutboxEntry[]): Promise<void>;
  /** Files of attachments not uploaded yet, kept apart from the entries (written once, not at every change). */
  saveFile?(txnId: string, file: Blob): Promise<void>;
  loadFile?(txnId: string): Promise<Blob | undefined>;
  deleteFile?(txnId: string): Promise<void>;
}
