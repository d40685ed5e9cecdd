/**
 * When a member's `<omni-room>` can be served by a light read, the engine chunk (matrix-js-sdk) is requested
 * only once the light read has painted: the page signs in through the elements' page API, as
 * `pnpm bench peers` does, then mounts the room, against a real Synapse. Its own page: the engine chunk must
 * not have been loaded by another test. (test/browser/room-light-engine-none.test.ts: with no light read, the
 * engine chunk is requested at once.)
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { peer, registerUser, homeserver } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { deepText, findDeep } from './dom.ts';

const engineRequests = (): PerformanceResourceTiming[] =>
  (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) => entry.name.includes('/session/engine.ts'));

/** The time of the first frame in which `text()` includes `marker`. */
const paintedAt = (text: () => string, marker: string): Promise<number> =>
  new Promise((resolve) => {
    const check = (): void => {
      if (text().includes(marker)) resolve(performance.now());
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });

describe('the engine chunk of a member whose room a light read serves', function () {
  this.timeout(120_000);

  after(async () => {
    await signOut();
  });

  it('is requested after the light read painted the room, and then opens the composer', async () => {
    const { baseUrl } = await homeserver();
    const alice = await registerUser({ displayName: 'Alice' });
    const bob = await registerUser({ displayName: 'Bob' });
    const { roomId } = await peer(bob).createRoom({ name: 'Before the engine', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'painted before the engine');

    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    expect(engineRequests(), 'the engine chunk was requested while signing in').to.have.length(0);
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${roomId}></omni-room>`);
    const painted = await paintedAt(() => deepText(el), 'painted before the engine');

    expect(
      engineRequests()
        .filter((entry) => entry.startTime < painted)
        .map((entry) => entry.name),
      'the engine chunk was requested before the light read painted',
    ).to.deep.equal([]);
    await waitUntil(() => findDeep(el, 'textarea')?.matches(':enabled') === true, 'the composer did not open', { timeout: 60_000 });
    expect(engineRequests().length, 'the engine chunk was never requested').to.be.greaterThan(0);
  });
});
