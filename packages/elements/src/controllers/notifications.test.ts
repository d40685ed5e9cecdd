import { expect } from '@open-wc/testing';
import type { MessageItem, RoomSnapshot } from '@omnisocial/core';
import { notificationFor } from './notifications.ts';
import { unreadMentions } from './mention-jump.ts';

const bob = { userId: '@bob:x', displayName: 'Bob' };
const message = (overrides: Partial<MessageItem> = {}): MessageItem => ({
  kind: 'message',
  key: overrides.eventId ?? '$m',
  eventId: '$m',
  sender: bob,
  own: false,
  timestamp: 0,
  msgtype: 'text',
  body: 'Hello there',
  edited: false,
  redacted: false,
  reactions: [],
  status: 'sent',
  continuation: false,
  readBy: [],
  ...overrides,
});
const snapshot = (overrides: Partial<RoomSnapshot> = {}): RoomSnapshot => ({
  status: 'ready',
  name: 'Lobby',
  encrypted: false,
  items: [],
  canSend: true,
  hasMoreBefore: false,
  paginating: false,
  typing: [],
  unreadCount: 0,
  ...overrides,
});

describe('what a browser notification says', () => {
  it('a mention in a room: sender and room, the text when unencrypted', () => {
    expect(notificationFor(snapshot(), message({ mentionsMe: true }), false)).to.deep.equal({ title: 'Bob · Lobby', body: 'Hello there' });
  });

  it('a DM: the sender; an encrypted one says so instead of its text unless the member allows it', () => {
    const dm = snapshot({ directWith: bob, encrypted: true });
    expect(notificationFor(dm, message(), false)).to.deep.equal({ title: 'Bob', body: 'Sent you an encrypted message' });
    expect(notificationFor(dm, message(), true)).to.deep.equal({ title: 'Bob', body: 'Hello there' });
    expect(notificationFor(snapshot({ encrypted: true }), message({ mentionsMe: true }), false)?.body).to.equal(
      'Mentioned you in an encrypted message',
    );
  });

  it('nothing for an ordinary message in a room, the member’s own, or a deleted one; long text is cut', () => {
    expect(notificationFor(snapshot(), message(), true)).to.equal(undefined);
    expect(notificationFor(snapshot({ directWith: bob }), message({ own: true }), true)).to.equal(undefined);
    expect(notificationFor(snapshot({ directWith: bob }), message({ redacted: true }), true)).to.equal(undefined);
    expect(notificationFor(snapshot({ directWith: bob }), message({ body: 'x'.repeat(500) }), true)?.body).to.have.length(201);
  });
});

describe('unread mentions for Next mention', () => {
  it('after the read marker; without it, as many of the latest as the push rules count', () => {
    const items = [
      message({ eventId: '$a', key: '$a', mentionsMe: true }),
      { kind: 'read-marker', key: 'marker' } as const,
      message({ eventId: '$b', key: '$b' }),
      message({ eventId: '$c', key: '$c', mentionsMe: true }),
    ];
    expect(unreadMentions(snapshot({ items }))).to.deep.equal(['$c']);
    const unmarked = items.filter((item) => item.kind !== 'read-marker');
    expect(unreadMentions(snapshot({ items: unmarked }))).to.deep.equal([]);
    expect(unreadMentions(snapshot({ items: unmarked, notificationCounts: { notifications: 3, highlights: 1 } }))).to.deep.equal(['$c']);
  });
});
