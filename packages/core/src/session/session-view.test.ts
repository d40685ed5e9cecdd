/**
 * The session state machine of a room view, against a real Synapse and the real engine in Node
 * (sessions live in memory here: Node has no IndexedDB).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { signIn, signOut } from './registry.ts';
import { SessionView, type SessionViewState } from './session-view.ts';

/** Resolves with the first state that satisfies `predicate`; fails with the last one seen. */
function until(view: SessionView, predicate: (state: SessionViewState) => boolean, what: string): Promise<SessionViewState> {
  return new Promise((resolve, reject) => {
    const check = (state: SessionViewState): void => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(state);
    };
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(view.state).slice(0, 300)}`));
    }, 20_000);
    const unsubscribe = view.subscribe(check);
    check(view.state);
  });
}

describe('SessionView', () => {
  let hs: Homeserver;
  let alice: Peer;
  let alias: string;

  before(async () => {
    hs = await startSynapse();
    const bob = await hs.registerUser({ displayName: 'Bob' });
    alice = await hs.registerUser({ displayName: 'Alice' });
    const room = await bob.createRoom({ alias: 'views', name: 'Views', preset: 'public_chat', visibility: 'public' });
    alias = room.alias ?? '';
    await bob.sendMessage(room.roomId, 'hello from bob');
  });

  after(async () => {
    await signOut(hs.baseUrl).catch(() => undefined);
    await hs.stop();
  });

  test('asks for both attributes before connecting', () => {
    const view = new SessionView(() => ({ homeserver: hs.baseUrl, room: '' }));
    view.start();
    view.update();
    assert.deepEqual(view.state, { kind: 'error', error: { code: 'bad-room', message: 'Set both the homeserver and room attributes.' } });
    view.stop();
  });

  test('says an unreachable homeserver cannot be reached', async () => {
    const view = new SessionView(() => ({ homeserver: 'http://127.0.0.1:1', room: '#x:localhost' }));
    view.start();
    view.update();
    assert.equal(view.state.kind, 'connecting');
    const state = await until(view, (s) => s.kind === 'error', 'an error');
    assert.equal(state.kind === 'error' ? state.error.code : undefined, 'unreachable');
    view.stop();
  });

  test('follows sign-in and sign-out: signed out, the room with its messages, signed out again', async () => {
    const view = new SessionView(() => ({ homeserver: hs.baseUrl, room: alias }));
    view.start();
    view.update();
    const signedOut = await until(view, (s) => s.kind === 'signed-out', 'signed out');
    // Node keeps sessions in memory only: `persistent` is false here, true in a browser with IndexedDB.
    assert.deepEqual(
      { ...signedOut, persistent: undefined },
      { kind: 'signed-out', homeserverUrl: hs.baseUrl, persistent: undefined, revoked: false },
    );
    assert.deepEqual(view.session, { state: 'signed-out' });
    assert.equal(view.homeserverUrl, hs.baseUrl);
    await assert.rejects(view.send('too early'), /not open/u);

    await signIn({ homeserver: hs.baseUrl, username: alice.username, password: alice.password });
    const open = await until(
      view,
      (s) =>
        s.kind === 'room' &&
        s.snapshot.status === 'ready' &&
        s.snapshot.items.some((i) => i.kind === 'message' && i.body === 'hello from bob'),
      "the room with Bob's message",
    );
    assert.equal(open.kind, 'room');
    assert.deepEqual(view.session, { state: 'signed-in', userId: alice.userId });
    assert.equal(view.userId, alice.userId);
    assert.equal(view.guest, false);

    await signOut(hs.baseUrl);
    await until(view, (s) => s.kind === 'signed-out', 'signed out after signing out');
    assert.equal(view.userId, undefined);
    view.stop();
  });
});
