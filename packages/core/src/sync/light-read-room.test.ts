/**
 * A member's room light read (`lightReadRoom`) against the real Synapse: one simplified sliding sync request on the
 * light read's own connection gives exactly what the separate requests give (the path a homeserver without sliding
 * sync keeps), for a joined room, a room version 12 room, an encrypted room, and rooms the member left, was banned
 * from, was invited to or never joined; and it leaves the engine's sliding sync connection as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { LIGHT_READ_CONN_ID, lightReadRoom, type RoomLightReadResult } from './light-read.ts';
import { PLAIN_PREVIEWS_TYPE } from '../media/link-preview-setting.ts';
import { OmniError } from '../types.ts';

const SLIDING_SYNC = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';

/** The requests a read made: method and path (with query) of each. */
type Requests = { method: string; path: string; body: string | undefined }[];

/** `fetch` that records each request. */
function recording(requests: Requests): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    requests.push({
      method: init?.method ?? 'GET',
      path: url.pathname + url.search,
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return fetch(input, init);
  };
}

/**
 * `fetch` for a homeserver without simplified sliding sync: the light read's POST goes to an endpoint the real
 * Synapse does not know, which it answers as Dendrite answers the sliding sync one (404 `M_UNRECOGNIZED`).
 */
function withoutSlidingSync(requests: Requests): typeof fetch {
  const record = recording(requests);
  return (input, init) =>
    record((input instanceof Request ? input.url : input.toString()).replace('org.matrix.simplified_msc3575', 'org.example.unknown'), init);
}

/** The same Synapse under a second base URL: the light read remembers per base URL whether sliding sync is offered. */
function otherName(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return url.origin;
}

async function outcome(read: Promise<RoomLightReadResult>): Promise<RoomLightReadResult | string> {
  try {
    return await read;
  } catch (error) {
    return error instanceof OmniError ? `rejected: ${error.code}` : `rejected: ${String(error)}`;
  }
}

