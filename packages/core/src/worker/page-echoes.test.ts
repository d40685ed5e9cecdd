/**
 * The local echoes the page draws for a worker engine (page-echoes.ts): shown until the worker's snapshot holds the
 * message or its send is answered, never twice, in the order sent, and as the engine draws them. Pure, no server:
 * the echo in the same task as the click, against real Synapse through a worker, is test/browser/sending.test.ts's.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PageEchoes, newMessageStatus, ownSender, pageEcho, pageFileEcho, withEchoes } from './page-echoes.ts';
import { fileEcho } from '../media/attachment-content.ts';
import { messageEcho } from '../format/content.ts';
import type { MessageItem, TimelineItem } from '../timeline/timeline-types.ts';

const alice = { userId: '@alice:x', displayName: 'Alice', avatarMxc: 'mxc://x/a' };

function message(key: string, fields: Partial<MessageItem> = {}): MessageItem {
  return { ...messageEcho({ msgtype: 'm.text', body: key, mentionedUserIds: [] }, key, alice), status: 'sent', ...fields };
}

const keys = (items: readonly TimelineItem[]): string[] => items.map((item) => (item.kind === 'message' ? item.key : item.kind));

/** A send the test answers itself. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve = (): void => undefined;
  let reject = (_error: Error): void => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("the page's local echoes of a worker engine", () => {
  test('echoes the snapshot lacks come after its items, in the order sent; one it holds is not shown twice', () => {
    const worker = [message('$1'), message('$2')];
    const a = message('txn.a', { status: 'sending' });
    const b = message('txn.b', { status: 'queued' });
    assert.deepEqual(keys(withEchoes(worker, [a, b])), ['$1', '$2', 'txn.a', 'txn.b']);
    // The worker's item for `a` (same key) stands for it: its own place, its own state.
    const held = [...worker, message('txn.a', { status: 'sending', timestamp: 5 })];
    const shown = withEchoes(held, [a, b]);
    assert.deepEqual(keys(shown), ['$1', '$2', 'txn.a', 'txn.b']);
    assert.equal(shown[2], held[2]);
    // Nothing missing: the worker's very array, so a handle publishes the worker's snapshot itself.
    const all = [...held, b];
    assert.equal(withEchoes(all, [a, b]), all);
    assert.equal(withEchoes(worker, []), worker);
  });

  test('an echo is shown until its send is answered, resolved or refused, and every watcher hears each change', async () => {
    const echoes = new PageEchoes();
    const heard: string[][] = [];
    const stop = echoes.watch('room', () => heard.push(keys(echoes.of('room'))));
    const first = deferred();
    const second = deferred();
    const dropFirst = echoes.add('room', message('txn.1', { status: 'sending' }));
    const dropSecond = echoes.add('room', message('txn.2', { status: 'queued' }));
    first.promise.then(dropFirst, dropFirst);
    second.promise.then(dropSecond, dropSecond);
    assert.deepEqual(keys(echoes.of('room')), ['txn.1', 'txn.2']);
    assert.deepEqual(keys(echoes.of('other room')), []);
    second.reject(new Error('too large'));
    await second.promise.catch(() => undefined);
    await Promise.resolve();
    assert.deepEqual(keys(echoes.of('room')), ['txn.1']);
    first.resolve();
    await first.promise;
    await Promise.resolve();
    assert.deepEqual(keys(echoes.of('room')), []);
    assert.deepEqual(heard, [['txn.1'], ['txn.1', 'txn.2'], ['txn.1'], []]);
    // Dropped twice: the second does nothing.
    dropFirst();
    assert.equal(heard.length, 4);
    stop();
    echoes.add('room', message('txn.3'));
    assert.equal(heard.length, 4);
  });

  test('the echo is the one the engine makes: sender as the room shows them, reply, thread, queued behind others', () => {
    const sent = [message('$1')];
    const reply = pageEcho('  hello  ', 'txn.r', { replyTo: '$1' }, { items: sent, userId: alice.userId, encrypted: false });
    assert.deepEqual(reply, {
      ...messageEcho({ msgtype: 'm.text', body: 'hello', mentionedUserIds: [] }, 'txn.r', alice, { replyTo: '$1' }),
      timestamp: reply?.timestamp,
    });
    assert.equal(reply.status, 'sending');
    assert.deepEqual(reply.replyTo, { eventId: '$1' });

    const waiting = [...sent, message('txn.w', { status: 'sending' })];
    const threaded = pageEcho('in thread', 'txn.t', {}, { items: waiting, userId: alice.userId, encrypted: true, threadRoot: '$1' });
    assert.equal(threaded?.threadRoot, '$1');
    assert.equal(threaded.status, 'queued');
    assert.equal(newMessageStatus([message('txn.f', { status: 'failed' })]), 'queued');
    assert.equal(newMessageStatus([message('txn.f', { status: 'failed', retryable: false })]), 'sending');
  });

  test("a file's echo: the engine's, with its upload at 0 bytes; none for an empty file", () => {
    const file = Object.assign(new Blob(['12345'], { type: 'image/png' }), { name: 'dot.png' });
    const echo = pageFileEcho(file, 'txn.f', { caption: 'a dot', replyTo: '$1' }, { items: [message('$1')], userId: alice.userId });
    assert.deepEqual(echo, {
      ...fileEcho(file, 'txn.f', alice, { caption: 'a dot', replyTo: '$1' }),
      timestamp: echo?.timestamp,
      upload: { sent: 0, total: 5 },
      status: 'sending',
    });
    assert.equal(echo.msgtype, 'image');
    assert.equal(echo.body, 'a dot');
    const empty = Object.assign(new Blob([]), { name: 'empty.txt' });
    assert.equal(pageFileEcho(empty, 'txn.e', {}, { items: [], userId: alice.userId }), undefined);
  });

  test('the sender: from their latest message, else the member list, else their user id', () => {
    const named = { ...alice, displayName: 'Alice (renamed)' };
    assert.deepEqual(ownSender({ items: [message('$1'), message('$2', { sender: named })], userId: alice.userId }), named);
    const member = { userId: alice.userId, displayName: 'Alice M', role: 'user', membership: 'join', actions: {} } as const;
    assert.deepEqual(ownSender({ items: [], userId: alice.userId, members: [member as never] }), {
      userId: alice.userId,
      displayName: 'Alice M',
    });
    assert.deepEqual(ownSender({ items: [], userId: alice.userId }), { userId: alice.userId, displayName: alice.userId });
  });

  test('a message too large for an event gets no echo: the refusal comes from the engine', () => {
    const big = 'x'.repeat(64_000);
    assert.equal(pageEcho(big, 'txn.big', {}, { items: [], userId: alice.userId, encrypted: false }), undefined);
    // Fits in a plain room, not in an encrypted one (ciphertext is base64).
    const medium = 'x'.repeat(50_000);
    assert.notEqual(pageEcho(medium, 'txn.m', {}, { items: [], userId: alice.userId, encrypted: false }), undefined);
    assert.equal(pageEcho(medium, 'txn.m', {}, { items: [], userId: alice.userId, encrypted: true }), undefined);
  });
});
