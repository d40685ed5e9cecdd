/**
 * The timeline a room model computes, against a real Synapse and the real engine in Node (sessions
 * live in memory here: Node has no IndexedDB), plus pure builds from js-sdk events made from plain
 * JSON for what a homeserver cannot produce on demand (past days, 10,000 events, a 1 MB body).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, MatrixEvent, NotificationCountType, PendingEventOrdering, Room } from 'matrix-js-sdk';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { sessionFor, signIn, signOut } from '../index.ts';
import { computeTimeline, guestItem, retryingItem, sanitiseName, stripReplyFallback, TimelineCache } from './timeline.ts';
import { decryptionState } from '../crypto/crypto.ts';
import { DecryptionFailureCode } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { DecryptionError, type CryptoBackend } from 'matrix-js-sdk/lib/common-crypto/CryptoBackend.js';
import type { MembershipGroup, MembershipStepKind, MessageItem, NoticeItem, NoticeLine, TimelineItem } from './timeline-types.ts';
import type { RoomHandle, RoomSnapshot } from '../types.ts';

const messages = (items: readonly TimelineItem[]): MessageItem[] => items.filter((i): i is MessageItem => i.kind === 'message');
const byBody = (items: readonly TimelineItem[], body: string): MessageItem | undefined => messages(items).find((m) => m.body === body);
/** The lines of notices that show one change (summaries aside). */
const notices = (items: readonly TimelineItem[]): NoticeLine[] => items.flatMap((i) => (i.kind === 'notice' && i.line ? [i.line] : []));
/** Each change a notice stands for: a summary's own lines, or the notice's line. */
const changeLines = (items: readonly TimelineItem[]): NoticeLine[] =>
  items
    .filter((i): i is NoticeItem => i.kind === 'notice')
    .flatMap((i): readonly NoticeLine[] => i.summary?.lines ?? (i.line ? [i.line] : []));
/** Whether `lines` hold one with these fields. */
const hasLine = (lines: readonly NoticeLine[], fields: Readonly<Record<string, unknown>>): boolean =>
  lines.some((line) =>
    Object.entries(fields).every(([k, v]) => JSON.stringify((line as unknown as Record<string, unknown>)[k]) === JSON.stringify(v)),
  );

/** Resolves with the first snapshot that satisfies `predicate`; fails with what was last seen. */
function until(handle: RoomHandle, predicate: (s: RoomSnapshot) => boolean, what: string, timeoutMs = 20_000): Promise<RoomSnapshot> {
  return new Promise((resolve, reject) => {
    let last = handle.snapshot;
    const check = (s: RoomSnapshot): boolean => {
      last = s;
      try {
        if (!predicate(s)) return false;
      } catch {
        return false;
      }
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
      return true;
    };
    const timer = setTimeout(() => {
      unsubscribe();
      const shown = last.items.map((i) =>
        i.kind === 'message'
          ? `${i.sender.displayName}: ${i.body.slice(0, 40)}`
          : i.kind === 'notice'
            ? `[notice] ${JSON.stringify(i.line ?? i.summary?.groups)}`
            : i.kind === 'placeholder'
              ? `[placeholder] ${i.reason}`
              : `[${i.kind}]`,
      );
      reject(new Error(`timed out waiting for ${what}; last snapshot (${last.status}):\n  ${shown.join('\n  ')}`));
    }, timeoutMs);
    const unsubscribe = handle.subscribe(check);
    check(handle.snapshot);
  });
}

// ---------------------------------------------------------------------------------------------
// Pure builds from js-sdk events

const ROOM = '!pure:example.org';
const ME = '@me:example.org';
let seq = 0;
function ev(json: {
  type: string;
  sender: string;
  content: Record<string, unknown>;
  ts: number;
  state_key?: string;
  id?: string;
}): MatrixEvent {
  const { id, ts, ...rest } = json;
  return new MatrixEvent({ ...rest, room_id: ROOM, event_id: id ?? `$e${++seq}`, origin_server_ts: ts });
}
function member(userId: string, displayname: string, ts: number): MatrixEvent {
  return ev({ type: 'm.room.member', sender: userId, state_key: userId, content: { membership: 'join', displayname }, ts });
}

/** A js-sdk room holding these members (their joins come first, just before the events) and events. */
async function pureRoom(events: MatrixEvent[], memberNames: [string, string][]): Promise<Room> {
  const client = createClient({ baseUrl: 'http://127.0.0.1:1', userId: ME });
  const room = new Room(ROOM, client, ME, { pendingEventOrdering: PendingEventOrdering.Detached });
  await room.addLiveEvents(
    memberNames.map(([id, name]) => member(id, name, (events[0]?.getTs() ?? 0) - 1000)),
    { addToState: true },
  );
  await room.addLiveEvents(events, { addToState: false });
  return room;
}

