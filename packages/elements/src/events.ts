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
