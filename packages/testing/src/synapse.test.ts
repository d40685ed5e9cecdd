import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MatrixError, Peer, SHARED_SYNAPSE_ENV, shareEnvironment, startSynapse } from './index.ts';
import { sharedSynapse } from './shared-synapse.ts';
import type { Homeserver, TestUser } from './index.ts';

function assertGone(pid: number): void {
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
}

/** Fires `count` sends at once and returns how many the server refused with 429. */
async function burstOfSends(peer: Peer, roomId: string, count: number): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => peer.sendMessage(roomId, `burst ${i}`)));
  let limited = 0;
  for (const result of results) {
    if (result.status === 'fulfilled') continue;
    const error: unknown = result.reason;
    assert.ok(error instanceof MatrixError, String(error));
    assert.equal(error.status, 429);
    assert.equal(error.errcode, 'M_LIMIT_EXCEEDED');
    limited++;
  }
  return limited;
}

void describe('one homeserver', () => {
  let hs: Homeserver;
  before(async () => {
    hs = await startSynapse();
  });
  after(() => hs.stop());

  void test('two registered users talk in a room found by alias', async () => {
    const alice = await hs.registerUser({ displayName: 'Alice' });
    const bob = await hs.registerUser();
    assert.match(alice.userId, /^@user-[0-9a-f]+:localhost$/);

    const { roomId, alias } = await alice.createRoom({ alias: `lobby-${Date.now()}`, visibility: 'public' });
    assert.ok(alias);
    assert.match(alias, /^#lobby-\d+:localhost$/);
    assert.equal(await bob.resolveAlias(alias), roomId);
    assert.equal(await bob.joinRoom(alias), roomId);

    const eventId = await alice.sendMessage(roomId, 'hello bob', { formattedBody: '<b>hello</b> bob' });
    const seen = await bob.waitForMessage(roomId, (event) => event.event_id === eventId);
    assert.equal(seen.sender, alice.userId);
    assert.deepEqual(seen.content, {
      msgtype: 'm.text',
      body: 'hello bob',
      format: 'org.matrix.custom.html',
      formatted_body: '<b>hello</b> bob',
    });
    const timeline = await bob.roomMessages(roomId);
    assert.equal(timeline[0]?.type, 'm.room.create', 'roomMessages is chronological');

    const profile = await bob.request<{ displayname?: string }>('GET', `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}`);
    assert.equal(profile.displayname, 'Alice');
  });

  void test('password login and guests work; a peer survives JSON', async () => {
    const carol = await hs.registerUser({ username: `carol-${Date.now()}`, password: 'pw-carol' });
    const again = await hs.login(carol.username, 'pw-carol');
    assert.equal(again.userId, carol.userId);
    assert.notEqual(again.deviceId, carol.deviceId);

    const guest = await hs.guest();
    assert.equal((await guest.whoami()).is_guest, true);

    const revived = Peer.fromJSON(JSON.parse(JSON.stringify(carol)) as TestUser);
    assert.equal((await revived.whoami()).user_id, carol.userId);
  });

  void test('simplified sliding sync answers for a registered user', async () => {
    const dave = await hs.registerUser();
    const { roomId } = await dave.createRoom({ name: 'Sliding' });
    const response = await dave.request<{ pos?: string; rooms?: Record<string, unknown> }>(
      'POST',
      '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync',
      { lists: { all: { ranges: [[0, 9]], timeline_limit: 1, required_state: [['m.room.name', '']] } } },
    );
    assert.equal(typeof response.pos, 'string');
    assert.ok(response.rooms?.[roomId], 'the new room is in the sliding window');
  });

  void test('HTTP errors carry errcode and status', async () => {
    const erin = await hs.registerUser();
    await assert.rejects(erin.resolveAlias('#missing:localhost'), { errcode: 'M_NOT_FOUND', status: 404 });
  });

  void test('shared by a step: startSynapse() with its configuration answers with it, and refuses to kill or restart it', async () => {
    // Under `pnpm test` this file already runs on the step's shared server; alone, it shares its own.
    const before = process.env[SHARED_SYNAPSE_ENV];
    if (before === undefined) Object.assign(process.env, shareEnvironment(hs));
    try {
      const again = await startSynapse();
      assert.equal(again.baseUrl, hs.baseUrl);
      const member = await again.registerUser();
      assert.equal((await member.whoami()).user_id, member.userId);
      assert.ok((await again.mintLoginToken(member.userId)).length > 0);
      await assert.rejects(again.kill(), /shared Synapse/);
      await assert.rejects(again.restart(), /shared Synapse/);
      await assert.rejects(again.saveSnapshot('/nonexistent'), /shared Synapse/);
      await again.stop();
      assert.equal((await fetch(`${hs.baseUrl}/_matrix/client/versions`)).status, 200, 'stop() left the shared server running');
      assert.equal(sharedSynapse({})?.baseUrl, hs.baseUrl, 'its configuration gets a handle on it');
      assert.equal(sharedSynapse({ rateLimited: true }), undefined, 'another configuration gets a server of its own');
      assert.equal(sharedSynapse({ own: true }), undefined, 'own: true gets a server of its own');
    } finally {
      if (before === undefined) Reflect.deleteProperty(process.env, SHARED_SYNAPSE_ENV);
    }
  });

  void test('rapid sends are not rate-limited by default', async () => {
    const frank = await hs.registerUser();
    const { roomId } = await frank.createRoom();
    assert.equal(await burstOfSends(frank, roomId, 30), 0);
  });
});

void test('two servers with different names run at once and stop cleanly', async () => {
  const servers = await Promise.all([startSynapse({ serverName: 'alpha.test' }), startSynapse({ serverName: 'beta.test' })]);
  try {
    for (const server of servers) {
      const versions = await fetch(`${server.baseUrl}/_matrix/client/versions`);
      assert.equal(versions.status, 200);
      const user = await server.registerUser();
      assert.ok(user.userId.endsWith(`:${server.serverName}`), user.userId);
    }
    assert.notEqual(servers[0].baseUrl, servers[1].baseUrl);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  for (const server of servers) {
    assertGone(server.pid);
    assert.equal(existsSync(server.configDir), false, 'stop() removes the temp dir');
  }
});

void test('an occupied port fails fast with a clear error', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  assert.ok(address && typeof address === 'object');
  try {
    const error: unknown = await startSynapse({ port: address.port }).then(
      () => assert.fail('Synapse started on an occupied port'),
      (reason: unknown) => reason,
    );
    assert.ok(error instanceof Error);
    assert.match(error.message, new RegExp(`port ${address.port} on 127\\.0\\.0\\.1 is already in use`));
    const logFile = /\(log: (.+)\)$/.exec(error.message)?.[1];
    assert.ok(logFile && existsSync(logFile), 'the error names an existing log file');
    assert.doesNotMatch(error.message, /\n/);
    await rm(path.dirname(logFile), { recursive: true, force: true });
  } finally {
    blocker.close();
  }
});

void test('rateLimited: true keeps Synapse rate limits', async () => {
  const hs = await startSynapse({ rateLimited: true });
  try {
    const user = await hs.registerUser();
    const { roomId } = await user.createRoom();
    assert.ok((await burstOfSends(user, roomId, 30)) > 0, 'some sends hit M_LIMIT_EXCEEDED');
  } finally {
    await hs.stop();
  }
  assertGone(hs.pid);
});
