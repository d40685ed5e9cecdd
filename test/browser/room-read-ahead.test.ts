/**
 * The loader's `<omni-room>` of a signed-in member starts the room's light read while the views chunk is still
 * on its way (core's `readRoomAhead`), not after it: the light read's request starts before the views chunk's
 * modules have all arrived, and the view then shows the room, against a real Synapse. Its own page: the
 * views chunk must not have been loaded by another test.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { peer, registerUser, homeserver } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { deepText } from './dom.ts';
import { recordLightReads } from './light-read-requests.ts';

describe('the read ahead of a member’s <omni-room>', function () {
  this.timeout(120_000);

  after(async () => {
    await signOut();
  });

  it('asks for the room’s messages while the views chunk downloads', async () => {
    const { baseUrl } = await homeserver();
    const alice = await registerUser({ displayName: 'Alice' });
    const bob = await registerUser({ displayName: 'Bob' });
    const { roomId } = await peer(bob).createRoom({ name: 'Ahead', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'read while the views load');
    await signIn({ homeserver: baseUrl, accessToken: alice.accessToken, userId: alice.userId, deviceId: alice.deviceId });
    const resources = (): PerformanceResourceTiming[] => performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    expect(
      resources().some((entry) => entry.name.includes('/components/room/omni-room.ts')),
      'the views were loaded before the test',
    ).to.equal(false);

    const since = performance.now();
    const lightReads = recordLightReads();
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${roomId}></omni-room>`);
    await waitUntil(() => deepText(el).includes('read while the views load'), 'the room was not shown', { timeout: 60_000 });
    lightReads.stop();

    const read = lightReads.requests.filter((request) => request.rooms.includes(roomId));
    expect(read.length, 'no light read').to.be.greaterThan(0);
    const views = resources().filter((entry) => entry.name.includes('/packages/elements/src/') && entry.startTime >= since);
    const viewsArrived = Math.max(...views.map((entry) => entry.responseEnd));
    expect(Math.min(...read.map((request) => request.at)), 'the light read waited for the views chunk').to.be.lessThan(viewsArrived);
  });
});