describe('timeline from events (pure)', () => {
  test('sanitised names and stripped reply fallbacks', () => {
    assert.equal(sanitiseName('\u202Eevil\u2066 name\u202C'), 'evil name');
    assert.equal(sanitiseName('z\u0301\u0302\u0303\u0304\u0305\u0306'), 'z\u0301\u0302\u0303');
    assert.equal(sanitiseName('x'.repeat(500)).length, 129);
    assert.equal(stripReplyFallback('> <@a:b> hi\n> there\n\nmy answer'), 'my answer');
    assert.equal(stripReplyFallback('no quote'), 'no quote');
    assert.equal(stripReplyFallback('> only a quote'), '');
  });

  test('a message that mentions the reader says so: by m.mentions, or by a pill from a client without it; never their own', async () => {
    const pill = `<a href="https://matrix.to/#/${ME}">Me</a>`;
    const text = (body: string, extra: Record<string, unknown> = {}) => ({ msgtype: 'm.text', body, ...extra });
    const html = { format: 'org.matrix.custom.html', formatted_body: `hi ${pill}` };
    const room = await pureRoom(
      [
        ev({
          id: '$listed',
          type: 'm.room.message',
          sender: '@a:x',
          content: text('hi Me', { 'm.mentions': { user_ids: [ME] } }),
          ts: 1000,
        }),
        ev({
          id: '$other',
          type: 'm.room.message',
          sender: '@a:x',
          content: text('hi B', { 'm.mentions': { user_ids: ['@b:x'] } }),
          ts: 2000,
        }),
        ev({ id: '$old', type: 'm.room.message', sender: '@a:x', content: text('hi Me', html), ts: 3000 }),
        // m.mentions is what the sender meant: a pill they chose not to ping with does not count.
        ev({ id: '$quiet', type: 'm.room.message', sender: '@a:x', content: text('hi Me', { ...html, 'm.mentions': {} }), ts: 4000 }),
        ev({ id: '$mine', type: 'm.room.message', sender: ME, content: text('hi Me', { 'm.mentions': { user_ids: [ME] } }), ts: 5000 }),
      ],
      [
        ['@a:x', 'A'],
        [ME, 'Me'],
      ],
    );
    const items = computeTimeline(room, ME, new TimelineCache()).items.filter((item) => item.kind === 'message');
    assert.deepEqual(
      items.map((item) => [item.eventId, item.mentionsMe === true]),
      [
        ['$listed', true],
        ['$other', false],
        ['$old', true],
        ['$quiet', false],
        ['$mine', false],
      ],
    );
  });

  test('day separators at local midnight, grouping within five minutes, edits, reactions, the read marker', async () => {
    const day1 = new Date(2024, 4, 1, 23, 50).getTime();
    const events = [
      ev({ id: '$a', type: 'm.room.message', sender: '@a:x', content: { msgtype: 'm.text', body: 'one' }, ts: day1 }),
      ev({ id: '$b', type: 'm.room.message', sender: '@a:x', content: { msgtype: 'm.text', body: 'two' }, ts: day1 + 60_000 }),
      ev({ id: '$c', type: 'm.room.message', sender: '@a:x', content: { msgtype: 'm.text', body: 'three' }, ts: day1 + 20 * 60_000 }),
      ev({ id: '$d', type: 'm.room.message', sender: '@a:x', content: { msgtype: 'm.text', body: 'four' }, ts: day1 + 21 * 60_000 }),
      ev({ id: '$e', type: 'm.room.message', sender: '@b:x', content: { msgtype: 'm.text', body: 'five' }, ts: day1 + 22 * 60_000 }),
      ev({
        id: '$edit1',
        type: 'm.room.message',
        sender: '@a:x',
        content: {
          msgtype: 'm.text',
          body: '* one!',
          'm.new_content': { msgtype: 'm.text', body: 'one!' },
          'm.relates_to': { rel_type: 'm.replace', event_id: '$a' },
        },
        ts: day1 + 23 * 60_000,
      }),
      ev({
        id: '$edit2',
        type: 'm.room.message',
        sender: '@b:x',
        content: {
          msgtype: 'm.text',
          body: '* hijack',
          'm.new_content': { msgtype: 'm.text', body: 'hijack' },
          'm.relates_to': { rel_type: 'm.replace', event_id: '$a' },
        },
        ts: day1 + 24 * 60_000,
      }),
      ev({
        id: '$edit3',
        type: 'm.room.message',
        sender: '@a:x',
        content: {
          msgtype: 'm.text',
          body: '* bad',
          'm.new_content': { body: 42 },
          'm.relates_to': { rel_type: 'm.replace', event_id: '$a' },
        },
        ts: day1 + 25 * 60_000,
      }),
      ev({
        type: 'm.reaction',
        sender: '@b:x',
        content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$a', key: '__proto__' } },
        ts: day1 + 26 * 60_000,
      }),
      ev({
        id: '$r2',
        type: 'm.reaction',
        sender: ME,
        content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$a', key: '__proto__' } },
        ts: day1 + 26 * 60_000,
      }),
      ev({
        type: 'm.reaction',
        sender: ME,
        content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$a', key: '__proto__' } },
        ts: day1 + 26 * 60_000,
      }),
      ev({
        type: 'm.reaction',
        sender: '@b:x',
        content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$a', key: 'constructor' } },
        ts: day1 + 26 * 60_000,
      }),
      ev({ type: 'com.example.unknown', sender: '@b:x', content: { body: 'invisible' }, ts: day1 + 27 * 60_000 }),
      ev({
        id: '__proto__',
        type: 'm.room.message',
        sender: '@b:x',
        content: { msgtype: 'm.text', body: 'proto id' },
        ts: day1 + 28 * 60_000,
      }),
    ];
    const room = await pureRoom(events, [
      ['@a:x', 'Ann'],
      ['@b:x', 'Ann'],
    ]);
    room.addAccountData([new MatrixEvent({ type: 'm.fully_read', content: { event_id: '$c' } })]);
    const { items, unreadCount } = computeTimeline(room, ME, new TimelineCache());
    const kinds = items.map((i) => (i.kind === 'message' ? i.body : i.kind));
    assert.deepEqual(kinds, ['day', 'notice', 'one!', 'two', 'day', 'three', 'read-marker', 'four', 'five', 'proto id']);
    assert.deepEqual(
      (items[1] as NoticeItem).summary?.groups,
      [{ steps: [{ kind: 'joined', times: 1 }], names: ['Ann (@a:x)', 'Ann (@b:x)'], guests: 0 }],
      'consecutive joins are one line: one group of both',
    );
    const days = items.filter((i) => i.kind === 'day');
    assert.equal(days[1]?.timestamp, new Date(2024, 4, 2).getTime(), 'a separator at local midnight');
    const [one, two, three, four, five] = messages(items) as (MessageItem | undefined)[];
    assert.equal(one?.edited, true, 'the latest valid edit by the sender wins; others and malformed ones are ignored');
    assert.equal(one.continuation, false, 'a notice breaks the group');
    assert.equal(two?.continuation, true);
    assert.equal(three?.continuation, false, 'a day separator breaks the group');
    assert.equal(four?.continuation, false, 'the read marker breaks the group');
    assert.equal(five?.continuation, false);
    assert.equal(one.sender.displayName, 'Ann (@a:x)', 'shared names are disambiguated');
    assert.deepEqual(
      one.reactions.map((r) => [r.key, r.count, r.ownEventId]),
      [
        ['__proto__', 2, '$r2'],
        ['constructor', 1, undefined],
      ],
    );
    assert.equal(unreadCount, 3, 'four, five and the message with a hostile id');
  });

  test('with no read marker yet, what others wrote since the member joined or last wrote is unread', async () => {
    const t = Date.UTC(2024, 4, 1, 12);
    const text = (sender: string, body: string, minute: number): MatrixEvent =>
      ev({ type: 'm.room.message', sender, content: { msgtype: 'm.text', body }, ts: t + minute * 60_000 });
    const before = text('@b:x', 'before I came', 1);
    const joined = member(ME, 'Me', t + 2 * 60_000);
    const afterJoin = [text('@b:x', 'welcome', 3), text('@a:x', 'hello', 4)];
    const room = await pureRoom(
      [before, joined, ...afterJoin],
      [
        ['@a:x', 'Ann'],
        ['@b:x', 'Bob'],
      ],
    );
    // Simplified sliding sync sends a notification count of 0: the loaded window has to count.
    assert.equal(computeTimeline(room, ME, new TimelineCache()).unreadCount, 2, 'the two messages since the join');
    await room.addLiveEvents([text(ME, 'thanks!', 5), text('@b:x', 'news', 6)], { addToState: false });
    assert.equal(computeTimeline(room, ME, new TimelineCache()).unreadCount, 1, 'only what came after my own message');
    room.setUnreadNotificationCount(NotificationCountType.Total, 7);
    assert.equal(computeTimeline(room, ME, new TimelineCache()).unreadCount, 7, "the server's count reaches past the window");
  });

  test('10,000 events rebuild in a few milliseconds; a 1 MB body renders', async () => {
    const senders = ['@a:x', '@b:x', '@c:x', '@d:x', '@e:x'];
    const start = new Date(2024, 0, 1).getTime();
    const events: MatrixEvent[] = [];
    for (let i = 0; i < 10_000; i++) {
      const sender = senders[i % 7 === 0 ? (i >> 3) % senders.length : (i >> 4) % senders.length] ?? '@a:x';
      const ts = start + i * 90_000;
      if (i % 10 === 9) {
        events.push(
          ev({
            type: 'm.reaction',
            sender,
            content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: `$m${i - 3}`, key: i % 20 === 9 ? '👍' : '🎉' } },
            ts,
          }),
        );
      } else if (i % 50 === 11) {
        events.push(
          ev({
            type: 'm.room.message',
            sender: events[i - 3]?.getSender() ?? sender,
            content: {
              msgtype: 'm.text',
              body: '* edited',
              'm.new_content': { msgtype: 'm.text', body: `edited ${i}` },
              'm.relates_to': { rel_type: 'm.replace', event_id: `$m${i - 3}` },
            },
            ts,
          }),
        );
      } else if (i % 13 === 5) {
        events.push(
          ev({
            id: `$m${i}`,
            type: 'm.room.message',
            sender,
            content: {
              msgtype: 'm.text',
              body: `> <@a:x> quoted\n\nreply ${i}`,
              'm.relates_to': { 'm.in_reply_to': { event_id: `$m${i - 4}` } },
            },
            ts,
          }),
        );
      } else {
        events.push(
          ev({
            id: `$m${i}`,
            type: 'm.room.message',
            sender,
            content: { msgtype: 'm.text', body: `message ${i}`, format: 'org.matrix.custom.html', formatted_body: `<b>message</b> ${i}` },
            ts,
          }),
        );
      }
    }
    const room = await pureRoom(
      events,
      senders.map((s, i) => [s, i < 2 ? 'Same' : `Member ${i}`]),
    );
    room.addAccountData([new MatrixEvent({ type: 'm.fully_read', content: { event_id: '$m9000' } })]);
    const cache = new TimelineCache();
    let t = performance.now();
    const cold = computeTimeline(room, ME, cache);
    const coldMs = performance.now() - t;
    const runs: number[] = [];
    let result = cold;
    for (let r = 0; r < 25; r++) {
      t = performance.now();
      result = computeTimeline(room, ME, cache);
      runs.push(performance.now() - t);
    }
    runs.sort((a, b) => a - b);
    const median = runs[runs.length >> 1] ?? Infinity;
    const best = runs[0] ?? Infinity;
    console.log(
      `timeline rebuild, 10,000 events → ${result.items.length} items: cold ${coldMs.toFixed(1)} ms, warm best ${best.toFixed(1)} ms, median ${median.toFixed(1)} ms, max ${(runs.at(-1) ?? 0).toFixed(1)} ms`,
    );
    // A rebuild reuses what has not changed, so it costs a fraction of the first build. Both are timed on the same
    // machine at the same moment, so how busy it is cancels out (a fixed limit in ms failed on a loaded machine).
    assert.ok(
      best < coldMs / 2,
      `a rebuild took ${best.toFixed(1)} ms at best (median ${median.toFixed(1)} ms), not under half the first build's ${coldMs.toFixed(1)} ms`,
    );
    assert.equal(result.items[5], cold.items[5], 'unchanged items are the same objects from one build to the next');
    const msgs = messages(result.items);
    assert.ok(msgs.length > 7000);
    assert.ok(msgs.some((m) => m.edited && m.body.startsWith('edited ')));
    const reply = msgs.find((m) => m.replyTo);
    assert.ok(reply?.body.startsWith('reply '), 'the reply fallback is stripped');
    assert.ok(reply?.replyTo?.sender && reply.replyTo.body !== undefined, 'the original of a reply is previewed');
    assert.ok(msgs.some((m) => m.reactions.length > 0));
    assert.ok(result.items.some((i) => i.kind === 'read-marker'));
    assert.ok(result.items.filter((i) => i.kind === 'day').length >= 10);
    for (let i = 1; i < result.items.length; i++) {
      const prev = result.items[i - 1];
      const item = result.items[i];
      if (item?.kind === 'message' && item.continuation) {
        assert.ok(prev?.kind === 'message' && prev.sender.userId === item.sender.userId && item.timestamp - prev.timestamp < 300_000);
      }
    }

    // A 1 MB body, a few hostile bodies and ids.
    const big = 'x'.repeat(1024 * 1024);
    const hostile = await pureRoom(
      [
        ev({ id: '$big', type: 'm.room.message', sender: '@a:x', content: { msgtype: 'm.text', body: big }, ts: start }),
        ev({ id: '$num', type: 'm.room.message', sender: '@a:x', content: { msgtype: 'm.text', body: 42 }, ts: start }),
        ev({
          id: '$arr',
          type: 'm.room.message',
          sender: '@a:x',
          content: { msgtype: ['m.text'], body: 'x', 'm.relates_to': 'nope' },
          ts: start,
        }),
        ev({ id: 'constructor', type: 'm.room.member', sender: '@a:x', state_key: '@a:x', content: { membership: 7 }, ts: start }),
      ],
      [['@a:x', 'A']],
    );
    t = performance.now();
    const built = computeTimeline(hostile, ME, new TimelineCache());
    const bigMs = performance.now() - t;
    console.log(`timeline rebuild with a 1 MB body: ${bigMs.toFixed(1)} ms`);
    assert.ok(bigMs < 200);
    assert.equal(byBody(built.items, big)?.body.length, big.length);
    assert.deepEqual(
      built.items.filter((i) => i.kind === 'placeholder').map((i) => ('eventId' in i ? i.eventId : '')),
      ['$num', '$arr', 'constructor'],
    );
  });
});

