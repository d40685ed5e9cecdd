/**
 * The site's companion on server A applies its policy list to a member of server B: a site-wide ban
 * (`m.policy.rule.user`) bans B's member from A's post rooms (their server then refuses what they write there),
 * and a server rule (`m.policy.rule.server`) denies server B through the post rooms' `m.room.server_acl`, after
 * which what another member of B writes never reaches A. Before either rule, B's members are heard on A (the
 * control). B is named by its IP literal so that a rule naming B's host does not also name A's `localhost`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { postRoomAlias } from '@omnisocial/server';
import { startFederation, type Federation, type Peer, type Site } from '@omnisocial/testing';
import { quietWindow } from '../support/wait.ts';

const TIMEOUT = 60_000;
/** How long a message B's server queued for A is given to arrive before its absence counts. */
const DELIVERY_WINDOW_MS = 5_000;
const enc = encodeURIComponent;

let federation: Federation;
let site: Site;
let alice: Peer;
let bob: Peer;
let carol: Peer;
let roomId: string;

before(async () => {
  federation = await startFederation({ ipLiteralB: true, siteA: { posts: [{ id: 'federated', title: 'Federated', open: true }] } });
  if (!federation.siteA) throw new Error('server A started without its companion');
  site = federation.siteA;
  alice = await federation.a.registerUser({ displayName: 'Alice of A' });
  bob = await federation.b.registerUser({ displayName: 'Bob of B' });
  carol = await federation.b.registerUser({ displayName: 'Carol of B' });
  // Bob's server asks A for the alias; A's companion creates the post's room on demand.
  const alias = postRoomAlias('federated', { serverName: federation.a.serverName });
  roomId = await bob.joinRoom(alias);
  await carol.joinRoom(alias);
  await alice.joinRoom(alias);
});

after(async () => {
  await federation.stop();
});

async function membership(userId: string): Promise<string | undefined> {
  const state = await alice
    .request<{ membership?: string }>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`)
    .catch(() => ({ membership: undefined }));
  return state.membership;
}

test("a site-wide ban from A's policy list bans B's member from A's post room; their server refuses their messages", async () => {
  await bob.sendMessage(roomId, 'Bob before the ban');
  await alice.waitForMessage(roomId, (e) => e.content['body'] === 'Bob before the ban', TIMEOUT);

  await site.companion.moderation.policy.addRule('user', bob.userId, 'trolling');
  assert.equal(await membership(bob.userId), 'ban');
  // The ban reaches B, whose server then refuses Bob's messages in the room.
  const deadline = Date.now() + TIMEOUT;
  let refusal: unknown;
  while (refusal === undefined && Date.now() < deadline) {
    refusal = await bob.sendMessage(roomId, 'Bob after the ban').then(
      () => undefined,
      (error: unknown) => error,
    );
    if (refusal === undefined) await quietWindow(500);
  }
  assert.match(String(refusal), /403|M_FORBIDDEN/u);
  await quietWindow(DELIVERY_WINDOW_MS);
  const onA = await alice.roomMessages(roomId, { limit: 100 });
  assert.ok(!onA.some((e) => e.sender === bob.userId && e.content['body'] === 'Bob after the ban'), "a banned member's message reached A");
});

test("a server rule from A's policy list denies server B in A's post room: B's other member is no longer heard", async () => {
  const host = federation.b.serverName.slice(0, federation.b.serverName.lastIndexOf(':'));
  await carol.sendMessage(roomId, 'Carol before the server rule');
  await alice.waitForMessage(roomId, (e) => e.content['body'] === 'Carol before the server rule', TIMEOUT);

  await site.companion.moderation.policy.addRule('server', host, 'abuse');
  const acl = await alice.request<{ deny?: string[] }>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.server_acl/`);
  assert.ok(acl.deny?.includes(host), `the ACL does not deny ${host}: ${JSON.stringify(acl)}`);
  await carol.waitForMessage(roomId, (e) => e.type === 'm.room.server_acl', TIMEOUT);
  await carol.sendMessage(roomId, 'Carol after the server rule');
  await quietWindow(DELIVERY_WINDOW_MS);
  const onA = await alice.roomMessages(roomId, { limit: 100 });
  assert.ok(!onA.some((e) => e.content['body'] === 'Carol after the server rule'), "B's message after the server rule reached A");
});
