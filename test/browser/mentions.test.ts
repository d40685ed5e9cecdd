/**
 * Mentions that reach the member (real Synapse): a message mentioning them by `m.mentions` or by their name (from a
 * client that sends no `m.mentions`) is highlighted, and the launcher counts unread mentions as their push rules
 * decide (an "@" mark, "2 mentions" in its name), apart from the unread count.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { articleWith, shadow } from './dom.ts';

describe('mentions that reach the member', function () {
  this.timeout(120_000);
  let baseUrl: string;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice Liddell' });
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    await signOut();
  });

  it('the launcher counts unread mentions apart from unread messages, and the mentions are highlighted in the room', async () => {
    const { roomId } = await peer(bob).createRoom({ name: 'Mentions lobby', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: 'Alice Liddell: have a look',
      'm.mentions': { user_ids: [alice.userId] },
    });
    await peer(bob).sendMessage(roomId, 'Nothing for anyone');
    // From a client that sends no m.mentions: her name in the text mentions her.
    await peer(bob).sendMessage(roomId, 'what does alice liddell think?');
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });

    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${roomId} presentation="launcher"></omni-room>`);
    const button = shadow(el).querySelector<HTMLButtonElement>('[part="launcher"]');
    if (!button) throw new Error('no launcher button');
    const mentions = (): string | undefined => shadow(el).querySelector('[part="launcher-mentions"]')?.textContent;
    await waitUntil(
      () => button.getAttribute('aria-label') === 'Open chat: Mentions lobby, 3 unread, 2 mentions',
      `label: ${String(button.getAttribute('aria-label'))}`,
      { timeout: 30_000 },
    );
    expect(mentions()).to.equal('@');
    expect(shadow(el).querySelector('[part="launcher-mentions"]')?.getAttribute('title')).to.equal('2 mentions');
    expect(getComputedStyle(shadow(el).querySelector('[part="launcher-mentions"]') as Element).display).to.not.equal('none');
    await expect(el).to.be.accessible();

    button.click();
    await waitUntil(() => articleWith(el, 'have a look') && articleWith(el, 'alice liddell think'), 'messages not shown', {
      timeout: 20_000,
    });
    expect(articleWith(el, 'have a look')?.textContent).to.include('Mentions you');
    expect(articleWith(el, 'alice liddell think')?.textContent).to.include('Mentions you');
    expect(articleWith(el, 'Nothing for anyone')?.textContent).to.not.include('Mentions you');
    // Read in the open panel: nothing unread is left to mention.
    await waitUntil(() => mentions() === '', `mentions badge still ${String(mentions())}`, { timeout: 20_000 });
  });

  it('Next mention brings each unread mention into view, in order', async () => {
    const { roomId } = await peer(bob).createRoom({ name: 'Jump lobby', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    const read = await peer(bob).sendMessage(roomId, 'Already read');
    const marked = await fetch(`${baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/read_markers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ 'm.fully_read': read, 'm.read': read }),
    });
    expect(marked.ok).to.equal(true);
    const mention = { msgtype: 'm.text', 'm.mentions': { user_ids: [alice.userId] } };
    await peer(bob).sendEvent(roomId, 'm.room.message', { ...mention, body: 'First mention' });
    for (let index = 0; index < 12; index++) await peer(bob).sendMessage(roomId, `Filler ${String(index)}`);
    await peer(bob).sendEvent(roomId, 'm.room.message', { ...mention, body: 'Second mention' });
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });

    const el = await fixture<OmniRoom>(
      html`<omni-room homeserver=${baseUrl} room=${roomId} loading="eager" style="--omni-room-height: 24rem"></omni-room>`,
    );
    const jump = (): HTMLButtonElement | null => shadow(el).querySelector<HTMLButtonElement>('[part="mention-jump"]');
    await waitUntil(() => jump()?.textContent.trim() === 'Next mention (2)', `button: ${String(jump()?.textContent)}`, { timeout: 30_000 });
    await expect(el).to.be.accessible();
    const log = shadow(el).querySelector<HTMLElement>('[role="log"]');
    if (!log) throw new Error('no log');
    const inView = (text: string): boolean => {
      const article = articleWith(el, text);
      if (!article) return false;
      const [box, frame] = [article.getBoundingClientRect(), log.getBoundingClientRect()];
      return box.bottom > frame.top && box.top < frame.bottom;
    };
    jump()?.click();
    await waitUntil(() => inView('First mention'), 'the first mention was not brought into view', { timeout: 20_000 });
    jump()?.click();
    await waitUntil(() => inView('Second mention'), 'the second mention was not brought into view', { timeout: 20_000 });
  });
});
