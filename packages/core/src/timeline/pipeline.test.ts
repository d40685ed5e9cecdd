/**
 * The shared timeline rules on plain JSON fixtures: grouping and day keys, the naming rule, message
 * content (the one message-type table, media, mentions, edits), and the plain-JSON builder that applies
 * them all. Pure: no SDK, no server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { continuesGroup, dayKey, dayOf, GROUPING_WINDOW_MS } from './grouping.ts';
import { memberRecords, NameRule } from './members.ts';
import { editFromBundle, isAttachmentType, isLater, mentionsUser, parseMessageContent } from './message-content.ts';
import { plainTimeline } from './plain-timeline.ts';
import type { MessageItem, NoticeItem, TimelineItem } from './timeline-types.ts';

const T0 = new Date(2026, 2, 14, 10, 0, 0).getTime();
const ANN = '@ann:example.org';
const BOB = '@bob:example.org';
const ME = '@me:example.org';

const messages = (items: readonly TimelineItem[]): MessageItem[] => items.filter((i): i is MessageItem => i.kind === 'message');

function text(id: string, sender: string, body: string, ts: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'm.room.message', event_id: id, sender, origin_server_ts: ts, content: { msgtype: 'm.text', body, ...extra } };
}

function joinEvent(id: string, userId: string, name: string | undefined, ts: number): Record<string, unknown> {
  return {
    type: 'm.room.member',
    state_key: userId,
    sender: userId,
    event_id: id,
    origin_server_ts: ts,
    content: { membership: 'join', ...(name !== undefined ? { displayname: name } : {}) },
  };
}

describe('grouping', () => {
  test('day keys and bounds follow local midnight', () => {
    const day = dayOf(new Date(2026, 0, 5, 23, 59).getTime());
    assert.equal(day.separator.key, 'day-2026-01-05');
    assert.equal(day.start, new Date(2026, 0, 5).getTime());
    assert.equal(day.end, new Date(2026, 0, 6).getTime());
    assert.equal(dayKey(new Date(2026, 10, 30)), 'day-2026-11-30');
  });

  test('a message continues the previous one from the same sender within the window only', () => {
    const previous = { sender: { userId: ANN }, timestamp: T0 };
    assert.equal(continuesGroup(previous, ANN, T0 + GROUPING_WINDOW_MS - 1), true);
    assert.equal(continuesGroup(previous, ANN, T0 + GROUPING_WINDOW_MS), false);
    assert.equal(continuesGroup(previous, BOB, T0 + 1), false);
    assert.equal(continuesGroup(previous, ANN, T0 - 1), false, 'out of order never continues');
    assert.equal(continuesGroup(undefined, ANN, T0), false, 'something else in between');
  });
});

describe('names', () => {
  test('shared, id-like and bidi names carry the user id; left members do not count as sharing', () => {
    const records = memberRecords([
      joinEvent('$1', ANN, 'Sam', T0),
      joinEvent('$2', BOB, 'sam', T0),
      { ...joinEvent('$3', '@c:x', 'Sam', T0), content: { membership: 'leave', displayname: 'Sam' } },
      joinEvent('$4', '@d:x', '@e:x', T0),
      joinEvent('$5', '@f:x', 'F\u202Eo', T0),
      { ...joinEvent('$6', '@g:x', 'G', T0), content: { membership: 'join', displayname: 'G', avatar_url: 'https://evil/x.png' } },
    ]);
    const rule = new NameRule(records.values());
    assert.equal(rule.shown(ANN, 'Sam'), `Sam (${ANN})`);
    assert.equal(rule.shown('@d:x', '@e:x'), '@e:x (@d:x)');
    assert.equal(rule.shown('@f:x', 'F\u202Eo'), 'Fo (@f:x)');
    assert.equal(rule.shown('@g:x', 'G'), 'G');
    assert.equal(rule.shown('@h:x', undefined), '@h:x');
    assert.equal(records.get('@g:x')?.avatarMxc, undefined, 'only mxc:// avatars');
  });
});

describe('message content', () => {
  test('the one message-type table: known kinds, unknown ones as text, malformed content refused', () => {
    assert.equal(parseMessageContent({ msgtype: 'm.emote', body: 'waves' }, false)?.msgtype, 'emote');
    assert.equal(parseMessageContent({ msgtype: 'org.example', body: 'x' }, false)?.msgtype, 'text');
    assert.equal(parseMessageContent({ msgtype: 'm.text', body: 42 }, false), undefined);
    assert.equal(parseMessageContent({ body: 'no type' }, false), undefined);
    assert.equal(isAttachmentType('m.video'), true);
    assert.equal(isAttachmentType('m.text'), false);
    assert.equal(isAttachmentType(undefined), false);
  });

  test('media only from mxc:// URLs; mentions by m.mentions or by a pill', () => {
    const image = parseMessageContent({ msgtype: 'm.image', body: 'cat.png', url: 'mxc://x/y', info: { w: 10, h: 20 } }, false);
    assert.deepEqual(image?.media, { mxc: 'mxc://x/y', name: 'cat.png', width: 10, height: 20 });
    assert.equal(parseMessageContent({ msgtype: 'm.image', body: 'c', url: 'https://evil/c.png' }, false)?.media, undefined);
    const listed = parseMessageContent({ msgtype: 'm.text', body: 'hi', 'm.mentions': { user_ids: [ME, 7] } }, false);
    assert.deepEqual(listed?.mentions, [ME]);
    assert.equal(mentionsUser(listed, ME), true);
    const pill = parseMessageContent(
      { msgtype: 'm.text', body: 'hi', format: 'org.matrix.custom.html', formatted_body: `<a href="https://matrix.to/#/${ME}">me</a>` },
      false,
    );
    assert.equal(pill && mentionsUser(pill, ME), true);
  });

  test('edits: bundled ones read safely, the latest (then the greatest id) wins', () => {
    const edit = editFromBundle({ event_id: '$e', sender: ANN, origin_server_ts: 5, content: { 'm.new_content': { body: 'x' } } });
    assert.deepEqual(edit, { eventId: '$e', sender: ANN, ts: 5, newContent: { body: 'x' } });
    assert.equal(editFromBundle({ event_id: '$e', sender: ANN, content: {} }), undefined);
    const later = { eventId: '$f', sender: ANN, ts: 5, newContent: {} };
    assert.equal(isLater(later, edit), true);
    assert.equal(isLater(edit, later), false);
  });
});

describe('plainTimeline', () => {
  test('a fixture discussion: set-up hidden, joins summed up, grouping, edits, replies, reactions, placeholders', () => {
    const create = { type: 'm.room.create', state_key: '', sender: ANN, event_id: '$create', origin_server_ts: T0, content: {} };
    const events = [
      create,
      joinEvent('$annjoin', ANN, 'Ann', T0 + 1),
      joinEvent('$bobjoin', BOB, 'Bob', T0 + 60_000),
      joinEvent('$mejoin', ME, 'Me', T0 + 61_000),
      text('$q', ANN, 'question?', T0 + 120_000),
      text('$q2', ANN, 'anyone?', T0 + 121_000),
      text('$a', BOB, `> <${ANN}> question?\n\nanswer`, T0 + 122_000, { 'm.relates_to': { 'm.in_reply_to': { event_id: '$q' } } }),
      {
        ...text('$edit', BOB, '* answer!', T0 + 123_000),
        content: {
          msgtype: 'm.text',
          body: '* answer!',
          'm.new_content': { msgtype: 'm.text', body: 'answer!' },
          'm.relates_to': { rel_type: 'm.replace', event_id: '$a' },
        },
      },
      {
        type: 'm.reaction',
        event_id: '$r',
        sender: ME,
        origin_server_ts: T0 + 124_000,
        content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$q', key: '👍' } },
      },
      { ...text('$img', ANN, 'cat.png', T0 + 125_000), content: { msgtype: 'm.image', body: 'cat.png', url: 'mxc://x/y' } },
      { ...text('$bad', ANN, 'x', T0 + 126_000), content: { msgtype: 'm.text' } },
      text('$mine', ME, 'thanks', T0 + 127_000),
    ];
    const items = plainTimeline(events, [], ME);
    assert.deepEqual(
      items.map((i) =>
        i.kind === 'message'
          ? i.body
          : i.kind === 'notice'
            ? `[${i.line?.kind ?? ''}]`
            : i.kind === 'placeholder'
              ? `[${i.reason}]`
              : i.key,
      ),
      ['day-2026-03-14', '[]', 'question?', 'anyone?', 'answer!', '[attachment-loading]', '[malformed]', 'thanks'],
    );
    const summary = items.find((i): i is NoticeItem => i.kind === 'notice')?.summary;
    assert.deepEqual(summary?.eventIds, ['$bobjoin', '$mejoin']);
    assert.deepEqual(summary.groups, [{ steps: [{ kind: 'joined', times: 1 }], names: ['Bob', 'Me'], guests: 0 }], 'Bob and Me joined');
    const [question, anyone, answer, thanks] = messages(items);
    assert.equal(question?.continuation, false);
    assert.equal(anyone?.continuation, true);
    assert.equal(answer?.edited, true);
    assert.deepEqual(answer.replyTo, { eventId: '$q', sender: question.sender, body: 'question?' });
    assert.deepEqual(
      question.reactions.map((r) => [r.key, r.count, r.senders]),
      [['👍', 1, ['Me']]],
    );
    assert.equal(thanks?.own, true);
    assert.equal(thanks.continuation, false, 'a placeholder ends the group');
  });

  test('items are keyed by event id; events without an id or timestamp and non-objects are skipped', () => {
    const items = plainTimeline([text('$x', ANN, 'hi', T0), { type: 'm.room.message', sender: ANN, content: {} }, null, 'junk'], [], ME);
    assert.deepEqual(
      items.map((i) => i.key),
      ['day-2026-03-14', '$x'],
    );
  });
});
