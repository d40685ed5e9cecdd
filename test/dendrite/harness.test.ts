/**
 * The Dendrite harness itself (run by `pnpm test dendrite`, beside the shared suites on Dendrite): it starts a
 * real Dendrite on loopback, makes accounts and guests, keeps its database across a crash and a restart, stops by
 * PID leaving nothing behind, and refuses what Dendrite cannot do by name.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { homeserverImplementation, startHomeserver, UnsupportedByDendrite, type Homeserver } from '@omnisocial/testing';

void describe('the homeserver switch', () => {
  void test('OMNI_HOMESERVER selects synapse (the default) or dendrite, and nothing else', () => {
    assert.equal(homeserverImplementation({}), 'synapse');
    assert.equal(homeserverImplementation({ OMNI_HOMESERVER: 'dendrite' }), 'dendrite');
    assert.throws(() => homeserverImplementation({ OMNI_HOMESERVER: 'conduit' }), /OMNI_HOMESERVER=conduit is not a homeserver/u);
  });

  void test('a Synapse-only option is refused on Dendrite, naming the option and the reason', async () => {
    await assert.rejects(
      startHomeserver({ accessTokenLifetime: { refreshable: '5s' } }, 'dendrite'),
      (error: unknown) => error instanceof UnsupportedByDendrite && /accessTokenLifetime.*never expire/u.test(error.message),
    );
    await assert.rejects(startHomeserver({ roomCreation: 'forbidden' }, 'dendrite'), /`roomCreation`: it has no spam-checker/u);
  });
});

void describe('a Dendrite started by the harness', () => {
  let hs: Homeserver;
  before(async () => {
    hs = await startHomeserver({}, 'dendrite');
  });
  after(() => hs.stop());

  void test('answers on loopback with its own signing key and SQLite databases', async () => {
    assert.match(hs.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/u);
    const versions = (await (await fetch(`${hs.baseUrl}/_matrix/client/versions`)).json()) as { versions: string[] };
    assert.ok(versions.versions.includes('v1.1'));
    const config = JSON.parse(await readFile(`${hs.configDir}/dendrite.yaml`, 'utf8')) as {
      room_server: { database: { connection_string: string } };
    };
    assert.match(config.room_server.database.connection_string, /^file:.*roomserver\.db$/u);
    assert.match(await readFile(`${hs.configDir}/matrix_key.pem`, 'utf8'), /BEGIN MATRIX PRIVATE KEY/u);
  });

  void test('makes accounts by shared secret, guests, and registration tokens', async () => {
    const alice = await hs.registerUser({ displayName: 'Alice' });
    assert.equal((await alice.whoami()).user_id, alice.userId);
    const again = await hs.login(alice.username, alice.password);
    assert.equal(again.userId, alice.userId);
    const guest = await hs.guest();
    assert.match(guest.userId, /:localhost$/u);
    assert.match(await hs.createRegistrationToken({ usesAllowed: 1 }), /^\S+$/u);
    await assert.rejects(hs.mintLoginToken(alice.userId), /cannot mint a login token.*get_token/u);
  });

  void test('keeps its database across a crash and a restart', async () => {
    const bob = await hs.registerUser();
    const { roomId } = await bob.createRoom({ name: 'Kept' });
    await bob.sendMessage(roomId, 'before the crash');
    const crashed = hs.pid;
    await hs.kill();
    await hs.restart();
    assert.notEqual(hs.pid, crashed);
    const events = await bob.roomMessages(roomId);
    assert.ok(events.some((event) => event.content['body'] === 'before the crash'));
  });

  void test('stops by PID and removes its directory', async () => {
    const other = await startHomeserver({}, 'dendrite');
    const { pid, configDir } = other;
    await other.stop();
    assert.throws(() => process.kill(pid, 0), /ESRCH/u);
    assert.equal(existsSync(configDir), false);
  });
});
