/**
 * A server ACL (`m.room.server_acl`) set on server A shuts server B's member out of A's room: what B's member
 * writes afterwards never reaches A, while B still receives what A's members write. Server B is named by its IP
 * literal (`startFederation({ ipLiteralB: true })`): ACLs match server names without their port, so B's host
 * must differ from A's `localhost`. Before the ACL, B's member is heard on A (the control).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFederation, type Federation, type Peer } from '@omnisocial/testing';
import { quietWindow } from '../support/wait.ts';

const TIMEOUT = 60_000;
/** How long a message B's server queued for A is given to arrive before its absence counts. */
const DELIVERY_WINDOW_MS = 5_000;

let federation: Federation;
let alice: Peer;
let bob: Peer;

before(async () => {
  federation = await startFederation({ ipLiteralB: true });
  alice = await federation.a.registerUser({ displayName: 'Alice of A' });
  bob = await federation.b.registerUser({ displayName: 'Bob of B' });
});

after(async () => {
  await federation.stop();
});

test("a server ACL from A denying B: B's member is no longer heard on A, and still hears A", async () => {
  const { a, b } = federation;
  assert.match(b.serverName, /^127\.0\.0\.1:\d+$/u);
  const { roomId, alias } = await alice.createRoom({ alias: `acl-${String(Date.now())}`, preset: 'public_chat' });
  assert.ok(alias !== undefined && alias.endsWith(`:${a.serverName}`));
  await bob.joinRoom(alias);
  await bob.sendMessage(roomId, 'before the ACL');
  await alice.waitForMessage(roomId, (e) => e.content['body'] === 'before the ACL', TIMEOUT);

  await alice.sendState(roomId, 'm.room.server_acl', '', { allow: ['*'], deny: ['127.0.0.1'], allow_ip_literals: true });
  await bob.waitForMessage(roomId, (e) => e.type === 'm.room.server_acl', TIMEOUT);

  // B's own server still takes its member's message; A refuses it when B passes it on.
  await bob.sendMessage(roomId, 'after the ACL');
  await alice.sendMessage(roomId, 'A after the ACL');
  await bob.waitForMessage(roomId, (e) => e.content['body'] === 'A after the ACL', TIMEOUT);
  await quietWindow(DELIVERY_WINDOW_MS);
  const onA = await alice.roomMessages(roomId, { limit: 50 });
  assert.ok(
    onA.some((e) => e.content['body'] === 'before the ACL'),
    'the control message from before the ACL is missing',
  );
  assert.ok(!onA.some((e) => e.content['body'] === 'after the ACL'), "B's message after the ACL reached A");
});
