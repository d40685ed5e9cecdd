/**
 * The light read path's mapper: plain `/messages` events → timeline items. The requests themselves are
 * tested against the real Synapse in test/browser/light-read.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lightTimeline, stripReplyFallback } from './light-read.ts';
import type { MessageItem, TimelineItem } from '../timeline/timeline-types.ts';

const T0 = new Date(2026, 10, 25, 12, 0, 0).getTime();
const ALICE = '@alice:example.org';
const BOB = '@bob:example.org';
const GUEST = '@123:example.org';

let counter = 0;
function message(sender: string, body: unknown, extra: Record<string, unknown> = {}, ts = T0 + counter * 1000): Record<string, unknown> {
  counter += 1;
  return {
    type: 'm.room.message',
    event_id: `$e${String(counter)}`,
    sender,
    origin_server_ts: ts,
    content: { msgtype: 'm.text', body, ...extra },
  };
}

function member(userId: string, displayname?: string, membership = 'join'): Record<string, unknown> {
  return {
    type: 'm.room.member',
    state_key: userId,
    sender: userId,
    event_id: `$m${userId}${displayname ?? ''}${membership}`,
    origin_server_ts: T0 - 1000,
    content: { membership, ...(displayname !== undefined ? { displayname } : {}) },
  };
}

const messages = (items: readonly TimelineItem[]): MessageItem[] => items.filter((item): item is MessageItem => item.kind === 'message');

describe('lightTimeline', () => {
  test('text, notice and emote messages with names from member state, keyed by event id, after one day separator', () => {
    const events = [
      message(ALICE, 'hello'),
      { ...message(BOB, 'beep'), content: { msgtype: 'm.notice', body: 'beep' } },
      { ...message(ALICE, 'waves'), content: { msgtype: 'm.emote', body: 'waves' } },
    ];
    const items = lightTimeline(events, [member(ALICE, 'Alice'), member(BOB, 'Bob')], GUEST);
    assert.equal(items[0]?.kind, 'day');
    assert.match((items[0] as TimelineItem).key, /^day-\d{4}-\d{2}-\d{2}$/u);
    const shown = messages(items);
    assert.deepEqual(
      shown.map((m) => [m.key, m.eventId, m.sender.displayName, m.msgtype, m.body, m.own, m.status]),
      [
        [events[0]?.['event_id'], events[0]?.['event_id'], 'Alice', 'text', 'hello', false, 'sent'],
        [events[1]?.['event_id'], events[1]?.['event_id'], 'Bob', 'notice', 'beep', false, 'sent'],
        [events[2]?.['event_id'], events[2]?.['event_id'], 'Alice', 'emote', 'waves', false, 'sent'],
      ],
    );
    assert.equal(items.length, 4);
  });

  test('groups consecutive messages of one sender within five minutes, not across senders or longer gaps', () => {
    const a = message(ALICE, 'one', {}, T0);
    const b = message(ALICE, 'two', {}, T0 + 60_000);
    const c = message(BOB, 'three', {}, T0 + 61_000);
    const d = message(BOB, 'four', {}, T0 + 61_000 + 6 * 60_000);
    const shown = messages(lightTimeline([a, b, c, d], [], GUEST));
    assert.deepEqual(
      shown.map((m) => m.continuation),
      [false, true, false, false],
    );
  });

  test('a new day starts a separator and breaks grouping', () => {
    const late = new Date(2026, 10, 25, 23, 59, 0).getTime();
    const a = message(ALICE, 'before midnight', {}, late);
    const b = message(ALICE, 'after midnight', {}, late + 2 * 60_000);
    const items = lightTimeline([a, b], [], GUEST);
    assert.deepEqual(
      items.map((item) => item.kind),
      ['day', 'message', 'day', 'message'],
    );
    assert.equal(messages(items)[1]?.continuation, false);
  });

  test('names that could impersonate are disambiguated with the user id; unsafe characters are removed', () => {
    const state = [
      member(ALICE, 'Sam'),
      member(BOB, 'sam'),
      member('@carol:example.org', '@dave:example.org'),
      member('@eve:x', 'E\u202Eve'),
    ];
    const events = [
      message(ALICE, 'a'),
      message(BOB, 'b'),
      message('@carol:example.org', 'c'),
      message('@eve:x', 'd'),
      message('@nobody:x', 'e'),
    ];
    const names = messages(lightTimeline(events, state, GUEST)).map((m) => m.sender.displayName);
    assert.deepEqual(names, [`Sam (${ALICE})`, `sam (${BOB})`, '@dave:example.org (@carol:example.org)', 'Eve (@eve:x)', '@nobody:x']);
  });

  test('a member event in the chunk is newer than the state sent with it', () => {
    const events = [member(ALICE, 'Alice Renamed'), message(ALICE, 'hi')];
    const [shown] = messages(lightTimeline(events, [member(ALICE, 'Alice')], GUEST));
    assert.equal(shown?.sender.displayName, 'Alice Renamed');
  });

  test('malformed messages and attachments become placeholders with their event id as key; other events are not shown', () => {
    const broken: Record<string, unknown> = { ...message(ALICE, 'x'), content: { body: 42 } };
    const noContent = { type: 'm.room.message', event_id: '$nc', sender: ALICE, origin_server_ts: T0 + 5 };
    const image: Record<string, unknown> = {
      ...message(ALICE, 'cat.png'),
      content: { msgtype: 'm.image', body: 'cat.png', url: 'mxc://x/y' },
    };
    const topic = { type: 'm.room.topic', state_key: '', event_id: '$t', sender: ALICE, origin_server_ts: T0 + 6, content: { topic: 'x' } };
    const junk = [null, 7, 'str', { type: 'm.room.message' }];
    const items = lightTimeline([broken, noContent, image, topic, ...junk], [], GUEST);
    assert.deepEqual(
      items.filter((item) => item.kind === 'placeholder').map((item) => [item.key, item.reason]),
      [
        [broken['event_id'], 'malformed'],
        ['$nc', 'malformed'],
        [image['event_id'], 'attachment-loading'],
      ],
    );
    assert.equal(messages(items).length, 0);
  });

  test("the latest edit by the original sender wins; others' edits and edit events themselves are not shown", () => {
    const original = message(ALICE, 'frist');
    const edit = (sender: string, body: string, ts: number): Record<string, unknown> => ({
      ...message(sender, `* ${body}`),
      origin_server_ts: ts,
      content: {
        msgtype: 'm.text',
        body: `* ${body}`,
        'm.new_content': { msgtype: 'm.text', body },
        'm.relates_to': { rel_type: 'm.replace', event_id: original['event_id'] },
      },
    });
    const items = lightTimeline([original, edit(ALICE, 'first', T0 + 50_000), edit(BOB, 'hijacked', T0 + 60_000)], [], GUEST);
    const shown = messages(items);
    assert.equal(shown.length, 1);
    assert.equal(shown[0]?.body, 'first');
    assert.equal(shown[0].edited, true);
  });

  test('a server-bundled edit applies too', () => {
    const original = {
      ...message(ALICE, 'old'),
      unsigned: {
        'm.relations': {
          'm.replace': {
            event_id: '$edit',
            sender: ALICE,
            origin_server_ts: T0 + 99_000,
            content: { 'm.new_content': { msgtype: 'm.text', body: 'new' } },
          },
        },
      },
    };
    const [shown] = messages(lightTimeline([original], [], GUEST));
    assert.equal(shown?.body, 'new');
    assert.equal(shown.edited, true);
  });

  test('redacted messages stay as empty redacted tiles; replies lose their fallback and preview the original', () => {
    const redacted = { ...message(ALICE, 'x'), content: {}, unsigned: { redacted_because: { type: 'm.room.redaction' } } };
    const original = message(BOB, 'question?');
    const reply = message(ALICE, `> <${BOB}> question?\n\nanswer`, {
      'm.relates_to': { 'm.in_reply_to': { event_id: original['event_id'] } },
    });
    const orphan = message(ALICE, 'to something old', { 'm.relates_to': { 'm.in_reply_to': { event_id: '$old' } } });
    const shown = messages(lightTimeline([redacted, original, reply, orphan], [member(BOB, 'Bob')], GUEST));
    assert.equal(shown[0]?.redacted, true);
    assert.equal(shown[0].body, '');
    assert.equal(shown[2]?.body, 'answer');
    assert.equal(shown[2].replyTo?.eventId, original['event_id']);
    assert.equal(shown[2].replyTo?.body, 'question?');
    assert.equal(shown[2].replyTo.sender?.displayName, 'Bob');
    assert.deepEqual(shown[3]?.replyTo, { eventId: '$old' });
  });

  test('reactions are counted once per member and key', () => {
    const target = message(ALICE, 'nice');
    const react = (sender: string, key: string): Record<string, unknown> => ({
      type: 'm.reaction',
      event_id: `$r${sender}${key}${String(counter++)}`,
      sender,
      origin_server_ts: T0 + 10,
      content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: target['event_id'], key } },
    });
    const [shown] = messages(
      lightTimeline([target, react(BOB, '👍'), react(BOB, '👍'), react(GUEST, '👍'), react(BOB, '🎉')], [member(BOB, 'Bob')], GUEST),
    );
    assert.deepEqual(
      shown?.reactions.map((r) => [r.key, r.count, r.senders]),
      [
        ['👍', 2, ['Bob', GUEST]],
        ['🎉', 1, ['Bob']],
      ],
    );
  });

  test('own messages are marked own; unknown msgtypes show their body as text', () => {
    const own = { ...message(GUEST, 'mine'), content: { msgtype: 'org.example.custom', body: 'mine' } };
    const [shown] = messages(lightTimeline([own], [], GUEST));
    assert.equal(shown?.own, true);
    assert.equal(shown.msgtype, 'text');
  });
});

test('stripReplyFallback removes the quoted lines and the blank line after them', () => {
  assert.equal(stripReplyFallback('> <@a:x> hi\n> more\n\nreply'), 'reply');
  assert.equal(stripReplyFallback('plain'), 'plain');
  assert.equal(stripReplyFallback('> only quote'), '');
});
