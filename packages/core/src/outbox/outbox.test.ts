/**
 * The outbox's ordering and retry rules, with a scripted transport (no homeserver involved: the
 * end-to-end behaviour against real Synapse is in test/browser/sending.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Outbox, type OutboxRequest, type OutboxStorage, type SendFailure, type StoredOutboxEntry } from './outbox.ts';
import type { MessageItem } from '../timeline/timeline-types.ts';

type Answer = { eventId: string } | { fail: SendFailure };

/** A transport that answers from a script and records every attempt. */
function scripted(answers: Answer[]): {
  attempts: { txnId: string; body: string; at: number }[];
  transport: ConstructorParameters<typeof Outbox>[0];
} {
  const attempts: { txnId: string; body: string; at: number }[] = [];
  let n = 0;
  return {
    attempts,
    transport: {
      send(txnId: string, request: OutboxRequest): Promise<string> {
        attempts.push({ txnId, body: request.op === 'event' ? String(request.content['body']) : 'redact', at: Date.now() });
        const answer = answers.shift() ?? { eventId: `$e${n}` };
        n += 1;
        return 'eventId' in answer
          ? Promise.resolve(answer.eventId)
          : Promise.reject(Object.assign(new Error('scripted'), { failure: answer.fail }));
      },
      classify: (error: unknown) => (error as { failure: SendFailure }).failure,
    },
  };
}

function memory(initial: StoredOutboxEntry[] = []): OutboxStorage & { saved: readonly StoredOutboxEntry[] } {
  const store = {
    saved: initial as readonly StoredOutboxEntry[],
    load: () => Promise.resolve(store.saved),
    save: (entries: readonly StoredOutboxEntry[]) => {
      store.saved = entries;
      return Promise.resolve();
    },
  };
  return store;
}

const echo =
  (body: string) =>
  (txnId: string): MessageItem => ({
    kind: 'message',
    key: txnId,
    sender: { userId: '@a:x', displayName: 'A' },
    own: true,
    timestamp: 0,
    msgtype: 'text',
    body,
    edited: false,
    redacted: false,
    reactions: [],
    status: 'sending',
    continuation: false,
    readBy: [],
  });

