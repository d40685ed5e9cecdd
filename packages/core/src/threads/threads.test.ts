/**
 * Threads against a real Synapse and the real engine in Node: replies kept out of the main timeline,
 * the root's summary, a thread paged from `/relations`, a reply sent through the outbox with the
 * relation other clients read, and both ways with a plain matrix-js-sdk client (thread support on).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ClientEvent,
  createClient,
  type MatrixClient,
  type MatrixEvent,
  MsgType,
  RoomEvent,
  SyncState,
  THREAD_RELATION_TYPE,
} from 'matrix-js-sdk';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { sessionFor, signIn, signOut } from '../index.ts';
import { quietLogger } from '../session/sdk-logger.ts';
import type { MessageItem, TimelineItem } from '../timeline/timeline-types.ts';
import type { RoomHandle, RoomSnapshot, ThreadHandle, ThreadSnapshot } from '../types.ts';

const messages = (items: readonly TimelineItem[]): MessageItem[] => items.filter((i): i is MessageItem => i.kind === 'message');

/** Resolves with the first snapshot that satisfies `predicate`. */
function until<S extends RoomSnapshot | ThreadSnapshot>(
  handle: { snapshot: S; subscribe(listener: (s: S) => void): () => void },
  predicate: (s: S) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<S> {
  return new Promise((resolve, reject) => {
    let unsubscribe = (): void => undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `timed out waiting for ${what}: ${messages(handle.snapshot.items)
            .map((m) => m.body)
            .join(' | ')}`,
        ),
      );
    }, timeoutMs);
    const check = (s: S): void => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
    };
    unsubscribe = handle.subscribe(check);
    check(handle.snapshot);
  });
}

function threadReply(root: string, body: string, latest = root): Record<string, unknown> {
  return {
    msgtype: 'm.text',
    body,
    'm.relates_to': { rel_type: 'm.thread', event_id: root, is_falling_back: true, 'm.in_reply_to': { event_id: latest } },
  };
}

