/**
 * Messages held for a moderator (held.ts) through the one pipeline, on plain JSON: shown to their author
 * (marked pending or not approved) and to moderators, hidden from everyone else, shown as sent once released.
 * Pure: no SDK, no server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HELD_EVENT, heldMessages } from './held.ts';
import { timelineItems } from './pipeline.ts';
import { membersOf } from './members.ts';
import type { MessageItem } from './timeline-types.ts';

const T0 = new Date(2026, 2, 14, 10, 0, 0).getTime();
const ANN = '@ann:example.org';
const NEW = '@new:example.org';
const BOT = '@omni:example.org';

const message = (id: string, sender: string, body: string, ts: number): Record<string, unknown> => ({
  type: 'm.room.message',
  event_id: id,
  sender,
  origin_server_ts: ts,
  content: { msgtype: 'm.text', body },
});
const marker = (eventId: string, status: string, ts: number): Record<string, unknown> => ({
  type: HELD_EVENT,
  state_key: eventId,
  sender: BOT,
  event_id: `$marker-${eventId}-${status}`,
  origin_server_ts: ts,
  content: { sender: NEW, status },
});

function build(events: Record<string, unknown>[], reader: string, showHeld = false, readMarker?: string): ReturnType<typeof timelineItems> {
  return timelineItems(
    events.map((json) => ({ json })),
    { ownUserId: reader, members: membersOf(events), held: heldMessages(events), showHeld, ...(readMarker ? { readMarker } : {}) },
  );
}

function shown(events: Record<string, unknown>[], reader: string, showHeld = false): MessageItem[] {
  return build(events, reader, showHeld).items.filter((item): item is MessageItem => item.kind === 'message');
}

describe('held messages', () => {
  const held = [message('$a', ANN, 'welcome', T0), message('$n', NEW, 'hello all', T0 + 1), marker('$n', 'pending', T0 + 2)];

  test('the latest marker wins; released and malformed markers hold nothing', () => {
    assert.deepEqual([...heldMessages(held)], [['$n', 'pending']]);
    assert.deepEqual([...heldMessages([...held, marker('$n', 'released', T0 + 3)])], []);
    assert.deepEqual([...heldMessages([...held, marker('$n', 'rejected', T0 + 3)])], [['$n', 'rejected']]);
    assert.deepEqual([...heldMessages([{ type: HELD_EVENT, content: { status: 'pending' } }, { ...marker('$x', 'bogus', T0) }])], []);
  });

  test('pending: its author sees it marked, a moderator too, everyone else not at all', () => {
    const own = shown(held, NEW);
    assert.deepEqual(
      own.map((m) => [m.body, m.held]),
      [
        ['welcome', undefined],
        ['hello all', 'pending'],
      ],
    );
    assert.deepEqual(
      shown(held, ANN).map((m) => m.body),
      ['welcome'],
    );
    assert.equal(shown(held, ANN, true)[1]?.held, 'pending');
    // Nor is it unread for them.
    const reader = '@reader:example.org';
    assert.equal(build(held, reader, false, '$a').unreadCount, 0);
    assert.equal(build([...held, marker('$n', 'released', T0 + 3)], reader, false, '$a').unreadCount, 1);
  });

  test('released: everyone sees it as sent, once, unmarked', () => {
    const released = [...held, marker('$n', 'released', T0 + 3)];
    for (const reader of [NEW, ANN]) {
      const items = shown(released, reader);
      assert.deepEqual(
        items.map((m) => [m.body, m.held]),
        [
          ['welcome', undefined],
          ['hello all', undefined],
        ],
      );
    }
  });

  test('rejected and removed: its author is told, others see no trace', () => {
    const redacted = { ...message('$n', NEW, '', T0 + 1), content: {}, unsigned: { redacted_because: { sender: BOT, content: {} } } };
    const rejected = [held[0] ?? {}, redacted, marker('$n', 'rejected', T0 + 3)];
    const own = shown(rejected, NEW)[1];
    assert.equal(own?.held, 'rejected');
    assert.equal(own.redacted, true);
    assert.deepEqual(
      shown(rejected, ANN).map((m) => m.body),
      ['welcome'],
    );
  });
});
