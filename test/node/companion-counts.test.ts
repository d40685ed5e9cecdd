/**
 * Comment counts for a feed (packages/server/src/counts.ts) against a real Synapse and the companion: many posts
 * answered by one request, top-level messages only (thread replies, edits, reactions and deleted messages do not
 * count), encrypted rooms counted from what the homeserver sees in clear, a post without a room counted 0 without
 * creating one, a recount on demand, and every bad query refused with a clear message.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, type Peer, type Site } from '@omnisocial/testing';
import { roomCount } from '../support/room-count.ts';
import { until } from '../support/wait.ts';
import { COUNTS_PATH, postRoomAlias } from '@omnisocial/server';

const POSTS = [
  { id: 'open-post', title: 'Open', open: true },
  { id: 'secret-post', title: 'Members only' },
  { id: 'quiet-post', title: 'Nobody wrote yet', open: true },
];

async function counts(site: Site, query: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${site.companion.siteApiUrl}${COUNTS_PATH}?${query}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

describe('comment counts for a feed (real Synapse, companion)', () => {
  let site: Site;
  let alice: Peer;
  let openRoom: string;

  before(async () => {
    site = await startSite({ posts: POSTS });
    alice = await site.homeserver.registerUser({ displayName: 'Alice' });
    const alias = (id: string): string => postRoomAlias(id, { serverName: 'localhost' });
    openRoom = await alice.joinRoom(await alice.resolveAlias(alias('open-post')));
    const first = await alice.sendMessage(openRoom, 'First!');
    await alice.sendMessage(openRoom, 'Second');
    const deleted = await alice.sendMessage(openRoom, 'Oops');
    await alice.redact(openRoom, deleted);
    await alice.sendEvent(openRoom, 'm.room.message', {
      msgtype: 'm.text',
      body: 'in a thread',
      'm.relates_to': { rel_type: 'm.thread', event_id: first, is_falling_back: true, 'm.in_reply_to': { event_id: first } },
    });
    await alice.sendEvent(openRoom, 'm.room.message', {
      msgtype: 'm.text',
      body: '* First!!',
      'm.new_content': { msgtype: 'm.text', body: 'First!!' },
      'm.relates_to': { rel_type: 'm.replace', event_id: first },
    });
    await alice.sendEvent(openRoom, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: first, key: '👍' } });
    await alice.sendEvent(openRoom, 'm.room.message', {
      msgtype: 'm.text',
      body: 'A reply',
      'm.relates_to': { 'm.in_reply_to': { event_id: first } },
    });

    // Encrypted: the companion sees only the envelope and the relation kept in clear.
    const secretRoom = await alice.joinRoom(await alice.resolveAlias(alias('secret-post')));
    const envelope = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgAEn', device_id: 'DEV', sender_key: 'key', session_id: 'sess' };
    const root = await alice.sendEvent(secretRoom, 'm.room.encrypted', envelope);
    await alice.sendEvent(secretRoom, 'm.room.encrypted', envelope);
    await alice.sendEvent(secretRoom, 'm.room.encrypted', { ...envelope, 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
  });

  after(async () => {
    await site.stop();
  });

  test('one request answers many posts: top-level messages only, encrypted rooms by their envelopes, no room is 0', async () => {
    const rooms = await roomCount(site);
    const answer = await counts(site, 'post=open-post&post=secret-post&post=quiet-post&post=no-such-post');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('access-control-allow-origin'), '*', 'any page may read counts');
    assert.match(answer.headers.get('cache-control') ?? '', /max-age=\d+/u);
    assert.deepEqual(answer.body['counts'], { 'open-post': 3, 'secret-post': 2, 'quiet-post': 0, 'no-such-post': 0 });
    assert.equal(await roomCount(site), rooms, 'counting created no room for the quiet post');
  });

  test('a post the companion counted without a room still gets its room when a member opens it', async () => {
    await counts(site, 'post=quiet-post');
    const roomId = await alice.resolveAlias(postRoomAlias('quiet-post', { serverName: 'localhost' }));
    assert.match(roomId, /^!/u);
    await alice.joinRoom(roomId);
    await alice.sendMessage(roomId, 'Finally');
    const answer = await counts(site, 'post=quiet-post&fresh=quiet-post');
    assert.equal((answer.body['counts'] as Record<string, number>)['quiet-post'], 1);
    assert.equal(answer.headers.get('cache-control'), 'no-store', 'a recount is not cached');
  });

  test('answers from memory within its time to live; a recount (fresh) reads only what is new', async () => {
    await counts(site, 'post=open-post');
    const before = site.companion.counts.stats.homeserverRequests;
    await alice.sendMessage(openRoom, 'Third');
    const cached = await counts(site, 'post=open-post');
    assert.equal((cached.body['counts'] as Record<string, number>)['open-post'], 3, 'served from memory');
    assert.equal(site.companion.counts.stats.homeserverRequests, before, 'no homeserver request for a cached answer');
    // Dendrite's `/messages` shows a new event a moment after the write (its sync API follows the room server):
    // a recount is asked again until it shows, each one a single read of what is new.
    let recounts = 0;
    const recount = (expected: number, what: string): Promise<unknown> =>
      until(async () => {
        recounts += 1;
        const fresh = await counts(site, 'post=open-post&fresh=open-post');
        return (fresh.body['counts'] as Record<string, number>)['open-post'] === expected;
      }, what);
    await recount(4, 'the new message counted');
    assert.equal(site.companion.counts.stats.homeserverRequests, before + recounts, 'one incremental read per recount');
    const deletion = await alice.roomMessages(openRoom, { limit: 1 });
    const third = deletion[0]?.event_id;
    assert.ok(third);
    await alice.redact(openRoom, third);
    await recount(3, 'a deleted message uncounted');
  });

  test('bad queries are refused with a clear message', async () => {
    const none = await counts(site, '');
    assert.equal(none.status, 400);
    assert.match(String(none.body['error']), /at least one post/u);
    const many = await counts(site, Array.from({ length: 101 }, (_, i) => `post=p${String(i)}`).join('&'));
    assert.equal(many.status, 400);
    assert.match(String(many.body['error']), /at most 100/u);
    const long = await counts(site, `post=${'x'.repeat(2000)}`);
    assert.equal(long.status, 400);
    const fresh = await counts(site, `post=a&${Array.from({ length: 6 }, (_, i) => `fresh=p${String(i)}`).join('&')}`);
    assert.equal(fresh.status, 400);
    const post = await fetch(`${site.companion.siteApiUrl}${COUNTS_PATH}?post=a`, { method: 'POST' });
    assert.equal(post.status, 405);
  });
});