describe('threads on a real homeserver', () => {
  let hs: Homeserver;
  let alice: Peer;
  let bob: Peer;
  let carol: Peer;
  let js: MatrixClient | undefined;
  const held: { release(): void }[] = [];

  before(async () => {
    hs = await startSynapse();
    [alice, bob, carol] = await Promise.all([
      hs.registerUser({ displayName: 'Alice' }),
      hs.registerUser({ displayName: 'Bob' }),
      hs.registerUser({ displayName: 'Carol' }),
    ]);
    await signIn({ homeserver: hs.baseUrl, username: alice.username, password: alice.password });
  });

  after(async () => {
    js?.stopClient();
    for (const handle of held) handle.release();
    await signOut(hs.baseUrl).catch(() => undefined);
    await hs.stop();
  });

  function open(roomId: string): RoomHandle {
    const session = sessionFor(hs.baseUrl);
    assert.ok(session);
    const handle = session.openRoom(roomId);
    held.push(handle);
    return handle;
  }

  test('replies stay in their thread; the summary counts them; the thread pages from /relations; ours carries the relation', async () => {
    const { roomId } = await bob.createRoom({ preset: 'public_chat' });
    await alice.joinRoom(roomId);
    const root = await bob.sendMessage(roomId, 'the root');
    let latest = root;
    // More replies than one page of /relations (50) and of the room's first sync.
    for (let i = 1; i <= 60; i++) latest = await bob.sendEvent(roomId, 'm.room.message', threadReply(root, `reply ${String(i)}`, latest));
    await bob.sendMessage(roomId, 'after the thread');
    const room = open(roomId);
    await until(room, (s) => messages(s.items).some((m) => m.body === 'after the thread'), 'the main timeline');
    // The first sync brings the latest events, all in the thread: the root comes with older history.
    while (!messages(room.snapshot.items).some((m) => m.body === 'the root') && room.snapshot.hasMoreBefore) await room.paginateBackwards();
    const ready = room.snapshot;
    assert.deepEqual(
      messages(ready.items).map((m) => m.body),
      ['the root', 'after the thread'],
    );
    const rootItem = await until(room, (s) => messages(s.items)[0]?.thread?.count === 60, 'the summary of 60 replies');
    assert.equal(messages(rootItem.items)[0]?.thread?.latest?.sender.displayName, 'Bob');

    const thread: ThreadHandle = room.openThread(root);
    held.push(thread);
    await until(thread, (s) => s.status === 'ready' && !s.paginating, 'the first page');
    while (thread.snapshot.hasMoreBefore) await thread.paginateBackwards();
    const all = await until(thread, (s) => messages(s.items).length === 61, 'all 60 replies');
    assert.equal(messages(all.items)[0]?.body, 'the root');
    assert.equal(messages(all.items)[60]?.body, 'reply 60');
    assert.equal(all.unreadCount, 60);
    thread.markRead(latest);
    assert.equal(thread.snapshot.unreadCount, 0);

    await thread.send('from alice in the thread');
    assert.equal(messages(thread.snapshot.items).at(-1)?.body, 'from alice in the thread', 'local echo at once, in the thread');
    const sent = await bob.waitForMessage(roomId, (e) => e.content['body'] === 'from alice in the thread');
    assert.deepEqual(sent.content['m.relates_to'], {
      rel_type: 'm.thread',
      event_id: root,
      is_falling_back: true,
      'm.in_reply_to': { event_id: latest },
    });
    await until(room, (s) => messages(s.items)[0]?.thread?.count === 61, 'the summary counting our reply');
    assert.ok(!messages(room.snapshot.items).some((m) => m.body === 'from alice in the thread'), 'not in the main timeline');
    const confirmed = await until(thread, (s) => messages(s.items).at(-1)?.status === 'sent', 'our reply confirmed');
    assert.equal(messages(confirmed.items).filter((m) => m.body === 'from alice in the thread').length, 1, 'exactly once');
  });

  test('a plain matrix-js-sdk client reads our thread reply and its thread reply shows in ours', async () => {
    const { roomId } = await bob.createRoom({ preset: 'public_chat' });
    await Promise.all([alice.joinRoom(roomId), carol.joinRoom(roomId)]);
    const root = await bob.sendMessage(roomId, 'js-sdk root');
    js = createClient({
      baseUrl: hs.baseUrl,
      accessToken: carol.accessToken,
      userId: carol.userId,
      deviceId: carol.deviceId,
      logger: quietLogger('js-sdk peer'),
    });
    const synced = new Promise<void>((resolve) =>
      js?.on(ClientEvent.Sync, (state: SyncState) => state === SyncState.Prepared && resolve()),
    );
    await js.startClient({ threadSupport: true, initialSyncLimit: 20 });
    await synced;

    const room = open(roomId);
    await until(room, (s) => messages(s.items).some((m) => m.body === 'js-sdk root'), 'the root');
    const thread = room.openThread(root);
    held.push(thread);
    await until(thread, (s) => s.status === 'ready', 'the thread');
    await thread.send('ours, for js-sdk');

    const seen = await new Promise<MatrixEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('js-sdk never saw our reply')), 20_000);
      const check = (event: MatrixEvent): void => {
        if (event.getContent()['body'] !== 'ours, for js-sdk') return;
        clearTimeout(timer);
        resolve(event);
      };
      js?.on(RoomEvent.Timeline, check);
    });
    assert.equal(seen.threadRootId, root, 'js-sdk places it in the thread');
    assert.equal(seen.isRelation(THREAD_RELATION_TYPE.name), true);

    await js.sendMessage(roomId, root, { msgtype: MsgType.Text, body: 'theirs, from js-sdk' });
    await until(thread, (s) => messages(s.items).some((m) => m.body === 'theirs, from js-sdk'), 'js-sdk’s reply in our thread');
    const main = await until(room, (s) => messages(s.items)[0]?.thread?.count === 2, 'the summary of two replies');
    assert.ok(!messages(main.items).some((m) => m.body === 'theirs, from js-sdk'));
    assert.deepEqual(
      messages(main.items)[0]
        ?.thread?.participants.map((p) => p.displayName)
        .sort(),
      ['Alice', 'Carol'],
    );
  });
});
