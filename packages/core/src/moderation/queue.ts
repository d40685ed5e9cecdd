/**
 * The moderation queue's wire contract: what the companion's moderation API (packages/server,
 * docs/server.md "The moderation queue") answers and the moderation queue element reads. Types only, and no DOM
 * type, so the companion (Node) imports it as `@omnisocial/core/moderation` without the rest of the engine.
 */

/** What a moderator does with a queue item: `delete`, `ban`, `dismiss` a report; `release`, `reject` a held message. */
export type QueueAction = 'delete' | 'ban' | 'dismiss' | 'release' | 'reject';

/** A reported message: its text for plain rooms, or why it is not shown. */
export interface ReportedMessage {
  readonly body?: string;
  readonly encrypted?: true;
  /** In an encrypted room: the text as the reporter read it, sent with their consent (unverified). */
  readonly quoted?: string;
  readonly deleted?: true;
  readonly unavailable?: true;
}

/** One item of the queue: a member's report of a message, or a first message held for approval. */
export type QueueItem =
  | {
      readonly id: string;
      readonly kind: 'report';
      readonly roomId: string;
      readonly roomName: string | null;
      readonly eventId: string;
      readonly reporter: string;
      readonly reason: string | null;
      readonly receivedAt: number;
      readonly sender: string | null;
      readonly message: ReportedMessage;
    }
  | {
      readonly id: string;
      readonly kind: 'held';
      readonly roomId: string;
      readonly roomName: string | null;
      readonly eventId: string;
      readonly sender: string;
      /** The text in an open room; '' with `encrypted` in an encrypted one. */
      readonly body: string;
      readonly encrypted?: true;
      readonly receivedAt: number;
    };

/** `GET …/moderation/queue?from&limit`: a page of the queue, newest first, and how many items it holds. */
export interface QueuePage {
  readonly items: readonly QueueItem[];
  readonly total: number;
}

/** `POST …/moderation/token`: a moderator token and when it expires (milliseconds since the epoch). */
export interface MintedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** The body of a refused moderation request: a Matrix-style `errcode` and a readable `error`. */
export interface ModerationRefusalBody {
  readonly errcode: string;
  readonly error: string;
}
