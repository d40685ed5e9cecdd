/**
 * With no light read to wait for, a member's engine chunk is requested as early as before: a page whose
 * `<omni-room>` is on screen (signed out) when it signs its member in through the elements' page API has the
 * chunk requested while the homeserver checks the password, against a real Synapse. Its own page: the engine
 * chunk must not have been loaded by another test (test/browser/room-light-engine.test.ts has the other case).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { peer, registerUser, homeserver } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { deepText, findDeep } from './dom.ts';

const resources = (): PerformanceResourceTiming[] => performance.getEntriesByType('resource') as PerformanceResourceTiming[];

describe('the engine chunk of a member whose views read nothing ahead', function () {
  this.timeout(120_000);

  after(async () => {
    await signOut();
  });

  it('is requested while the password is checked, as the view on screen waits for the engine', async () => {
    const { baseUrl } = await homeserver();
    const alice = await registerUser({ displayName: 'Alice' });
    const bob = await registerUser({ displayName: 'Bob' });
    const { roomId } = await peer(bob).createRoom({ name: 'Engine at once', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'shown by the engine');

    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${roomId} loading="eager"></omni-room>`);
    await waitUntil(() => findDeep(el, 'omni-sign-in') !== undefined, 'the view did not show the sign-in', { timeout: 60_000 });
    const since = performance.now();
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });

    const login = resources().filter((entry) => entry.name.includes('/_matrix/client/v3/login') && entry.startTime >= since);
    const engine = resources().filter((entry) => entry.name.includes('/session/engine.ts'));
    expect(login.length, 'no login request').to.be.greaterThan(0);
    expect(engine.length, 'the engine chunk was not requested').to.be.greaterThan(0);
    expect(Math.min(...engine.map((entry) => entry.startTime)), 'the engine chunk waited for the sign-in').to.be.lessThan(
      Math.max(...login.map((entry) => entry.responseEnd)),
    );
    await waitUntil(() => deepText(el).includes('shown by the engine'), 'the engine did not show the room', { timeout: 60_000 });
  });
});