describe('encrypted messages that cannot be read (pure)', () => {
  /**
   * Drives js-sdk's own decryption loop (`MatrixEvent.attemptDecryption`) with a backend that answers
   * as the Rust one does: the clear event, or a `DecryptionError` with its failure code. Holding an
   * answer back keeps the event in its "being decrypted" state.
   */
  class Decryptor {
    answer: DecryptionFailureCode | Record<string, unknown> | 'hold' = DecryptionFailureCode.MEGOLM_UNKNOWN_INBOUND_SESSION_ID;
    release: (() => void) | undefined;
    decryptEvent(event: MatrixEvent): Promise<{ clearEvent: Record<string, unknown> }> {
      const answer = this.answer;
      if (answer === 'hold')
        return new Promise(
          (resolve) =>
            (this.release = () =>
              resolve({ clearEvent: { type: 'm.room.message', room_id: ROOM, content: { msgtype: 'm.text', body: 'held' } } })),
        );
      if (typeof answer === 'string') return Promise.reject(new DecryptionError(answer, `failed: ${answer} ${event.getId() ?? ''}`));
      return Promise.resolve({ clearEvent: { type: 'm.room.message', room_id: ROOM, content: answer } });
    }
  }
  const backend = (d: Decryptor): CryptoBackend => d as unknown as CryptoBackend;

  function encrypted(id: string, sender: string, ts: number, relation?: Record<string, unknown>): MatrixEvent {
    return ev({
      id,
      type: 'm.room.encrypted',
      sender,
      content: {
        algorithm: 'm.megolm.v1.aes-sha2',
        ciphertext: 'AwgAEnAcipher',
        session_id: 'session',
        sender_key: 'key',
        device_id: 'DEVICE',
        ...(relation ? { 'm.relates_to': relation } : {}),
      },
      ts,
    });
  }

  const CASES: [DecryptionFailureCode, 'waiting' | 'failed', string][] = [
    [DecryptionFailureCode.MEGOLM_UNKNOWN_INBOUND_SESSION_ID, 'waiting', 'keys-not-received'],
    [DecryptionFailureCode.HISTORICAL_MESSAGE_NO_KEY_BACKUP, 'waiting', 'sent-before-sign-in'],
    [DecryptionFailureCode.HISTORICAL_MESSAGE_BACKUP_UNCONFIGURED, 'waiting', 'backup-locked'],
    [DecryptionFailureCode.HISTORICAL_MESSAGE_WORKING_BACKUP, 'waiting', 'backup-searching'],
    [DecryptionFailureCode.MEGOLM_KEY_WITHHELD_FOR_UNVERIFIED_DEVICE, 'failed', 'withheld-unverified'],
    [DecryptionFailureCode.MEGOLM_KEY_WITHHELD, 'failed', 'withheld'],
    [DecryptionFailureCode.OLM_UNKNOWN_MESSAGE_INDEX, 'failed', 'unknown-index'],
    [DecryptionFailureCode.HISTORICAL_MESSAGE_USER_NOT_JOINED, 'failed', 'sent-before-joining'],
    [DecryptionFailureCode.UNKNOWN_SENDER_DEVICE, 'failed', 'untrusted-sender'],
    [DecryptionFailureCode.UNKNOWN_ERROR, 'failed', 'other'],
  ];

  test("each failure becomes a message from its sender saying where it stands, never js-sdk's m.bad.encrypted text", async () => {
    const start = new Date(2024, 4, 1, 12).getTime();
    const events = CASES.map((_case, i) => encrypted(`$x${i}`, '@bob:x', start + i * 1000));
    const room = await pureRoom(events, [['@bob:x', 'Bob']]);
    const decryptor = new Decryptor();
    for (const [i, [code]] of CASES.entries()) {
      decryptor.answer = code;
      await events[i]?.attemptDecryption(backend(decryptor));
      assert.equal(events[i]?.isDecryptionFailure(), true, code);
      assert.match(events[i].getContent()['body'] as string, /Unable to decrypt/u, 'js-sdk put its own text in the clear content');
    }
    const { items } = computeTimeline(room, ME, new TimelineCache());
    const shown = messages(items);
    assert.equal(shown.length, CASES.length);
    for (const [i, [code, state, reason]] of CASES.entries()) {
      const item = shown[i];
      assert.deepEqual(item?.undecryptable, { state, reason }, code);
      assert.equal(item.sender.displayName, 'Bob');
      assert.equal(item.eventId, `$x${i}`);
      assert.equal(item.timestamp, start + i * 1000);
      assert.equal(item.body, '', 'no content and no words: the elements word the state');
      assert.equal(item.formattedBody, undefined);
      assert.equal(decryptionState(events[i] as MatrixEvent), state === 'waiting' ? 'waiting-for-keys' : 'failed');
    }
    assert.doesNotMatch(
      JSON.stringify(items),
      /\*\* Unable to decrypt|m\.bad\.encrypted|failed: /u,
      'no js-sdk text anywhere in the items',
    );
  });

  test('not attempted yet, then decrypting, then readable: the same key throughout, and unchanged builds reuse the item', async () => {
    const start = new Date(2024, 4, 1, 12).getTime();
    const event = encrypted('$late', '@bob:x', start);
    const room = await pureRoom([event], [['@bob:x', 'Bob']]);
    const cache = new TimelineCache();
    const before = messages(computeTimeline(room, ME, cache).items)[0];
    assert.deepEqual(before?.undecryptable, { state: 'waiting', reason: 'encryption-not-started' });
    assert.equal(decryptionState(event), 'waiting-for-keys');
    assert.equal(messages(computeTimeline(room, ME, cache).items)[0], before, 'nothing changed: the very same item');
    const retrying = retryingItem(before);
    assert.deepEqual(
      [retrying.body, retrying.undecryptable, retrying.key],
      ['', { state: 'decrypting', reason: 'decrypting' }, before.key],
    );

    const asGuest = guestItem(before);
    assert.deepEqual([asGuest.body, asGuest.undecryptable, asGuest.key], ['', { state: 'failed', reason: 'sign-in-required' }, before.key]);
    assert.equal(guestItem(before), asGuest, "a guest's unchanged message keeps its item");

    const decryptor = new Decryptor();
    decryptor.answer = 'hold';
    const attempt = event.attemptDecryption(backend(decryptor));
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const during = messages(computeTimeline(room, ME, cache).items)[0];
    assert.deepEqual(during?.undecryptable, { state: 'decrypting', reason: 'decrypting' });
    assert.equal(during.body, '');
    assert.equal(decryptionState(event), 'decrypting');
    decryptor.release?.();
    await attempt;
    const after = messages(computeTimeline(room, ME, cache).items)[0];
    assert.equal(after?.body, 'held', 'decrypted by the held attempt');
    assert.equal(after.key, before.key, 'one key from start to end: the tile fills in where it is');
    assert.equal(after.undecryptable, undefined);
  });

  test('a failed message fills in when the keys arrive, under the same key; edits and reactions that cannot be read are not tiles', async () => {
    const start = new Date(2024, 4, 1, 12).getTime();
    const message = encrypted('$m', '@bob:x', start);
    const edit = encrypted('$edit', '@bob:x', start + 1000, { rel_type: 'm.replace', event_id: '$m' });
    const reaction = encrypted('$react', '@carol:x', start + 2000, { rel_type: 'm.annotation', event_id: '$m', key: '👍' });
    const reply = ev({
      id: '$reply',
      type: 'm.room.message',
      sender: '@carol:x',
      content: { msgtype: 'm.text', body: 'what did you say?', 'm.relates_to': { 'm.in_reply_to': { event_id: '$m' } } },
      ts: start + 3000,
    });
    const room = await pureRoom(
      [message, edit, reaction, reply],
      [
        ['@bob:x', 'Bob'],
        ['@carol:x', 'Carol'],
      ],
    );
    const decryptor = new Decryptor();
    for (const e of [message, edit, reaction]) await e.attemptDecryption(backend(decryptor));
    const cache = new TimelineCache();
    const first = messages(computeTimeline(room, ME, cache).items);
    assert.deepEqual(
      first.map((m) => [m.body, m.undecryptable?.state]),
      [
        ['', 'waiting'],
        ['what did you say?', undefined],
      ],
      'the unreadable edit and reaction make no tile of their own',
    );
    const waitingKey = first[0]?.key;
    assert.equal(first[1]?.replyTo?.sender?.displayName, 'Bob', 'a reply to it names its sender');
    assert.equal(first[1].replyTo.body, undefined, 'and quotes nothing');

    decryptor.answer = { msgtype: 'm.text', body: 'the secret' };
    await message.attemptDecryption(backend(decryptor), { isRetry: true });
    const after = messages(computeTimeline(room, ME, cache).items);
    const filled = after[0];
    assert.ok(filled);
    assert.equal(filled.key, waitingKey, 'the tile keeps its key and fills in where it is');
    assert.equal(filled.body, 'the secret');
    assert.equal(filled.undecryptable, undefined);
    assert.equal(retryingItem(filled), filled, 'a readable message is never shown as decrypting');
    assert.equal(after[1]?.replyTo?.body, 'the secret');
    assert.equal(decryptionState(message), 'decrypted');
    assert.equal(decryptionState(reply), 'plain');
  });
});

