/**
 * The site's companion (packages/server) against a real Synapse that loads its application-service
 * registration: post rooms the site owns and nobody else can take, only for posts the site knows, and the
 * site's members signed in with one backend call. Each bad input is refused clearly and creates nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dendriteSkip, homeserverImplementation, MatrixError, startSite, type Peer, type Site } from '@omnisocial/testing';
import { roomCount } from '../support/room-count.ts';
import { postRoomAlias, signSiteRequest, PROFILE_PATH, SIGN_IN_PATH, type MemberLogin } from '@omnisocial/server';

const POSTS = [
  { id: 'hello-world', title: 'Hello, world', url: 'https://blog.example/hello', open: true },
  { id: 'Members only ✨', title: 'For members' },
];

async function refusal(promise: Promise<unknown>): Promise<MatrixError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MatrixError) return error;
    throw error;
  }
  throw new Error('expected the homeserver to refuse');
}

async function signIn(
  site: Site,
  body: Record<string, unknown>,
  sign = signSiteRequest,
  path = SIGN_IN_PATH,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = JSON.stringify(body);
  const headers = sign(site.siteSecret, 'POST', path, text);
  const response = await fetch(site.companion.siteApiUrl + path, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('the companion owns post rooms (real Synapse, application service)', () => {
  let site: Site;
  let alice: Peer;
  let moderator: Peer;

  before(async () => {
    site = await startSite({ posts: POSTS.map((post, i) => (i === 1 ? { ...post, moderators: ['@mod:localhost'] } : post)) });
    alice = await site.homeserver.registerUser({ displayName: 'Alice' });
    moderator = await site.homeserver.registerUser({ username: 'mod', displayName: 'Moderator' });
  });

  after(async () => {
    await site.stop();
  });

  const aliasOf = (id: string): string => postRoomAlias(id, { serverName: 'localhost' });

  test('resolving a known post alias creates its room, made and bound by the bot, open or encrypted as the post asks', async () => {
    const roomId = await alice.resolveAlias(aliasOf('hello-world'));
    const state = await alice.request<Array<{ type: string; sender: string; state_key: string; content: Record<string, unknown> }>>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`,
    );
    const event = (type: string) => state.find((e) => e.type === type && e.state_key === '');
    const bot = site.companion.botUserId;
    assert.equal(event('m.room.create')?.sender, bot, 'the bot created the room');
    assert.equal(event('org.omnisocial.post')?.sender, bot, 'the bot sent the binding');
    assert.equal(event('org.omnisocial.post')?.content['id'], 'hello-world');
    assert.equal(event('m.room.history_visibility')?.content['history_visibility'], 'world_readable');
    assert.equal(event('m.room.encryption'), undefined);
    assert.deepEqual((event('m.room.power_levels')?.content['users'] as Record<string, number>)[bot], 100);
    // Asking again finds the same room, created once.
    assert.equal(await alice.resolveAlias(aliasOf('hello-world')), roomId);

    const secret = await moderator.resolveAlias(aliasOf('Members only ✨'));
    await moderator.joinRoom(secret);
    const levels = await moderator.request<{ users: Record<string, number> }>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(secret)}/state/m.room.power_levels/`,
    );
    assert.equal(levels.users['@mod:localhost'], 100, "the site's moderator is in power");
    const encryption = await moderator.request<{ algorithm: string }>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(secret)}/state/m.room.encryption/`,
    );
    assert.equal(encryption.algorithm, 'm.megolm.v1.aes-sha2');
  });

  test(
    'a member with a modified client cannot create a room with a post alias',
    { skip: dendriteSkip('createRoomExclusiveAlias', homeserverImplementation()) },
    async () => {
      // The namespace is the companion's alone.
      const created = await refusal(
        alice.request('POST', '/_matrix/client/v3/createRoom', { room_alias_name: 'post.not-yet-a-post', preset: 'public_chat' }),
      );
      assert.equal(created.errcode, 'M_EXCLUSIVE');
    },
  );

  test('a member with a modified client cannot re-point a post alias, and the discussion is untouched', async () => {
    const roomId = await alice.resolveAlias(aliasOf('hello-world'));
    // Re-pointing an existing post alias to a room of their own.
    const { roomId: own } = await alice.createRoom({ name: 'Squatter' });
    const repoint = await refusal(
      alice.request('PUT', `/_matrix/client/v3/directory/room/${encodeURIComponent(aliasOf('hello-world'))}`, { room_id: own }),
    );
    assert.equal(repoint.errcode, 'M_EXCLUSIVE');
    const remove = await refusal(
      alice.request('DELETE', `/_matrix/client/v3/directory/room/${encodeURIComponent(aliasOf('hello-world'))}`),
    );
    assert.equal(remove.status, 403);
    // Nor by making a room with a binding and claiming the alias afterwards.
    const bound = await alice.createRoom({
      name: 'Fake',
      initialState: [{ type: 'org.omnisocial.post', content: { id: 'Members only ✨' } }],
    });
    await refusal(
      alice.request('PUT', `/_matrix/client/v3/directory/room/${encodeURIComponent(aliasOf('Members only ✨'))}`, {
        room_id: bound.roomId,
      }),
    );
    assert.equal(await alice.resolveAlias(aliasOf('hello-world')), roomId, 'the alias still points to the discussion');
    assert.notEqual(await alice.resolveAlias(aliasOf('Members only ✨')), bound.roomId);
  });

  test('unknown post ids create no room', async () => {
    const before = await roomCount(site);
    const createdBefore = site.companion.postRooms.stats.created;
    const ids = Array.from({ length: 200 }, () => `random-${crypto.randomUUID()}`);
    const started = performance.now();
    for (const id of ids) {
      const error = await refusal(alice.resolveAlias(aliasOf(id)));
      assert.equal(error.status, 404);
    }
    const perQuery = (performance.now() - started) / ids.length;
    assert.equal(await roomCount(site), before, 'no room was created');
    assert.equal(site.companion.postRooms.stats.created, createdBefore);
    assert.ok(perQuery < 200, `an unknown id took ${perQuery.toFixed(1)} ms`);
  });

  test('a request to the application service with the wrong homeserver token is refused and creates nothing', async () => {
    const response = await fetch(`${site.companion.appServiceUrl}/_matrix/app/v1/rooms/${encodeURIComponent(aliasOf('Not created yet'))}`, {
      headers: { Authorization: 'Bearer not-the-token' },
    });
    assert.equal(response.status, 403);
    assert.equal(site.companion.postRooms.stats.created, 2);
  });
});

// The companion signs members in with one-time login tokens (`POST /login/get_token`), which Dendrite lacks.
describe(
  'the site signs its members in through the companion (real Synapse)',
  { skip: dendriteSkip('loginToken', homeserverImplementation()) },
  () => {
    let site: Site;
    let images: Server;
    let imageUrl: string;

    before(async () => {
      site = await startSite({ posts: [] });
      // The site's own avatar images.
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
      images = createServer((request, response) => {
        if (request.url?.startsWith('/avatar')) {
          response.writeHead(200, { 'content-type': 'image/png' });
          response.end(png);
        } else {
          response.writeHead(404).end();
        }
      });
      await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
      imageUrl = `http://127.0.0.1:${String((images.address() as AddressInfo).port)}/avatar`;
    });

    after(async () => {
      images.close();
      await site.stop();
    });

    test('one signed call provisions the member and returns a one-time login token; renames and avatars follow', async () => {
      const first = await signIn(site, { user: 'dana', displayName: 'Dana', avatarUrl: `${imageUrl}?v=1` });
      assert.equal(first.status, 200, JSON.stringify(first.json));
      const login = first.json as unknown as MemberLogin;
      assert.equal(login.userId, '@dana:localhost');
      const session = await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'm.login.token', token: login.loginToken }),
      });
      assert.equal(session.status, 200);
      assert.equal(((await session.json()) as { user_id: string }).user_id, '@dana:localhost');
      // One time only.
      const again = await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'm.login.token', token: login.loginToken }),
      });
      assert.equal(again.status, 403);

      const profile = async (): Promise<Record<string, unknown>> =>
        (await (await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/profile/${encodeURIComponent(login.userId)}`)).json()) as Record<
          string,
          unknown
        >;
      const before = await profile();
      assert.equal(before['displayname'], 'Dana');
      assert.match(String(before['avatar_url']), /^mxc:\/\//u);

      // The site tells the companion when the member changes their profile.
      const renamed = await signIn(
        site,
        { user: 'dana', displayName: 'Dana K.', avatarUrl: `${imageUrl}?v=2` },
        signSiteRequest,
        PROFILE_PATH,
      );
      assert.equal(renamed.status, 200);
      const after = await profile();
      assert.equal(after['displayname'], 'Dana K.');
      assert.notEqual(after['avatar_url'], before['avatar_url'], 'the new avatar was copied');
    });

    test('forged, replayed, stale and malformed requests are refused and provision nobody', async () => {
      const forged = await signIn(site, { user: 'mallory' }, (_secret, method, path, body) =>
        signSiteRequest('f'.repeat(64), method, path, body),
      );
      assert.equal(forged.status, 401);
      const stale = await signIn(site, { user: 'mallory' }, (secret, method, path, body) =>
        signSiteRequest(secret, method, path, body, Date.now() - 10 * 60_000),
      );
      assert.equal(stale.status, 401);
      assert.match(String(stale.json['error']), /too old/u);

      // A captured request sent again.
      const text = JSON.stringify({ user: 'erin' });
      const headers = { ...signSiteRequest(site.siteSecret, 'POST', SIGN_IN_PATH, text), 'content-type': 'application/json' };
      const send = () => fetch(site.companion.siteApiUrl + SIGN_IN_PATH, { method: 'POST', headers, body: text });
      assert.equal((await send()).status, 200);
      const replay = await send();
      assert.equal(replay.status, 401);
      assert.match(((await replay.json()) as { error: string }).error, /already used/u);

      const bad = await signIn(site, { user: 'Not A Localpart!' });
      assert.equal(bad.status, 400);

      const mallory = await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/profile/${encodeURIComponent('@mallory:localhost')}`);
      assert.equal(mallory.status, 404, 'nobody was provisioned');
    });
  },
);