const message = (body: string): OutboxRequest => ({ op: 'event', type: 'm.room.message', content: { msgtype: 'm.text', body } });

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('outbox', () => {
  test('the local echo is merged synchronously, and the remote echo with the same key ends the entry', () => {
    const { transport } = scripted([]);
    const outbox = new Outbox(transport, memory());
    outbox.merge([]);
    const key = outbox.enqueue(message('hi'), echo('hi'));
    const [pending] = outbox.remerge() as [MessageItem];
    assert.equal(pending.key, key);
    assert.equal(pending.status, 'sending');
    const remote: MessageItem = { ...echo('hi')(key), status: 'sent', eventId: '$real' };
    assert.deepEqual(outbox.merge([remote]), [remote]);
    assert.deepEqual(outbox.pending(), []);
  });

  test("a given transaction id is the entry's and its echo's key; the same id given again is queued once", async () => {
    const { attempts, transport } = scripted([]);
    const outbox = new Outbox(transport, memory());
    outbox.merge([]);
    assert.equal(outbox.enqueue(message('drawn'), echo('drawn'), { txnId: 'page.1' }), 'page.1');
    assert.equal(outbox.enqueue(message('drawn'), echo('drawn'), { txnId: 'page.1' }), 'page.1');
    assert.deepEqual(
      outbox.remerge().map((item) => (item.kind === 'message' ? `${item.key}:${item.body}` : item.kind)),
      ['page.1:drawn'],
    );
    await until(() => outbox.pending().length === 0);
    assert.deepEqual(
      attempts.map((a) => `${a.txnId}:${a.body}`),
      ['page.1:drawn'],
    );
  });

  test('sends one at a time in order, retrying network failures and 5xx with the same txn id', async () => {
    const { attempts, transport } = scripted([{ fail: { kind: 'network' } }, { fail: { kind: 'server' } }]);
    const outbox = new Outbox(transport, memory(), { backoffMs: 5 });
    outbox.merge([]);
    const first = outbox.enqueue(message('1'), echo('1'));
    outbox.enqueue(message('2'), echo('2'));
    outbox.enqueue(message('3'), echo('3'));
    assert.deepEqual(
      outbox.pending().map((p) => p.status),
      ['sending', 'queued', 'queued'],
    );
    await until(() => outbox.pending().length === 0);
    assert.deepEqual(
      attempts.map((a) => a.body),
      ['1', '1', '1', '2', '3'],
    );
    assert.deepEqual(new Set(attempts.slice(0, 3).map((a) => a.txnId)), new Set([first]));
  });

  test('waits the rate limit the server asked for', async () => {
    const { attempts, transport } = scripted([{ fail: { kind: 'rate-limited', waitMs: 300 } }]);
    const outbox = new Outbox(transport, memory());
    outbox.enqueue(message('slow'));
    await until(() => attempts.length === 2);
    const [a, b] = attempts as [(typeof attempts)[number], (typeof attempts)[number]];
    assert.ok(b.at - a.at >= 290, `waited ${String(b.at - a.at)} ms`);
    assert.equal(b.txnId, a.txnId);
  });

  test('a refused entry fails and holds the ones behind it until retried; cancel drops it', async () => {
    const { attempts, transport } = scripted([
      { fail: { kind: 'rejected', message: 'no' } },
      { fail: { kind: 'rejected', message: 'no' } },
    ]);
    const outbox = new Outbox(transport, memory());
    outbox.merge([]);
    const first = outbox.enqueue(message('1'), echo('1'));
    await until(() => outbox.pending()[0]?.status === 'failed');
    outbox.enqueue(message('2'), echo('2'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(
      outbox.pending().map((p) => p.status),
      ['failed', 'queued'],
    );
    outbox.retry(first);
    await until(() => outbox.pending()[0]?.status === 'failed' && attempts.length === 2);
    outbox.cancel(first);
    await until(() => outbox.pending().length === 0);
    assert.deepEqual(
      attempts.map((a) => a.body),
      ['1', '1', '2'],
    );
  });

  test('a message the server refuses as too large fails for good: its reason shows, no retry, nothing held behind it', async () => {
    const tooLarge = 'This message is too large to send.';
    const { attempts, transport } = scripted([{ fail: { kind: 'rejected', message: tooLarge, retryable: false } }]);
    const storage = memory();
    const outbox = new Outbox(transport, storage);
    outbox.merge([]);
    const big = outbox.enqueue(message('big'), echo('big'));
    outbox.enqueue(message('after'), echo('after'));
    await until(() => attempts.length === 2);
    const [failed] = outbox.remerge() as [MessageItem];
    assert.equal(failed.key, big);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.sendError, tooLarge);
    assert.equal(failed.retryable, false);
    assert.equal(outbox.retry(big), false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(
      attempts.map((a) => a.body),
      ['big', 'after'],
    );
    // Still so after a reload: the stored entry keeps its reason and stays final.
    await outbox.flushed();
    const again = new Outbox(scripted([]).transport, memory([...storage.saved]));
    await again.loaded;
    again.merge([]);
    const restored = again.remerge().find((item) => item.key === big) as MessageItem;
    assert.equal(restored.retryable, false);
    assert.equal(again.retry(big), false);
    assert.equal(outbox.cancel(big), true);
  });

  test('entries stored by an earlier page are sent first, with their stored txn id', async () => {
    const stored: StoredOutboxEntry[] = [{ txnId: 'omni.old', request: message('before reload'), createdAt: 0, status: 'queued' }];
    const storage = memory(stored);
    const { attempts, transport } = scripted([]);
    const outbox = new Outbox(transport, storage);
    await outbox.loaded;
    outbox.enqueue(message('after reload'));
    await until(() => attempts.length === 2);
    assert.deepEqual(
      attempts.map((a) => [a.txnId === 'omni.old', a.body]),
      [
        [true, 'before reload'],
        [false, 'after reload'],
      ],
    );
    await outbox.flushed();
    assert.deepEqual(storage.saved, []);
  });

  test('adopted entries (typed before the room existed) go after the queue, with their own txn ids, queued afresh, once', async () => {
    const { attempts, transport } = scripted([]);
    const storage = memory();
    const outbox = new Outbox(transport, storage);
    await outbox.loaded;
    outbox.merge([]);
    const blocker = outbox.enqueue(message('already queued'), echo('already queued'));
    await until(() => attempts.length === 1);
    const kept = (txnId: string, body: string, status: 'queued' | 'failed'): StoredOutboxEntry => ({
      txnId,
      request: message(body),
      createdAt: 0,
      echo: echo(body)(txnId),
      status,
    });
    outbox.adopt([kept('omni.kept1', 'kept 1', 'failed'), kept('omni.kept2', 'kept 2', 'queued')]);
    // Handed over a second time (a reload between the hand-over and forgetting them): nothing new.
    outbox.adopt([kept('omni.kept1', 'kept 1', 'queued'), kept('omni.kept2', 'kept 2', 'queued')]);
    await until(() => attempts.length === 3);
    assert.deepEqual(
      attempts.map((a) => [a.txnId, a.body]),
      [
        [blocker, 'already queued'],
        ['omni.kept1', 'kept 1'],
        ['omni.kept2', 'kept 2'],
      ],
    );
    // Messages keep their local echo (same key) until their remote echo arrives.
    assert.deepEqual(
      outbox.remerge().map((item) => item.key),
      [blocker, 'omni.kept1', 'omni.kept2'],
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(attempts.length, 3, 'an entry adopted twice was sent twice');
  });
  test('unsent entries are taken whole for another room; one in flight is redacted if it landed', async () => {
    const attempts: string[] = [];
    let land: ((eventId: string) => void) | undefined;
    const transport: ConstructorParameters<typeof Outbox>[0] = {
      send(_txnId: string, request: OutboxRequest): Promise<string> {
        attempts.push(request.op === 'event' ? String(request.content['body']) : 'redact');
        if (attempts.length === 1) return new Promise((resolve) => (land = resolve));
        return Promise.resolve('$other');
      },
      classify: (): SendFailure => ({ kind: 'rejected', message: 'no' }),
    };
    const storage = memory();
    const outbox = new Outbox(transport, storage);
    await outbox.loaded;
    outbox.merge([]);
    const first = outbox.enqueue(message('in flight'), echo('in flight'));
    const second = outbox.enqueue(message('queued'), echo('queued'));
    await until(() => land !== undefined);
    const taken = outbox.takeUnsent();
    assert.deepEqual(
      taken.map((e) => [e.txnId, e.status, e.echo?.body]),
      [
        [first, 'queued', 'in flight'],
        [second, 'queued', 'queued'],
      ],
    );
    assert.deepEqual(outbox.remerge(), [], 'no echo is left behind');
    assert.deepEqual(outbox.pending(), []);
    await outbox.flushed();
    assert.deepEqual(storage.saved, [], 'nothing is sent here after a reload');
    land?.('$landed');
    await until(() => attempts.length === 2);
    assert.deepEqual(attempts, ['in flight', 'redact'], 'the queued one is never sent here; the one that landed is redacted');
    assert.deepEqual(outbox.takeUnsent(), []);
  });
});
