/**
 * Threads in the one pipeline, on plain JSON fixtures: replies kept out of the main timeline, the root's
 * summary (loaded replies and the server's bundled aggregation), a thread's own build, unreadable
 * replies placed by their clear relation, and bad input (nested roots, cycles, orphans, a deleted root).
 * Pure: no SDK, no server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { membersOf } from './members.ts';
import { timelineItems } from './pipeline.ts';
import type { TimelineEvent, TimelineOptions } from './timeline-input.ts';
import { undecryptable } from './undecryptable-items.ts';
import type { MessageItem, TimelineItem } from './timeline-types.ts';

const T0 = new Date(2026, 2, 14, 10, 0, 0).getTime();
const ANN = '@ann:example.org';
const BOB = '@bob:example.org';
const ME = '@me:example.org';

const messages = (items: readonly TimelineItem[]): MessageItem[] => items.filter((i): i is MessageItem => i.kind === 'message');
const bodies = (items: readonly TimelineItem[]): string[] => messages(items).map((m) => m.body);

function text(id: string, sender: string, body: string, ts: number, extra: Record<string, unknown> = {}): TimelineEvent {
  return { json: { type: 'm.room.message', event_id: id, sender, origin_server_ts: ts, content: { msgtype: 'm.text', body, ...extra } } };
}

/** A thread reply as the spec (and Element) sends it: the fallback reply points at the latest event. */
function reply(id: string, sender: string, body: string, ts: number, root: string, inReplyTo = root, fallingBack = true): TimelineEvent {
  return text(id, sender, body, ts, {
    'm.relates_to': { rel_type: 'm.thread', event_id: root, is_falling_back: fallingBack, 'm.in_reply_to': { event_id: inReplyTo } },
  });
}

function options(extra: Partial<TimelineOptions> = {}): TimelineOptions {
  return { ownUserId: ME, members: membersOf([]), ...extra };
}

describe('threads', () => {
  test('replies stay out of the main timeline; the root carries count, latest, participants and unread', () => {
    const events = [
      text('$root', ANN, 'root', T0),
      reply('$r1', BOB, 'one', T0 + 1000, '$root'),
      text('$main', ANN, 'main', T0 + 2000),
      reply('$r2', ME, 'two', T0 + 3000, '$root', '$r1'),
      reply('$r3', BOB, 'three', T0 + 4000, '$root', '$r2'),
    ];
    const { items, unreadCount } = timelineItems(events, options());
    assert.deepEqual(bodies(items), ['root', 'main']);
    const root = messages(items)[0];
    assert.equal(root?.thread?.count, 3);
    assert.equal(root.thread.latest?.sender.userId, BOB);
    assert.equal(root.thread.latest.timestamp, T0 + 4000);
    assert.deepEqual(
      root.thread.participants.map((p) => p.userId),
      [BOB, ME],
    );
    assert.equal(root.thread.unread, 1, 'only the reply after the member’s own is unread');
    assert.equal(root.thread.participated, true);
    assert.equal(unreadCount, 2, 'thread replies do not count in the main timeline');
  });

  test('a thread’s own build shows the root and its replies; a fallback is no quote, a real reply is', () => {
    const events = [
      text('$root', ANN, 'root', T0),
      reply('$r1', BOB, 'one', T0 + 1000, '$root'),
      text('$main', ANN, 'main', T0 + 2000),
      reply('$r2', ANN, 'two', T0 + 3000, '$root', '$r1', false),
      reply('$x', BOB, 'other thread', T0 + 3500, '$main'),
    ];
    const { items, unreadCount } = timelineItems(events, options({ thread: '$root' }));
    assert.deepEqual(bodies(items), ['root', 'one', 'two']);
    const [root, one, two] = messages(items);
    assert.equal(root?.thread, undefined);
    assert.equal(one?.threadRoot, '$root');
    assert.equal(one.replyTo, undefined);
    assert.equal(two?.replyTo?.eventId, '$r1');
    assert.equal(two.replyTo.body, 'one');
    assert.equal(unreadCount, 2);
    const read = timelineItems(events, options({ thread: '$root', threadReads: new Map([['$root', T0 + 1000]]) }));
    assert.equal(read.unreadCount, 1);
  });

  test('the bundled aggregation counts replies that are not loaded, plus those loaded after it', () => {
    const root = text('$root', ANN, 'root', T0);
    (root.json as Record<string, unknown>)['unsigned'] = {
      'm.relations': { 'm.thread': { count: 7, latest_event: { event_id: '$old', sender: BOB, origin_server_ts: T0 + 500 } } },
    };
    const only = messages(timelineItems([root], options()).items)[0];
    assert.equal(only?.thread?.count, 7);
    assert.equal(only.thread.latest?.sender.userId, BOB);
    const later = messages(timelineItems([root, reply('$new', ANN, 'new', T0 + 9000, '$root')], options()).items)[0];
    assert.equal(later?.thread?.count, 8);
    assert.equal(later.thread.latest?.sender.userId, ANN);
    assert.deepEqual(
      later.thread.participants.map((p) => p.userId),
      [ANN, BOB],
    );
  });

  test('an encrypted reply that cannot be read is placed in its thread by its clear relation', () => {
    const wire: TimelineEvent = {
      json: {
        type: 'm.room.encrypted',
        event_id: '$enc',
        sender: BOB,
        origin_server_ts: T0 + 1000,
        content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', 'm.relates_to': { rel_type: 'm.thread', event_id: '$root' } },
      },
      undecryptable: undecryptable('waiting', 'keys-not-received'),
    };
    const events = [text('$root', ANN, 'root', T0), wire];
    assert.deepEqual(bodies(timelineItems(events, options()).items), ['root']);
    assert.equal(messages(timelineItems(events, options()).items)[0]?.thread?.count, 1);
    assert.equal(messages(timelineItems(events, options({ thread: '$root' })).items)[1]?.undecryptable?.state, 'waiting');
  });

  test('bad input: self-reference, nested roots and cycles show as messages; orphans wait unless history is complete', () => {
    const events = [
      text('$root', ANN, 'root', T0),
      reply('$self', BOB, 'self', T0 + 1, '$self'),
      reply('$a', BOB, 'a', T0 + 2, '$b'),
      reply('$b', BOB, 'b', T0 + 3, '$a'),
      reply('$r1', BOB, 'r1', T0 + 4, '$root'),
      reply('$nested', BOB, 'nested', T0 + 5, '$r1'),
      reply('$orphan', BOB, 'orphan', T0 + 6, '$gone'),
    ];
    assert.deepEqual(bodies(timelineItems(events, options()).items), ['root', 'self', 'a', 'b', 'nested']);
    assert.deepEqual(bodies(timelineItems(events, options({ historyComplete: true })).items), [
      'root',
      'self',
      'a',
      'b',
      'nested',
      'orphan',
    ]);
  });

  test('a deleted root keeps its summary, so its thread stays reachable', () => {
    const root = text('$root', ANN, '', T0);
    (root.json as Record<string, unknown>)['content'] = {};
    (root.json as Record<string, unknown>)['unsigned'] = { redacted_because: { sender: ANN, content: {} } };
    const items = timelineItems([root, reply('$r1', BOB, 'one', T0 + 1000, '$root')], options()).items;
    const [shown] = messages(items);
    assert.equal(shown?.redacted, true);
    assert.equal(shown.thread?.count, 1);
    assert.deepEqual(bodies(timelineItems([root, reply('$r1', BOB, 'one', T0 + 1000, '$root')], options({ thread: '$root' })).items), [
      '',
      'one',
    ]);
  });
});
