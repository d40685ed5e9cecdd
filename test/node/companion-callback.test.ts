/**
 * The site's post callback misbehaving: it hangs past the companion's timeout, answers HTML, a server error, a post
 * that is not the one asked for, or something that is not a post. Each time the alias stays unknown, no room is
 * created, and a later good answer for the same post still creates its room (nothing was cached as "no such post").
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MatrixError, startSite, type Peer, type Site } from '@omnisocial/testing';
import { postRoomAlias } from '@omnisocial/server';

type Behaviour = 'hang' | 'html' | 'error' | 'other-post' | 'not-a-post' | 'good';

/** A site whose callback answers each post id the way `behaviour` says at the time of the call. */
async function misbehavingSite(behaviour: Map<string, Behaviour>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const id = new URL(request.url ?? '/', 'http://site').searchParams.get('id') ?? '';
    switch (behaviour.get(id)) {
      case 'hang':
        return; // never answers: the companion's timeout must end the wait
      case 'html':
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome!</body></html>');
        return;
      case 'error':
        response.writeHead(500).end();
        return;
      case 'other-post':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'another-post' }));
        return;
      case 'not-a-post':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 42, open: 'yes' }));
        return;
      case 'good':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, title: id, open: true }));
        return;
      default:
        response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/posts` };
}

async function refusal(promise: Promise<unknown>): Promise<MatrixError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MatrixError) return error;
    throw error;
  }
  throw new Error('expected the homeserver to refuse');
}

describe("the site's post callback misbehaving (real Synapse, application service)", () => {
  const behaviour = new Map<string, Behaviour>();
  let callback: { server: Server; url: string };
  let site: Site;
  let alice: Peer;
  const aliasOf = (id: string): string => postRoomAlias(id, { serverName: 'localhost' });

  before(async () => {
    callback = await misbehavingSite(behaviour);
    site = await startSite({ postsCallback: callback.url, postsTimeoutMs: 1_000 });
    alice = await site.homeserver.registerUser({ displayName: 'Alice' });
  });

  after(async () => {
    await site.stop();
    callback.server.closeAllConnections();
    callback.server.close();
  });

  for (const kind of ['hang', 'html', 'error', 'other-post', 'not-a-post'] as const) {
    test(`a callback that ${kind === 'hang' ? 'never answers' : `answers ${kind}`} creates nothing, and a later good answer does`, async () => {
      const id = `post-${kind}`;
      behaviour.set(id, kind);
      const created = site.companion.postRooms.stats.created;
      const started = performance.now();
      const error = await refusal(alice.resolveAlias(aliasOf(id)));
      assert.equal(error.status, 404, 'the alias stays unknown');
      assert.ok(performance.now() - started < 10_000, 'the wait is bounded by the callback timeout');
      assert.equal(site.companion.postRooms.stats.created, created, 'no room was created');

      behaviour.set(id, 'good');
      const roomId = await waitForRoom(alice, aliasOf(id));
      assert.match(roomId, /^!/u);
      assert.equal(site.companion.postRooms.stats.created, created + 1);
    });
  }
});

/**
 * A failed look-up may be remembered as unknown for a short while (the companion caches unknown ids), so the good
 * answer is asked for until it arrives, within the cache's lifetime.
 */
async function waitForRoom(peer: Peer, alias: string): Promise<string> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      return await peer.resolveAlias(alias);
    } catch (error) {
      if (!(error instanceof MatrixError) || error.status !== 404 || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