// ---------------------------------------------------------------------------------------------
// Against a real Synapse and the real engine

describe('timeline from a real homeserver', () => {
  let hs: Homeserver;
  let alice: Peer;
  let aliceElsewhere: Peer;
  let bob: Peer;
  let carol: Peer;
  const held: RoomHandle[] = [];

  before(async () => {
    hs = await startSynapse();
    [alice, bob, carol] = await Promise.all([
      hs.registerUser({ displayName: 'Alice' }),
      hs.registerUser({ displayName: 'Bob' }),
      hs.registerUser({ displayName: 'Bob' }),
    ]);
    // Alice on another device: her own reactions and read marker, set the way another client would.
    aliceElsewhere = alice;
    await signIn({ homeserver: hs.baseUrl, username: alice.username, password: alice.password });
  });

  after(async () => {
    for (const handle of held) handle.release();
    await signOut(hs.baseUrl).catch(() => undefined);
    await hs.stop();
  });

  function open(alias: string): RoomHandle {
    const session = sessionFor(hs.baseUrl);
    assert.ok(session);
    const handle = session.openRoom(alias);
    held.push(handle);
    return handle;
  }

  async function room(alias: string, options: { topic?: string } = {}): Promise<string> {
    const { roomId } = await bob.createRoom({ alias, name: alias, preset: 'public_chat', visibility: 'public', ...options });
    await carol.joinRoom(roomId);
    return roomId;
  }
  const aliasOf = (name: string): string => `#${name}:${bob.serverName}`;

  test('messages, grouping, shared names, edits, replies, deletions, reactions, receipts, the read marker, typing', async () => {
    const roomId = await room('conversation', { topic: 'Talk about <b>things</b>' });
    const m1 = await bob.sendMessage(roomId, 'first from bob');
    await bob.sendMessage(roomId, 'second from bob');
    const m3 = await carol.sendMessage(roomId, 'carol says hi');
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: '* first from bob (fixed)',
      'm.new_content': { msgtype: 'm.text', body: 'first from bob (fixed)' },
      'm.relates_to': { rel_type: 'm.replace', event_id: m1 },
    });
    await carol.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: '* hijacked',
      'm.new_content': { msgtype: 'm.text', body: 'hijacked' },
      'm.relates_to': { rel_type: 'm.replace', event_id: m1 },
    });
    await carol.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: '> <@bob> first from bob\n\nindeed',
      format: 'org.matrix.custom.html',
      formatted_body: '<mx-reply><blockquote>first from bob</blockquote></mx-reply>indeed',
      'm.relates_to': { 'm.in_reply_to': { event_id: m1 } },
    });
    await bob.sendEvent(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: m1, key: '👍' } });
    await carol.sendEvent(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: m1, key: '👍' } });
    const gone = await carol.sendEvent(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: m1, key: '🎉' } });
    await carol.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(gone)}/r1`, {});
    const doomed = await carol.sendMessage(roomId, 'regrettable');
    await carol.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(doomed)}/r2`, {});
    await bob.sendEvent(roomId, 'com.example.unknown', { body: 'never shown' });

    const handle = open(aliasOf('conversation'));
    let s = await until(handle, (x) => x.status === 'ready' && messages(x.items).some((m) => m.redacted), 'the conversation');
    const [first, second, third, reply, deleted] = messages(s.items) as (MessageItem | undefined)[];
    assert.equal(first?.body, 'first from bob (fixed)');
    assert.equal(first.edited, true);
    assert.equal(messages(s.items).filter((m) => m.body.includes('hijacked')).length, 0, "someone else's edit is ignored and not shown");
    assert.equal(second?.body, 'second from bob');
    assert.equal(second.continuation, true, 'same sender, within five minutes');
    assert.equal(third?.continuation, false);
    assert.equal(first.sender.displayName, `Bob (${bob.userId})`, 'two members named Bob are told apart by id');
    assert.equal(third.sender.displayName, `Bob (${carol.userId})`);
    assert.equal(reply?.body, 'indeed', 'the reply fallback is stripped from body');
    assert.equal(reply.replyTo?.eventId, m1);
    assert.equal(reply.replyTo.sender?.userId, bob.userId);
    assert.equal(reply.replyTo.body, 'first from bob (fixed)', 'the preview shows the latest version');
    assert.deepEqual(
      first.reactions.map((r) => [r.key, r.count]),
      [['👍', 2]],
      'redacted reactions are excluded',
    );
    assert.equal(deleted?.redacted, true);
    assert.equal(deleted.body, '');
    assert.ok(!s.items.some((i) => i.kind === 'message' && i.body === 'never shown'));
    assert.equal(s.canSend, true);
    s = await until(handle, (x) => x.topic === 'Talk about <b>things</b>', 'the topic');
    const keys = s.items.map((i) => i.key);
    assert.equal(new Set(keys).size, keys.length, 'keys are unique');

    // Alice reacts from another device: her reaction is hers to toggle.
    const own = await aliceElsewhere.sendEvent(roomId, 'm.reaction', {
      'm.relates_to': { rel_type: 'm.annotation', event_id: m1, key: '👍' },
    });
    s = await until(handle, (x) => messages(x.items)[0]?.reactions[0]?.count === 3, 'alice reaction');
    assert.equal(messages(s.items)[0]?.reactions[0]?.ownEventId, own);
    assert.ok(messages(s.items)[0]?.reactions[0]?.senders.includes('Alice'));

    // Read receipts: Bob read up to Carol's message; Carol's own latest event counts as read by her.
    await bob.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/receipt/m.read/${encodeURIComponent(m3)}`, {});
    s = await until(
      handle,
      (x) =>
        messages(x.items)
          .find((m) => m.eventId === m3)
          ?.readBy.some((r) => r.userId === bob.userId) === true,
      "Bob's receipt",
    );
    assert.ok(!messages(s.items).some((m) => m.readBy.some((r) => r.userId === alice.userId)), "the member's own receipt is not shown");
    const readers = messages(s.items).flatMap((m) => m.readBy.map((r) => r.userId));
    assert.equal(readers.filter((r) => r === bob.userId).length, 1, 'one receipt per member');

    // The read marker: Alice read up to Carol's message elsewhere, then Bob writes twice.
    await aliceElsewhere.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/read_markers`, { 'm.fully_read': m3 });
    await bob.sendMessage(roomId, 'new one');
    const last = await bob.sendMessage(roomId, 'new two');
    s = await until(
      handle,
      (x) => messages(x.items).some((m) => m.eventId === last) && x.items.some((i) => i.kind === 'read-marker'),
      'the read marker',
    );
    assert.equal(s.unreadCount, 3, "Carol's reply and Bob's two new messages (the deleted one does not count)");
    const markerAt = s.items.findIndex((i) => i.kind === 'read-marker');
    const before = s.items[markerAt - 1];
    assert.ok(before?.kind === 'message' && before.eventId === m3, 'the marker sits after the fully-read message');
    handle.markRead(last);
    s = await until(handle, (x) => x.unreadCount === 0 && !x.items.some((i) => i.kind === 'read-marker'), 'marked read');

    // Typing.
    await bob.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/typing/${encodeURIComponent(bob.userId)}`, {
      typing: true,
      timeout: 10_000,
    });
    s = await until(handle, (x) => x.typing.some((m) => m.userId === bob.userId), 'Bob typing');
    assert.ok(!s.typing.some((m) => m.userId === alice.userId));
    await bob.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/typing/${encodeURIComponent(bob.userId)}`, {
      typing: false,
    });
    await until(handle, (x) => x.typing.length === 0, 'Bob stopped typing');

    // Search for mentions: disambiguated names.
    const found = await handle.searchMembers('bob');
    assert.deepEqual(found.map((m) => m.userId).sort(), [bob.userId, carol.userId].sort());
  });

  test('membership and room changes as readable lines; hostile names neutralised', async () => {
    const roomId = await room('changes');
    const [dave, eve, mallory] = await Promise.all([
      hs.registerUser({ displayName: 'Dave' }),
      hs.registerUser({ displayName: `@${bob.username}:${bob.serverName}` }),
      hs.registerUser({ displayName: '\u202Egnp.exe\u202C Mallory' }),
    ]);
    const handle = open(aliasOf('changes'));
    await until(handle, (x) => x.status === 'ready', 'the room');
    await bob.sendState(roomId, 'm.room.name', '', { name: 'Changed' });
    await bob.sendState(roomId, 'm.room.topic', '', { topic: 'New topic' });
    await bob.sendState(roomId, 'm.room.avatar', '', { url: 'mxc://example.org/abc' });
    await bob.invite(roomId, dave.userId);
    await dave.joinRoom(roomId);
    await eve.joinRoom(roomId);
    await mallory.joinRoom(roomId);
    await mallory.sendMessage(roomId, 'trust me');
    await eve.sendMessage(roomId, 'i am bob');
    await bob.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/kick`, { user_id: dave.userId, reason: 'spam' });
    await bob.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/ban`, { user_id: eve.userId });
    await carol.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/leave`, {});
    const levels = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`);
    await bob.sendState(roomId, 'm.room.power_levels', '', { ...levels, users: { ...(levels['users'] as object), [mallory.userId]: 50 } });
    await bob.sendState(roomId, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
    const s = await until(handle, (x) => hasLine(notices(x.items), { kind: 'encryption-enabled' }), 'the changes');
    const bobName = (t: string): string => t.replaceAll(` (${bob.userId})`, '').replaceAll(` (${carol.userId})`, '');
    // Bob's and Carol's names are disambiguated by their ids (Eve calls herself Bob): compared without them.
    const lines = changeLines(s.items).map((line) => JSON.parse(bobName(JSON.stringify(line))) as NoticeLine);
    const expected = [
      { kind: 'room-renamed', actor: 'Bob', name: 'Changed' },
      { kind: 'topic-changed', actor: 'Bob', topic: 'New topic' },
      { kind: 'room-avatar-changed', actor: 'Bob' },
      { kind: 'invited', member: 'Dave', actor: 'Bob' },
      { kind: 'joined', member: 'Dave' },
      { kind: 'removed', member: 'Dave', actor: 'Bob', reason: 'spam' },
      { kind: 'left', member: 'Bob' },
      { kind: 'encryption-enabled', actor: 'Bob' },
    ];
    for (const line of expected) assert.ok(hasLine(lines, line), `${JSON.stringify(line)} in:\n${JSON.stringify(lines, null, 1)}`);
    assert.ok(
      changeLines(s.items).some((l) => l.kind === 'banned' && l.member?.includes(eve.userId) === true),
      'a ban names who was banned',
    );
    const mallName = `gnp.exe Mallory (${mallory.userId})`;
    assert.ok(
      hasLine(lines, {
        kind: 'power-levels-changed',
        changes: [{ member: mallName, from: { role: 'default', level: 0 }, to: { role: 'moderator', level: 50 } }],
      }),
      JSON.stringify(lines),
    );
    const msgs = messages(s.items);
    const fromEve = msgs.find((m) => m.body === 'i am bob');
    assert.equal(
      fromEve?.sender.displayName,
      `@${bob.username}:${bob.serverName} (${eve.userId})`,
      'a name that looks like a user id shows the real id',
    );
    const fromMallory = msgs.find((m) => m.body === 'trust me');
    assert.equal(fromMallory?.sender.displayName, mallName, 'bidi overrides are removed and the id shown');
    assert.ok(s.items.every((i) => i.kind !== 'message' || !/[\u202A-\u202E\u2066-\u2069]/u.test(i.sender.displayName)));

    // Consecutive membership changes are one line each run; the room's set-up by Bob is not shown.
    const summaries = s.items
      .filter((i): i is NoticeItem => i.kind === 'notice' && i.summary !== undefined)
      .map((i) => i.summary?.groups.map((g) => ({ ...g, names: g.names.map(bobName) })));
    const eveName = `@${bob.username}:${bob.serverName} (${eve.userId})`;
    const group = (kind: MembershipStepKind, ...names: string[]): MembershipGroup => ({ steps: [{ kind, times: 1 }], names, guests: 0 });
    assert.deepEqual(summaries.slice(-2), [
      [group('invited-and-joined', 'Dave'), group('joined', eveName, mallName)],
      [group('removed', 'Dave'), group('banned', eveName), group('left', 'Bob')],
    ]);
    const shown = notices(s.items);
    assert.ok(
      !shown.some(
        (l) => l.kind === 'room-made-public' || (l.kind === 'power-levels-changed' && l.changes.some((c) => c.from.role === 'admin')),
      ),
      JSON.stringify(shown),
    );
  });

  test('malformed and unknown events become placeholders or nothing, never a crash', async () => {
    const roomId = await room('malformed');
    // Synapse refuses some malformed content outright; whatever it stores must render as a placeholder.
    const hostile: Record<string, unknown>[] = [
      { msgtype: 'm.text', body: 42 },
      { msgtype: 'm.text' },
      JSON.parse('{"__proto__": {"polluted": true}, "msgtype": "m.text"}') as Record<string, unknown>,
      { msgtype: ['m.text'], body: 'array msgtype' },
      { body: 'no msgtype' },
    ];
    let stored = 0;
    for (const content of hostile) {
      stored += await bob.sendEvent(roomId, 'm.room.message', content).then(
        () => 1,
        (error: unknown) => {
          assert.match(String(error), /400/u);
          return 0;
        },
      );
    }
    // Synapse 1.163 refuses all of these (400); the pure tests above cover them as placeholders.
    console.log(`Synapse stored ${stored} of ${hostile.length} malformed messages`);
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.image', body: 'pic.png', url: 'https://evil.example/x.png' });
    const target = await bob.sendMessage(roomId, 'target');
    for (const key of ['__proto__', 'constructor', 'hasOwnProperty']) {
      await carol.sendEvent(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: target, key } });
    }
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'ok', 'm.relates_to': { 'm.in_reply_to': '__proto__' } });
    await bob.sendEvent(roomId, 'org.example.custom', { whatever: [1, 2, 3] });
    await bob.sendMessage(roomId, 'after the storm');
    const handle = open(aliasOf('malformed'));
    const s = await until(handle, (x) => x.status === 'ready' && messages(x.items).some((m) => m.body === 'after the storm'), 'the room');
    assert.equal(s.items.filter((i) => i.kind === 'placeholder').length, stored);
    const image = messages(s.items).find((m) => m.body === 'pic.png');
    assert.equal(image?.media, undefined, 'only mxc:// media is kept');
    assert.equal(messages(s.items).find((m) => m.body === 'ok')?.replyTo, undefined);
    assert.deepEqual(
      messages(s.items)
        .find((m) => m.body === 'target')
        ?.reactions.map((r) => [r.key, r.count]),
      [
        ['__proto__', 1],
        ['constructor', 1],
        ['hasOwnProperty', 1],
      ],
      'reaction keys that name Object.prototype members are plain keys',
    );
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'nothing polluted Object.prototype');
  });

  test('back-pagination loads older history, flags paginating, and stops at the start', async () => {
    const roomId = await room('history');
    for (let i = 0; i < 60; i++) await bob.sendMessage(roomId, `old ${i}`);
    const handle = open(aliasOf('history'));
    let s = await until(handle, (x) => x.status === 'ready' && messages(x.items).some((m) => m.body === 'old 59'), 'the latest messages');
    assert.equal(s.hasMoreBefore, true);
    assert.ok(!messages(s.items).some((m) => m.body === 'old 0'));
    const seen: boolean[] = [];
    const unsubscribe = handle.subscribe((x) => seen.push(x.paginating));
    let more = true;
    for (let round = 0; more && round < 10; round++) more = await handle.paginateBackwards(30);
    unsubscribe();
    assert.equal(more, false);
    assert.ok(seen.includes(true) && seen.at(-1) === false, 'paginating is set while loading');
    s = handle.snapshot;
    assert.equal(s.hasMoreBefore, false);
    const bodies = messages(s.items).map((m) => m.body);
    assert.deepEqual(
      bodies,
      Array.from({ length: 60 }, (_, i) => `old ${i}`),
    );
    // The whole history is loaded, the creation included: the set-up stays hidden, Carol's join opens it.
    assert.deepEqual(notices(s.items)[0], { kind: 'joined', member: `Bob (${carol.userId})`, actor: `Bob (${carol.userId})` });
    assert.ok(
      !notices(s.items).some((l) =>
        ['power-levels-changed', 'room-made-public', 'room-made-invite-only', 'join-rule-changed'].includes(l.kind),
      ),
      JSON.stringify(notices(s.items)),
    );
  });

  test('the reason the member cannot post', async () => {
    const roomId = await room('readonly');
    const levels = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`);
    await bob.sendState(roomId, 'm.room.power_levels', '', { ...levels, events_default: 50 });
    const handle = open(aliasOf('readonly'));
    const s = await until(handle, (x) => x.status === 'ready' && !x.canSend, 'read-only');
    assert.equal(s.cannotSendReason, 'moderators-only');
  });

  test('own messages keep their key from local echo to remote echo', async () => {
    await room('echo');
    const handle = open(aliasOf('echo'));
    await until(handle, (x) => x.status === 'ready', 'the room');
    const keys = new Map<string, Set<string | undefined>>();
    const unsubscribe = handle.subscribe((x) => {
      for (const m of messages(x.items))
        if (m.body === 'echo me') (keys.get(m.key) ?? keys.set(m.key, new Set()).get(m.key))?.add(m.eventId);
    });
    await handle.send('echo me');
    await until(
      handle,
      (x) => messages(x.items).some((m) => m.body === 'echo me' && m.eventId !== undefined && m.status === 'sent'),
      'the remote echo',
    );
    unsubscribe();
    assert.equal(keys.size, 1, `one key from local to remote echo: ${[...keys.keys()].join(', ')}`);
  });
});
