/** The outbox's data: what it sends, what it stores, and what its transport and storage must do. */
import type { MessageItem } from '../timeline/timeline-types.ts';

/** What is sent: an event of `type` with `content`, or a redaction of `redacts`. */
export type OutboxRequest =
  | { readonly op: 'event'; readonly type: string; readonly content: Readonly<Record<string, unknown>> }
  | { readonly op: 'redact'; readonly redacts: string; readonly reason?: string };

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
}

/** How a failed attempt is treated. */
export type SendFailure =
  | { readonly kind: 'network' }
  | { readonly kind: 'rate-limited'; readonly waitMs: number }
  | { readonly kind: 'server' }
  /** `retryable: false`: the same request can never succeed (e.g. too large), so no Retry is offered. */
  | { readonly kind: 'rejected'; readonly message: string; readonly retryable?: false };

export interface OutboxTransport {
  /** Sends with exactly this transaction id; resolves to the event id the server gave it. */
  send(txnId: string, request: OutboxRequest): Promise<string>;
  /** Says how a rejection of `send` is to be treated. */
  classify(error: unknown): SendFailure;
}

export interface OutboxStorage {
  load(): Promise<readonly StoredOutboxEntry[]>;
  save(entries: readonly StoredOutboxEntry[]): Promise<void>;
}
