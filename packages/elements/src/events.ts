import type { OmniErrorInfo } from '@omnisocial/core';

/** Fired when an element enters an error state it cannot leave on its own (bad room, bad homeserver…). */
export class OmniErrorEvent extends Event {
  static readonly type = 'omni-error';
  readonly error: OmniErrorInfo;
  constructor(error: OmniErrorInfo) {
    super(OmniErrorEvent.type, { bubbles: true, composed: true });
    this.error = error;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'omni-error': OmniErrorEvent;
  }
}

export type SessionChangeState = 'signed-in' | 'signed-out' | 'expired' | 'elsewhere';

/**
 * Fired when the member's session as this element sees it changes: signed in, signed out (or
 * revoked), expired (soft logout: sign in again keeps the device), or moved to another tab.
 */
export class OmniSessionChangeEvent extends Event {
  static readonly type = 'omni-session-change';
  readonly state: SessionChangeState;
  readonly userId: string | undefined;
  constructor(state: SessionChangeState, userId?: string) {
    super(OmniSessionChangeEvent.type, { bubbles: true, composed: true });
    this.state = state;
    this.userId = userId;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'omni-session-change': OmniSessionChangeEvent;
  }
}

/**
 * Fired by `<omni-chat>` when the member's first message created the post's discussion room. Another
 * member creating it first does not fire it here.
 */
export class OmniRoomCreatedEvent extends Event {
  static readonly type = 'omni-room-created';
  readonly roomId: string;
  readonly alias: string;
  readonly postId: string;
  constructor(detail: { roomId: string; alias: string; postId: string }) {
    super(OmniRoomCreatedEvent.type, { bubbles: true, composed: true });
    this.roomId = detail.roomId;
    this.alias = detail.alias;
    this.postId = detail.postId;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'omni-room-created': OmniRoomCreatedEvent;
  }
}

/**
 * Fired when the newest message of the conversation changes (the view opened on it, someone posted, the
 * member's own message reached the homeserver): `<omni-count>` recounts the post then.
 */
export class OmniMessagesChangeEvent extends Event {
  static readonly type = 'omni-messages-change';
  readonly latestEventId: string;
  constructor(latestEventId: string) {
    super(OmniMessagesChangeEvent.type, { bubbles: true, composed: true });
    this.latestEventId = latestEventId;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'omni-messages-change': OmniMessagesChangeEvent;
  }
}

/** Fired when the number of messages after the member's read marker changes (for a badge). */
export class OmniUnreadChangeEvent extends Event {
  static readonly type = 'omni-unread-change';
  readonly count: number;
  /** Unread mentions of the member (and `@room`), by their push rules (the homeserver's `highlight_count`). */
  readonly mentions: number;
  constructor(count: number, mentions = 0) {
    super(OmniUnreadChangeEvent.type, { bubbles: true, composed: true });
    this.count = count;
    this.mentions = mentions;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'omni-unread-change': OmniUnreadChangeEvent;
  }
}

/** Fired by `<omni-dm>` when the member's first message created the direct conversation's room. */
export class OmniDmCreatedEvent extends Event {
  static readonly type = 'omni-dm-created';
  readonly roomId: string;
  /** The other member. */
  readonly userId: string;
  constructor(detail: { roomId: string; userId: string }) {
    super(OmniDmCreatedEvent.type, { bubbles: true, composed: true });
    this.roomId = detail.roomId;
    this.userId = detail.userId;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'omni-dm-created': OmniDmCreatedEvent;
  }
}

/**
 * Fired when the member reported a message and the homeserver accepted the report
 * (`POST /rooms/{roomId}/report/{eventId}`), for a site that also keeps its own moderation queue.
 */
export class OmniReportEvent extends Event {
  static readonly type = 'omni-report';
  readonly roomId: string;
  readonly eventId: string;
  /** The reason the member gave; empty when they gave none. */
  readonly reason: string;
  constructor(detail: { roomId: string; eventId: string; reason: string }) {
    super(OmniReportEvent.type, { bubbles: true, composed: true });
    this.roomId = detail.roomId;
    this.eventId = detail.eventId;
    this.reason = detail.reason;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'omni-report': OmniReportEvent;
  }
}
