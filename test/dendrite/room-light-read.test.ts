/**
 * A member's room light read on a homeserver without simplified sliding sync (Dendrite 0.13.8, docs/homeservers.md):
 * the light read's sliding sync request is answered as an unknown endpoint, and the room is read with the separate
 * requests instead, the same way for the rest of the page's life without asking again. Run on Dendrite, in
 * `pnpm test dendrite`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startHomeserver, type Homeserver, type Peer } from '@omnisocial/testing';
import { lightReadRoom } from '@omnisocial/core';

void describe("a member's room light read on Dendrite", () => {
  let hs: Homeserver;
  let alice: Peer;
  let bob: Peer;

  before(async () => {
    hs = await startHomeserver({}, 'dendrite');
    alice = await hs.registerUser({ displayName: 'Alice' });
    bob = await hs.registerUser({ displayName: 'Bob' });
  });

  after(async () => {
    await hs.stop();
  });

  void test('falls back to the separate requests once, and shows the room as they read it', async () => {
    const { roomId } = await alice.createRoom({ name: 'On Dendrite', topic: 'No sliding sync here', preset: 'public_chat' });
    await bob.joinRoom(roomId);
    await alice.sendMessage(roomId, 'hello from dendrite');
    const requests: { method: string; path: string; status: number }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : input.toString());
      requests.push({ method: init?.method ?? 'GET', path: url.pathname, status: response.status });
      return response;
    };
    const options = { accessToken: bob.accessToken, userId: bob.userId, fetch: recording };

    const first = await lightReadRoom(hs.baseUrl, roomId, options);
    assert.equal(first.status, 'ready');
    assert.equal(first.name, 'On Dendrite');
    assert.equal(first.topic, 'No sliding sync here');
    assert.ok(first.items.some((item) => item.kind === 'message' && item.body === 'hello from dendrite'));
    const [asked, ...rest] = requests;
    assert.equal(asked?.method, 'POST');
    assert.match(asked.path, /simplified_msc3575\/sync$/u);
    assert.ok([404, 405, 400].includes(asked.status), `sliding sync answered ${String(asked.status)}`);
    assert.deepEqual(
      rest.map((request) => request.method),
      Array<string>(8).fill('GET'),
    );

    requests.length = 0;
    const second = await lightReadRoom(hs.baseUrl, roomId, options);
    assert.deepEqual(second, first);
    assert.deepEqual(
      requests.map((request) => request.method),
      Array<string>(8).fill('GET'),
      'sliding sync was asked again',
    );
  });
});
