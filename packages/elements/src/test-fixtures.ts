import type { MessageItem } from '@omnisocial/core';

/** A plain, sent text message for component tests; every field can be overridden. */
export function messageItem(overrides: Partial<MessageItem> = {}): MessageItem {
  return {
    kind: 'message',
    key: 'k1',
    eventId: '$e1',
    sender: { userId: '@bob:example.org', displayName: 'Bob' },
    own: false,
    timestamp: 0,
    msgtype: 'text',
    body: '',
    edited: false,
    redacted: false,
    reactions: [],
    status: 'sent',
    continuation: false,
    readBy: [],
    ...overrides,
  };
}