describe('lightReadRoom', () => {
  let hs: Homeserver;
  let alice: Peer;
  let bob: Peer;
  let fallbackUrl: string;

  /** The read through sliding sync and through the separate requests, with the requests each made. */
  async function bothWays(
    member: Peer,
    target: string,
  ): Promise<{ sliding: RoomLightReadResult | string; requests: RoomLightReadResult | string; slidingRequests: Requests }> {
    const slidingRequests: Requests = [];
    const options = { accessToken: member.accessToken, userId: member.userId };
    const sliding = await outcome(lightReadRoom(hs.baseUrl, target, { ...options, fetch: recording(slidingRequests) }));
    const requests = await outcome(lightReadRoom(fallbackUrl, target, { ...options, fetch: withoutSlidingSync([]) }));
    return { sliding, requests, slidingRequests };
  }

  before(async () => {
    hs = await startSynapse();
    fallbackUrl = otherName(hs.baseUrl);
    alice = await hs.registerUser({ displayName: 'Alice' });
    bob = await hs.registerUser({ displayName: 'Bob' });
  });

  after(async () => {
    await hs.stop();
  });

  test('a homeserver without sliding sync is asked once, then read with the separate requests only', async () => {
    const { roomId } = await alice.createRoom({ name: 'Fallback' });
    await alice.sendMessage(roomId, 'hello');
    const requests: Requests = [];
    const options = { accessToken: alice.accessToken, userId: alice.userId, fetch: withoutSlidingSync(requests) };
    const first = await lightReadRoom(fallbackUrl, roomId, options);
    assert.equal(first.status, 'ready');
    assert.deepEqual(
      requests.map((request) => request.method),
      ['POST', ...Array<string>(8).fill('GET')],
    );
    requests.length = 0;
    assert.deepEqual(await lightReadRoom(fallbackUrl, roomId, options), first);
    assert.deepEqual(
      requests.map((request) => request.method),
      Array<string>(8).fill('GET'),
    );
  });

  test('a joined room: one request, the same items, name, topic, permissions and link previews as the separate requests', async () => {
    const { roomId } = await alice.createRoom({ name: 'Plain room', topic: 'About things', preset: 'public_chat' });
    await bob.joinRoom(roomId);
    const levels = await alice.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`);
    await alice.sendState(roomId, 'm.room.power_levels', '', {
      ...levels,
      users: { ...(levels['users'] as Record<string, number>), [bob.userId]: 50 },
    });
    for (let i = 0; i < 35; i++) await (i % 3 === 0 ? bob : alice).sendMessage(roomId, `message ${String(i)}`);
    await bob.setDisplayName('Robert');
    // Synapse updates the rooms' member events after it answers: the rename is in the room before the reads.
    await bob.waitForMessage(roomId, (event) => event.type === 'm.room.member' && event.content['displayname'] === 'Robert');
    await bob.sendMessage(roomId, 'renamed');
    await bob.request(
      'PUT',
      `/_matrix/client/v3/user/${encodeURIComponent(bob.userId)}/rooms/${encodeURIComponent(roomId)}/account_data/${PLAIN_PREVIEWS_TYPE}`,
      {
        disable: true,
      },
    );

    const { sliding, requests, slidingRequests } = await bothWays(bob, roomId);
    assert.equal(typeof sliding, 'object');
    assert.deepEqual(sliding, requests);
    const ready = sliding as Extract<RoomLightReadResult, { status: 'ready' }>;
    assert.equal(ready.name, 'Plain room');
    assert.equal(ready.topic, 'About things');
    assert.equal(ready.linkPreviews, false);
    const bodies = ready.items.flatMap((item) => (item.kind === 'message' ? [item.body] : []));
    assert.equal(bodies.at(-1), 'renamed');
    assert.ok(bodies.includes('message 34') && !bodies.includes('message 0'), 'the latest messages only');
    assert.deepEqual(
      slidingRequests.map((request) => [request.method, request.path.split('?')[0]]),
      [['POST', SLIDING_SYNC]],
    );
    assert.equal((JSON.parse(slidingRequests[0]?.body ?? '{}') as { conn_id?: string }).conn_id, LIGHT_READ_CONN_ID);

    // The other member reads link previews as on (no account data of theirs), and an alias is resolved first.
    await alice.request('PUT', `/_matrix/client/v3/directory/room/${encodeURIComponent(`#plain-light:${alice.serverName}`)}`, {
      room_id: roomId,
    });
    const viaAlias = await bothWays(alice, `#plain-light:${alice.serverName}`);
    assert.deepEqual(viaAlias.sliding, viaAlias.requests);
    assert.equal((viaAlias.sliding as Extract<RoomLightReadResult, { status: 'ready' }>).linkPreviews, true);
    assert.deepEqual(
      viaAlias.slidingRequests.map((request) => request.method),
      ['GET', 'POST'],
    );
  });

  test('a room version 12 room: its creators hold every power, as the separate requests read it', async () => {
    const { room_id: roomId } = await alice.request<{ room_id: string }>('POST', '/_matrix/client/v3/createRoom', {
      room_version: '12',
      preset: 'public_chat',
      creation_content: { additional_creators: [bob.userId] },
    });
    await bob.joinRoom(roomId);
    await alice.sendMessage(roomId, 'in a v12 room');
    for (const member of [alice, bob]) {
      const { sliding, requests } = await bothWays(member, roomId);
      assert.equal(typeof sliding, 'object');
      assert.deepEqual(sliding, requests);
    }
    const { sliding } = await bothWays(bob, roomId);
    assert.equal((sliding as Extract<RoomLightReadResult, { status: 'ready' }>).permissions.ban, true);
  });

  test('an encrypted room is left to the engine', async () => {
    const { roomId } = await alice.createRoom({ encrypted: true });
    await alice.sendMessage(roomId, 'sent in the clear before anyone could read it');
    const { sliding, requests } = await bothWays(alice, roomId);
    assert.deepEqual(sliding, { status: 'encrypted' });
    assert.deepEqual(requests, sliding);
  });

  test('a room the member left, was banned from, was invited to or never joined is refused as forbidden', async () => {
    const left = await bothWays(
      bob,
      await (async () => {
        const { roomId } = await alice.createRoom({ preset: 'public_chat', worldReadable: true });
        await bob.joinRoom(roomId);
        await alice.sendMessage(roomId, 'before bob left');
        await bob.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/leave`, {});
        return roomId;
      })(),
    );
    const banned = await bothWays(
      bob,
      await (async () => {
        const { roomId } = await alice.createRoom({ preset: 'public_chat' });
        await bob.joinRoom(roomId);
        await alice.request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/ban`, { user_id: bob.userId });
        return roomId;
      })(),
    );
    const invited = await bothWays(bob, (await alice.createRoom({ invite: [bob.userId] })).roomId);
    const never = await bothWays(bob, (await alice.createRoom({ preset: 'public_chat', worldReadable: true })).roomId);
    for (const [what, read] of Object.entries({ left, banned, invited, never })) {
      assert.equal(read.sliding, 'rejected: forbidden', what);
      assert.equal(read.requests, read.sliding, what);
    }
  });

  test("the light read leaves the engine's sliding sync connection as it was", async () => {
    const { roomId } = await alice.createRoom({ name: 'Engine room' });
    // The engine's connection: js-sdk sends no `conn_id`.
    const engine = async (pos?: string): Promise<{ pos: string }> =>
      alice.request('POST', `${SLIDING_SYNC}?timeout=0${pos ? `&pos=${encodeURIComponent(pos)}` : ''}`, {
        lists: {},
        room_subscriptions: { [roomId]: { timeline_limit: 1, required_state: [] } },
      });
    const { pos } = await engine();
    await alice.sendMessage(roomId, 'after the first sync');
    const read = await lightReadRoom(hs.baseUrl, roomId, { accessToken: alice.accessToken, userId: alice.userId });
    assert.equal(read.status, 'ready');
    // An unknown position (a connection the light read had reset) would be refused with 400 M_UNKNOWN_POS.
    const next = await engine(pos);
    assert.equal(typeof next.pos, 'string');
  });
});
