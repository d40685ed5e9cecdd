/**
 * The one pipeline with what only the engine knows, on plain JSON fixtures: send status and transaction
 * ids of local echoes, unreadable encrypted events, the read marker and unread count, receipts, own
 * reactions, and items reused from one build to the next. Pure: no SDK, no server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { membersOf } from './members.ts';
import { timelineItems, READ_MARKER_KEY } from './pipeline.ts';
import { PipelineCache, type TimelineEvent, type TimelineOptions } from './timeline-input.ts';
import { undecryptable } from './undecryptable-items.ts';
import type { MessageItem, TimelineItem } from './timeline-types.ts';

const T0 = new Date(2026, 2, 14, 10, 0, 0).getTime();
const ANN = '@ann:example.org';
const BOB = '@bob:example.org';
const ME = '@me:example.org';

const messages = (items: readonly TimelineItem[]): MessageItem[] => items.filter((i): i is MessageItem => i.kind === 'message');

function text(id: string, sender: string, body: string, ts: number, extra: Record<string, unknown> = {}): TimelineEvent {
  return { json: { type: 'm.room.message', event_id: id, sender, origin_server_ts: ts, content: { msgtype: 'm.text', body, ...extra } } };
}

function options(extra: Partial<TimelineOptions> = {}): TimelineOptions {
  return { ownUserId: ME, members: membersOf([]), ...extra };
}

describe('timelineItems with the engine inputs', () => {
  test('a local echo keeps its transaction id as key through the remote echo, with its send status', () => {
    const echo: TimelineEvent = { ...text('~!r:txn', ME, 'hi', T0), status: 'sending', txnId: 'txn' };
    const [sending] = messages(timelineItems([echo], options()).items);
    assert.deepEqual([sending?.key, sending?.eventId, sending?.status, sending?.own], ['txn', undefined, 'sending', true]);
    const remote = text('$hi', ME, 'hi', T0, {});
    const sent = messages(timelineItems([{ json: { ...remote.json, unsigned: { transaction_id: 'txn' } } }], options()).items)[0];
    assert.deepEqual([sent?.key, sent?.eventId, sent?.status], ['txn', '$hi', 'sent']);
  });

  test('an unreadable message says where it stands; its unreadable edits and reactions are no tiles; a reply names its sender', () => {
    const waiting = undecryptable('waiting', 'keys-not-received');
    const encrypted = (id: string, relation?: Record<string, unknown>): TimelineEvent => ({
      json: {
        type: 'm.room.encrypted',
        event_id: id,
        sender: ANN,
        origin_server_ts: T0,
        content: relation ? { 'm.relates_to': relation } : {},
      },
      undecryptable: waiting,
    });
    const items = timelineItems(
      [
        encrypted('$x'),
        encrypted('$edit', { rel_type: 'm.replace', event_id: '$x' }),
        encrypted('$react', { rel_type: 'm.annotation', event_id: '$x', key: 'k' }),
        text('$re', BOB, 'what?', T0 + 1, { 'm.relates_to': { 'm.in_reply_to': { event_id: '$x' } } }),
      ],
      options(),
    ).items;
    const [unreadable, reply] = messages(items);
    assert.equal(messages(items).length, 2);
    assert.equal(unreadable?.undecryptable, waiting);
    assert.equal(unreadable.body, '', 'its state, not words: the elements word it');
    assert.deepEqual(reply?.replyTo, { eventId: '$x', sender: unreadable.sender });
  });

  test('the read marker sits after the last read event; unread counts messages from others after it', () => {
    const events = [
      text('$a', ANN, 'one', T0),
      text('$b', ANN, 'two', T0 + 1),
      text('$c', ME, 'mine', T0 + 2),
      text('$d', BOB, 'three', T0 + 3),
    ];
    const { items, unreadCount } = timelineItems(events, options({ readMarker: '$a' }));
    assert.deepEqual(
      items.map((i) => (i.kind === 'message' ? i.body : i.key)),
      ['day-2026-03-14', 'one', READ_MARKER_KEY, 'two', 'mine', 'three'],
    );
    assert.equal(unreadCount, 2);
    assert.equal(messages(items)[1]?.continuation, false, 'the marker ends a group');
    const noMarker = timelineItems(events, options({ serverUnread: 5 }));
    assert.equal(noMarker.unreadCount, 5, "without the marker, the server's count when it reaches further");
    assert.equal(timelineItems(events, options()).unreadCount, 1, 'else what came after my own message');
  });

  test('receipts put readers under the message they read (or their own latest); own reactions carry their event id', () => {
    const react = (id: string, sender: string): TimelineEvent => ({
      json: {
        type: 'm.reaction',
        event_id: id,
        sender,
        origin_server_ts: T0 + 5,
        content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$a', key: '👍' } },
      },
    });
    const events = [text('$a', ANN, 'one', T0), text('$b', BOB, 'two', T0 + 1), react('$r1', ME), react('$r2', ANN)];
    const members = membersOf([]);
    const { items } = timelineItems(
      events,
      options({
        members,
        readers: [
          { userId: ANN, receiptEventId: '$a' },
          { userId: BOB, receiptEventId: undefined },
        ],
      }),
    );
    const [one, two] = messages(items);
    assert.deepEqual(
      one?.readBy.map((m) => m.userId),
      [ANN],
      'her receipt; a reaction is not a message she sent',
    );
    assert.deepEqual(
      two?.readBy.map((m) => m.userId),
      [BOB],
      'no receipt: his own latest message',
    );
    assert.deepEqual(one.reactions, [{ key: '👍', count: 2, senders: [ME, ANN], ownEventId: '$r1' }]);
  });

  test('an unchanged rebuild with the same cache gives the very same items', () => {
    const cache = new PipelineCache();
    // The engine's directory hands out the previous build's member infos when unchanged; one directory does here.
    const members = membersOf([]);
    const events = [text('$a', ANN, 'one', T0), text('$b', ANN, 'two', T0 + 1)];
    const first = timelineItems(events, options({ cache, members })).items;
    const second = timelineItems(events, options({ cache, members })).items;
    assert.equal(second.length, first.length);
    second.forEach((item, i) => assert.equal(item, first[i]));
    const changed = timelineItems(
      [events[0] as TimelineEvent, { ...text('$b', ANN, 'two', T0 + 1), status: 'failed' }],
      options({ cache, members }),
    ).items;
    assert.equal(changed[1], first[1], 'the first message is unchanged');
    assert.notEqual(changed[2], first[2], 'the failed one is a new item');
  });
  test('@room mentions the reader when its sender may notify the room: by m.mentions.room, or by its text without m.mentions', () => {
    const mayNotifyRoom = (sender: string): boolean => sender === ANN;
    const events = [
      text('$ann', ANN, '@room meeting now', T0, { 'm.mentions': { room: true } }),
      text('$bob', BOB, '@room meeting now', T0 + 1, { 'm.mentions': { room: true } }),
      text('$legacy', ANN, 'hey @room, cake', T0 + 2),
      text('$said', ANN, 'hey @room, cake', T0 + 3, { 'm.mentions': {} }),
      text('$roomba', ANN, 'my @roomba broke', T0 + 4),
      text('$mine', ME, '@room hello', T0 + 5, { 'm.mentions': { room: true } }),
    ];
    const mentioned = (opts: TimelineOptions): string[] =>
      messages(timelineItems(events, opts).items)
        .filter((m) => m.mentionsMe === true)
        .map((m) => m.eventId ?? '');
    assert.deepEqual(mentioned(options({ mayNotifyRoom })), ['$ann', '$legacy']);
    assert.deepEqual(mentioned(options()), [], 'without the levels, nobody may notify the room');
  });
});
