/**
 * A room whose messages are formatted, opened before the HTML sanitiser has loaded (it is fetched at first need,
 * test/node/first-message-chunks.test.ts): the view waits for the sanitiser before it shows them, so a formatted
 * message is never inserted as its plain `body` first and swapped for its rich text a moment later (a flash, and a
 * layout shift when the two differ in height). Every node inserted into any shadow root from the mount on is
 * recorded, so a plain rendering that lasted a single task is caught too.
 */
import { expect, fixture, html as litHtml, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser } from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/chat';
import type { OmniRoom } from '../../packages/elements/src/components/room/omni-room.ts';

/** The plain body's own words, which the rich text does not contain. */
const PLAIN_ONLY = 'plain-fallback-words';

describe('a formatted message in a room opened cold', () => {
  const inserted: string[] = [];
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) inserted.push(node.textContent ?? '');
      if (record.type === 'characterData') inserted.push(record.target.textContent ?? '');
    }
  });
  const attachShadow = Object.getOwnPropertyDescriptor(Element.prototype, 'attachShadow')?.value as (
    this: Element,
    init: ShadowRootInit,
  ) => ShadowRoot;

  before(() => {
    // Every shadow root created from now on is watched from its first node.
    Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit): ShadowRoot {
      const root = attachShadow.call(this, init);
      observer.observe(root, { childList: true, subtree: true, characterData: true });
      return root;
    };
  });

  after(async () => {
    Element.prototype.attachShadow = attachShadow;
    observer.disconnect();
    await signOut();
  });

  it('shows its rich text from the first frame it is in, never its plain body first', async function () {
    this.timeout(60_000);
    const { baseUrl } = await homeserver();
    const bob = await registerUser({ displayName: 'Bob' });
    const alice = await registerUser({ displayName: 'Alice' });
    const { roomId } = await peer(bob).createRoom({ name: 'Formatted', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'a plain line first');
    await peer(bob).sendMessage(roomId, `**loud** ${PLAIN_ONLY}`, { formattedBody: '<strong>loud</strong> and <em>soft</em>' });

    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await fixture<OmniRoom>(litHtml`<omni-room homeserver=${baseUrl} room=${roomId}></omni-room>`);
    const log = (): Element | null | undefined => el.shadowRoot?.querySelector('[role="log"]');
    await waitUntil(() => (log()?.querySelector('.body.rich strong') ?? null) !== null, 'the rich text never showed', { timeout: 40_000 });
    observer.takeRecords();
    const body = log()?.querySelector('.body.rich');
    expect(body?.querySelector('strong')?.textContent).to.equal('loud');
    expect(body?.querySelector('em')?.textContent).to.equal('soft');
    expect(body?.textContent).not.to.contain(PLAIN_ONLY);
    expect(log()?.textContent).to.contain('a plain line first');
    expect(
      inserted.filter((text) => text.includes(PLAIN_ONLY)),
      'the plain body was inserted before the rich text',
    ).to.deep.equal([]);
  });
});
