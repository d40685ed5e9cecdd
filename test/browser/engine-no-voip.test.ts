/**
 * The engine runs a chat, not calls: matrix-js-sdk's call handlers are not made and it asks the homeserver for no TURN
 * servers (at start and every few minutes after, by default). A member's room through the harness's proxy in front of
 * a real Synapse: the engine syncs and shows the room, and the proxy saw no `/voip/turnServer`.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { peer, proxyLog, registerUser, startProxy, stopProxy } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { LIGHT_READ_CONN_ID } from '@omnisocial/core/internal';
import { deepText } from './dom.ts';

describe('the engine of a chat', function () {
  this.timeout(120_000);
  let proxy: string;

  before(async () => {
    ({ baseUrl: proxy } = await startProxy());
  });

  after(async () => {
    await signOut();
    await stopProxy(proxy);
  });

  it('asks for no TURN servers', async () => {
    const alice = await registerUser({ displayName: 'Alice' });
    const bob = await registerUser({ displayName: 'Bob' });
    const { roomId } = await peer(bob).createRoom({ name: 'No calls', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'a chat, not a call');
    await signIn({ homeserver: proxy, username: alice.username, password: alice.password });
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${proxy} room=${roomId}></omni-room>`);
    await waitUntil(() => deepText(el).includes('a chat, not a call'), 'the room was not shown', { timeout: 60_000 });
    // The engine's sync (not the light read's connection) has answered: its start-up requests have been made.
    const engineSynced = async (): Promise<boolean> =>
      (await proxyLog(proxy, { path: '/sync' })).some((entry) => entry.method === 'POST' && entry.connId !== LIGHT_READ_CONN_ID);
    await waitUntil(engineSynced, 'the engine did not sync', { timeout: 60_000, interval: 200 });
    await waitUntil(() => el.shadowRoot?.querySelector('textarea')?.matches(':enabled') === true, 'the composer was not usable', {
      timeout: 60_000,
    });
    const turn = (await proxyLog(proxy)).filter((entry) => entry.path.includes('/voip/turnServer'));
    expect(turn.map((entry) => entry.path)).to.deep.equal([]);
  });
});
