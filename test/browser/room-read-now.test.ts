/**
 * A member's `<omni-room>` mounted as the page's sign-in resolves asks the homeserver for its room in the very task
 * the browser's observation of the element activates it: where the element stands comes from that observation (no
 * second one a frame later), and the token from the sign-in that just saved it (no store read, no task hop), so the
 * request leaves before the view's first render takes the main thread. Against a real Synapse.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { peer, registerUser, homeserver } from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/chat';
import { deepText } from './dom.ts';

describe('a signed-in member’s <omni-room> as it nears the viewport', function () {
  this.timeout(120_000);

  after(async () => {
    await signOut();
  });

  it('sends its room’s first request in the task that activates it', async () => {
    const { baseUrl } = await homeserver();
    const alice = await registerUser({ displayName: 'Alice' });
    const bob = await registerUser({ displayName: 'Bob' });
    const { roomId } = await peer(bob).createRoom({ name: 'Now', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'asked for at once');
    await signIn({ homeserver: baseUrl, accessToken: alice.accessToken, userId: alice.userId, deviceId: alice.deviceId });

    const sent: string[] = [];
    const original = window.fetch.bind(window);
    window.fetch = (input, init) => {
      sent.push(input instanceof Request ? input.url : String(input));
      return original(input, init);
    };
    const element = document.createElement('omni-room');
    try {
      element.setAttribute('homeserver', baseUrl);
      element.setAttribute('room', roomId);
      const root = element.shadowRoot;
      if (!root) throw new Error('no shadow root');
      // The facade says "Loading…" in the task the view is activated in: what had been sent by the end of that task.
      let sentByActivation: number | undefined;
      const observer = new MutationObserver(() => {
        if (sentByActivation === undefined && deepText(element).includes('Loading…')) {
          sentByActivation = sent.filter((url) => url.startsWith(baseUrl)).length;
        }
      });
      observer.observe(root, { subtree: true, childList: true, characterData: true });
      document.body.append(element);
      await waitUntil(() => sentByActivation !== undefined, 'the view was not activated', { timeout: 10_000 });
      observer.disconnect();
      expect(sentByActivation, 'no request for the room in the task that activated its view').to.be.greaterThan(0);
      await waitUntil(() => deepText(element).includes('asked for at once'), 'the room was not shown', { timeout: 60_000 });
    } finally {
      window.fetch = original;
      element.remove();
    }
  });
});
