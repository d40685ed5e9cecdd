import type { MemberInfo, OutgoingMessage, TimelineItem } from '@omnisocial/core';

/** What the composer needs to know of the room. */
export interface ComposerView {
  readonly canSend: boolean;
  readonly cannotSendReason?: string;
  /**
   * Writing is held only until the discussion is connected: the reason shows in the empty text box, so the
   * composer keeps the height it has once writing opens (no layout shift).
   */
  readonly waiting?: boolean;
  /** Where the draft is kept (`homeserver + room`); undefined keeps no draft. */
  readonly draftKey?: string;
  /** The timeline, to find the member's last message for Up-to-edit. */
  readonly items: readonly TimelineItem[];
  /** Messages here are encrypted: less text fits in an event (see `maxContentBytes`). */
  readonly encrypted?: boolean;
  /** The member may notify the whole room (`@room`): their level reaches the room's `notifications.room`. */
  readonly mentionRoom?: boolean;
  /** The form's accessible name, when the view shows more than one composer (a thread's). */
  readonly label?: string;
}

/** Commands the composer gives. */
export interface ComposerActions {
  send(message: OutgoingMessage, replyTo?: string): Promise<void>;
  edit(eventId: string, message: OutgoingMessage): Promise<void>;
  setTyping(typing: boolean): void;
  searchMembers(query: string): Promise<readonly MemberInfo[]>;
  /** Checks a file when it is added (rejects with a message naming it); without it, no files can be attached. */
  checkAttachment?(file: File): Promise<void>;
  /** The file types the site accepts (the picker's `accept`); undefined for any. */
  acceptFiles?(): string | undefined;
  /** Queues a file, with the composer's text as its caption. */
  sendAttachment?(file: File, caption?: string, replyTo?: string): Promise<void>;
  /** Called after a message went out, e.g. to scroll the timeline to it. */
  sent?(): void;
}
