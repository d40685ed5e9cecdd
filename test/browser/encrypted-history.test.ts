/**
 * Reading an encrypted room's history, against a real Synapse with matrix-nio as the other member: the
 * member scrolls `<omni-room>` up to the room's first message; older messages come in pages of 100 (not 30)
 * and every message ends up decrypted; the engine records the time of each page's request and of its decryption as
 * User Timing measures (what the crypto benchmark reads).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, startNioPeer, type RemoteNioPeer, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/chat';
import { deepText, log } from './dom.ts';
import { engineMeasures, engineResources, type EngineResource } from './engine-network.ts';
import { engineSession } from './engine-session.ts';

/** More than the 30 messages a room opens with plus one page of 100: two pages of older history. */
const MESSAGES = 140;
const label = (i: number): string => `encrypted history ${String(i).padStart(3, '0')}`;

/** The engine's `/messages` requests since `since` (ms since the epoch), on the page or in its worker. */
async function messagesRequests(since: number): Promise<EngineResource[]> {
  return (await engineResources()).filter((e) => e.startedAt >= since && new URL(e.name).pathname.endsWith('/messages'));
}

describe('encrypted history (real Synapse, matrix-nio)', function () {
  this.timeout(300_000);
  let baseUrl: string;
  let alice: TestUser;
  let bob: TestUser;
  let nio: RemoteNioPeer;

  before(async () => {
    performance.setResourceTimingBufferSize(10_000);
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    nio = await startNioPeer();
  });

  after(async () => {
    await nio.close();
    await signOut();
  });

  it('scrolling up loads pages of 100 and shows every message decrypted, down to the first', async () => {
    const { roomId } = await peer(bob).createRoom({ name: 'Encrypted history', preset: 'public_chat', encrypted: true });
    await peer(alice).joinRoom(roomId);
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const session = await engineSession(baseUrl);
    if (!session) throw new Error('no session');
    // Alice's device and its keys exist before nio encrypts (the Security status starts crypto), and no element
    // shows the room yet: the history reaches her as room keys only, and the room opens on its latest 30.
    await session.security.status();
    await nio.login({ homeserver: baseUrl, user: bob.userId, password: bob.password, device: 'NIOHISTORY' });
    await nio.join({ room: roomId });
    expect(await nio.trust({ user: alice.userId, timeout: 60 })).to.be.greaterThan(0);
    await nio.send({ room: roomId, body: label(0) });
    let next = 1;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let i = next++; i < MESSAGES - 1; i = next++) await nio.send({ room: roomId, body: label(i) });
      }),
    );
    await nio.send({ room: roomId, body: label(MESSAGES - 1) });

    const opened = performance.timeOrigin + performance.now();
    const container = await fixture<HTMLElement>(html`<div></div>`);
    const el = document.createElement('omni-room');
    el.setAttribute('homeserver', baseUrl);
    el.setAttribute('room', roomId);
    el.style.setProperty('--omni-room-height', '500px');
    container.append(el);
    await waitUntil(() => deepText(el).includes(label(MESSAGES - 1)), 'the latest message never showed decrypted', { timeout: 60_000 });

    // The member scrolls up with the wheel until the first message shows.
    await waitUntil(
      () => {
        const text = deepText(el);
        if (text.includes(label(0))) return true;
        const scroller = log(el);
        if (scroller) {
          scroller.dispatchEvent(new WheelEvent('wheel', { deltaY: -scroller.scrollHeight, bubbles: true, composed: true }));
          scroller.scrollTop = 0;
        }
        return false;
      },
      'scrolling up never reached the first message',
      { timeout: 120_000, interval: 50 },
    );
    expect(deepText(el)).to.not.include('Waiting for the keys to this message');

    // Every message of the room is in the room's snapshot, decrypted.
    const handle = session.openRoom(roomId);
    try {
      const bodies = handle.snapshot.items.flatMap((item) => (item.kind === 'message' && !item.undecryptable ? [item.body] : []));
      for (let i = 0; i < MESSAGES; i++) expect(bodies, `message ${String(i)} shown decrypted`).to.include(label(i));
    } finally {
      handle.release();
    }

    // 110 older messages: two requests of 100 at most (pages of 30 took four).
    const requests = await messagesRequests(opened);
    expect(requests.length, '/messages requests').to.be.within(1, 2);
    const pages = (await engineMeasures('omni:decrypt-page')).filter((e) => e.startedAt >= opened);
    expect(pages.length, 'pages decrypted').to.equal(requests.length);
    const events = pages.reduce((sum, e) => sum + (e.detail as { events: number }).events, 0);
    expect(events, 'events decrypted in the pages').to.be.at.least(MESSAGES - 30);
    expect((await engineMeasures('omni:paginate')).filter((e) => e.startedAt >= opened).length).to.equal(requests.length);
    // The browser remembers the room as encrypted (the next visit starts crypto as the room opens).
    expect(JSON.parse(localStorage.getItem(`omni-encrypted-rooms:${alice.userId}`) ?? '[]')).to.include(roomId);
  });

  it('signing out forgets which rooms were encrypted', async () => {
    await signOut();
    expect(localStorage.getItem(`omni-encrypted-rooms:${alice.userId}`)).to.equal(null);
  });
});
