/**
 * What the chat under a post shows, against a real Synapse and the real engine in Node: the light read
 * painted first for a visitor of an open post, then the guest session's own view of it; the sign-in a
 * visitor of a members-only post is asked for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { sessionFor, signIn, signOut } from '../session/registry.ts';
import { SessionView } from '../session/session-view.ts';
import { PostView, type PostViewSnapshot } from './post-view.ts';
import type { PostRoomTarget } from './posts.ts';

/** Resolves with the first snapshot that satisfies `predicate`; fails with the last one seen. */
function until(post: PostView, session: SessionView, predicate: (s: PostViewSnapshot) => boolean, what: string): Promise<PostViewSnapshot> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const snapshot = post.snapshot;
      if (!predicate(snapshot)) return;
      clearTimeout(timer);
      stopPost();
      stopSession();
      resolve(snapshot);
    };
    const timer = setTimeout(() => {
      stopPost();
      stopSession();
      reject(new Error(`timed out waiting for ${what}; last: ${JSON.stringify({ ...post.snapshot, snapshot: undefined })}}`));
    }, 30_000);
    const stopPost = post.subscribe(check);
    const stopSession = session.subscribe(check);
    check();
  });
}

/** A post view as `<omni-chat>` drives it: the session view connected, the input set. */
function mount(hs: Homeserver, target: PostRoomTarget): { session: SessionView; post: PostView } {
  const session = new SessionView(() => ({
    homeserver: hs.baseUrl,
    room: JSON.stringify(target),
    open: (s) => s.openPostRoom(target),
  }));
  const post = new PostView(session);
  post.setInput({ homeserver: hs.baseUrl, target });
  session.start();
  session.update();
  return { session, post };
}

const hasMessage = (s: PostViewSnapshot, body: string): boolean =>
  s.kind === 'room' && s.snapshot.items.some((item) => item.kind === 'message' && item.body === body);

describe('PostView', () => {
  let hs: Homeserver;
  let alice: Peer;
  const openPost: PostRoomTarget = { id: 'open-post', title: 'An open post', open: true };

  before(async () => {
    hs = await startSynapse();
    alice = await hs.registerUser({ displayName: 'Alice' });
    // Alice's first message creates the open post's room.
    await signIn({ homeserver: hs.baseUrl, username: alice.username, password: alice.password });
    const handle = sessionFor(hs.baseUrl)?.openPostRoom(openPost);
    assert.ok(handle);
    await handle.send('first words');
    await new Promise<void>((resolve) => {
      const stop = handle.subscribe((s) => {
        if (s.items.some((i) => i.kind === 'message' && i.body === 'first words' && i.status === 'sent')) {
          stop();
          resolve();
        }
      });
    });
    handle.release();
    await signOut(hs.baseUrl);
  });

  after(async () => {
    await signOut(hs.baseUrl).catch(() => undefined);
    await hs.stop();
  });

  test('without a post id there is nothing to show', () => {
    const session = new SessionView(() => ({ homeserver: hs.baseUrl, room: '' }));
    const post = new PostView(session);
    post.setInput({ homeserver: hs.baseUrl, target: undefined });
    assert.deepEqual(post.snapshot, { kind: 'no-post' });
  });

  test('a visitor of a members-only post is asked to sign in', async () => {
    const { session, post } = mount(hs, { id: 'closed-post' });
    const shown = await until(post, session, (s) => s.kind === 'members-only', 'the members-only sign-in');
    assert.deepEqual(shown, { kind: 'members-only', roomRefused: false, revoked: false });
    session.stop();
  });

  test('a visitor of an open post reads the light read first, then the guest session takes over', async () => {
    const { session, post } = mount(hs, openPost);
    const light = await until(post, session, (s) => s.kind === 'room' && s.light && hasMessage(s, 'first words'), 'the light read');
    assert.equal(light.kind === 'room' && light.guest, true);
    assert.equal(light.kind === 'room' && light.snapshot.canSend, false);
    const engine = await until(
      post,
      session,
      (s) => s.kind === 'room' && !s.light && hasMessage(s, 'first words'),
      "the guest engine's view",
    );
    assert.equal(engine.kind === 'room' && engine.guest, true);
    assert.equal(sessionFor(hs.baseUrl)?.info.guest, true);
    // The prompt's Sign in shows the form instead of the composer.
    post.showSignIn();
    const asked = post.snapshot;
    assert.equal(asked.kind === 'room' && asked.showSignIn, true);
    session.stop();
  });
});
