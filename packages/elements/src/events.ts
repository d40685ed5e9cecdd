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
