import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut } from '../../index.ts';
import type { OmniRoom } from './omni-room.ts';
import type { OmniErrorEvent } from '../../events.ts';

let baseUrl: string;
let serverName: string;
let alice: TestUser;
let bob: TestUser;

function shadow(el: OmniRoom): ShadowRoot {
  if (!el.shadowRoot) throw new Error('omni-room has no shadow root');
  return el.shadowRoot;
}

function articles(el: OmniRoom): string[] {
  return [...shadow(el).querySelectorAll('[role="log"] article')].map((a) => a.textContent.replace(/\s+/g, ' ').trim());
}

async function waitForArticle(el: OmniRoom, text: string): Promise<void> {
  await waitUntil(() => articles(el).some((a) => a.includes(text)), `no message "${text}" in the timeline`, { timeout: 20_000 });
}

function composer(el: OmniRoom): { textbox: HTMLTextAreaElement; send: HTMLButtonElement } {
  const textbox = shadow(el).querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]');
  const send = [...shadow(el).querySelectorAll('button')].find((b) => b.textContent.trim() === 'Send');
  if (!textbox || !send) throw new Error('no composer');
  return { textbox, send };
}

async function lobby(): Promise<string> {
  const { alias } = await peer(bob).createRoom({
    alias: `lobby-${crypto.randomUUID().slice(0, 8)}`,
    name: 'Lobby',
    preset: 'public_chat',
    visibility: 'public',
  });
  if (!alias) throw new Error('room has no alias');
  return alias;
}

describe('<omni-room> against a real Synapse', () => {
  before(async () => {
    ({ baseUrl, serverName } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    await signOut();
  });

  it('shows messages from the room and sends the member’s messages (password sign-in)', async () => {
    const alias = await lobby();
    await peer(bob).sendMessage(await peer(bob).resolveAlias(alias), 'hello from bob');
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);

    await waitForArticle(el, 'hello from bob');
    expect(articles(el).find((a) => a.includes('hello from bob'))).to.include('Bob');

    const { textbox, send } = composer(el);
    textbox.value = 'hi bob, alice here';
    send.click();
    await waitForArticle(el, 'hi bob, alice here');
    const roomId = await peer(bob).resolveAlias(alias);
    const received = await peer(bob).waitForMessage(roomId, { sender: alice.userId, body: 'hi bob, alice here' });
    expect(received.sender).to.equal(alice.userId);

    await peer(bob).sendMessage(roomId, 'got it');
    await waitForArticle(el, 'got it');
    await expect(el).to.be.accessible();
  });

  it('shows "End-to-end encrypted" in the header of an encrypted room, and nothing in one that is not', async () => {
    const { alias: sealed } = await peer(bob).createRoom({
      alias: `sealed-${crypto.randomUUID().slice(0, 8)}`,
      name: 'Cellar',
      preset: 'public_chat',
      encrypted: true,
    });
    const plain = await lobby();
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const encrypted = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${sealed ?? ''}></omni-room>`);
    const open = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${plain}></omni-room>`);
    for (const el of [encrypted, open]) {
      await waitUntil(() => shadow(el).querySelector('[part="header"]'), 'the room never opened', { timeout: 60_000 });
    }
    const indicator = shadow(encrypted).querySelector('[part="header"] [part="encryption"]');
    expect(indicator?.textContent.trim()).to.equal('End-to-end encrypted');
    expect(indicator?.getAttribute('title')).to.equal('Messages in this room are end-to-end encrypted.');
    expect(indicator?.querySelector('svg')?.getAttribute('aria-hidden')).to.equal('true');
    expect(shadow(open).querySelector('[part="encryption"]')).to.equal(null);
    await expect(encrypted).to.be.accessible();
    await expect(open).to.be.accessible();
  });

  it('signs in with a host-provided access token and sends with Enter', async () => {
    const alias = await lobby();
    const roomId = await peer(bob).resolveAlias(alias);
    const carol = await registerUser({ displayName: 'Carol' });
    await signIn({ homeserver: baseUrl, accessToken: carol.accessToken, userId: carol.userId, deviceId: carol.deviceId });
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
    await waitUntil(() => shadow(el).querySelector('[role="log"]'), 'room never opened', { timeout: 20_000 });

    const { textbox } = composer(el);
    textbox.value = 'sent with enter';
    textbox.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    await peer(bob).waitForMessage(roomId, { sender: carol.userId, body: 'sent with enter' });
    await waitForArticle(el, 'sent with enter');
  });

  it('offers a sign-in form and explains a rejected sign-in', async () => {
    const alias = await lobby();
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
    // The sign-in UI is <omni-sign-in>, inside the room's shadow root.
    const signInRoot = (): ShadowRoot | null | undefined => shadow(el).querySelector('omni-sign-in')?.shadowRoot;
    await waitUntil(() => signInRoot()?.querySelector('form[aria-label="Sign in"]'), 'no sign-in form', { timeout: 10_000 });
    await expect(el).to.be.accessible();
    const form = signInRoot()?.querySelector<HTMLFormElement>('form[aria-label="Sign in"]');
    const username = form?.querySelector<HTMLInputElement>('input[name="username"]');
    const password = form?.querySelector<HTMLInputElement>('input[name="password"]');
    if (!form || !username || !password) throw new Error('incomplete sign-in form');
    username.value = alice.username;
    password.value = 'not-the-password';
    form.requestSubmit();
    await waitUntil(
      () => signInRoot()?.querySelector('[role="alert"]')?.textContent.includes('Wrong username or password'),
      'no rejection message',
      { timeout: 10_000 },
    );

    password.value = alice.password;
    form.requestSubmit();
    await waitUntil(() => shadow(el).querySelector('[role="log"]'), 'room never opened after signing in', { timeout: 20_000 });
  });

  it('shows a readable error for an unknown room and fires omni-error', async () => {
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const errors: OmniErrorEvent[] = [];
    const el = await fixture<OmniRoom>(
      html`<omni-room
        homeserver=${baseUrl}
        room=${`#no-such-room:${serverName}`}
        @omni-error=${(e: OmniErrorEvent) => errors.push(e)}
      ></omni-room>`,
    );
    await waitUntil(() => shadow(el).querySelector('[role="alert"]'), 'no error state', { timeout: 20_000 });
    expect(shadow(el).querySelector('[role="alert"]')?.textContent).to.include('does not exist');
    expect(errors.map((e) => e.error.code)).to.deep.equal(['unknown-room']);
  });

  it('shows a readable error for a bad homeserver instead of throwing', async () => {
    const el = await fixture<OmniRoom>(html`<omni-room homeserver="ftp://example.org" room="#lobby:example.org"></omni-room>`);
    await waitUntil(() => shadow(el).querySelector('[role="alert"]'), 'no error state');
    expect(shadow(el).querySelector('[role="alert"]')?.textContent).to.include('This chat is not set up correctly');

    const unreachable = await fixture<OmniRoom>(html`<omni-room homeserver="http://127.0.0.1:9" room="#lobby:example.org"></omni-room>`);
    await waitUntil(() => shadow(unreachable).querySelector('[role="alert"]'), 'no error state', { timeout: 10_000 });
    expect(shadow(unreachable).querySelector('[role="alert"]')?.textContent).to.include('Cannot reach the chat server');
  });

  it('rejects signIn() with a clear error when the credentials are wrong', async () => {
    let error: unknown;
    try {
      await signIn({ homeserver: baseUrl, username: alice.username, password: 'wrong' });
    } catch (e) {
      error = e;
    }
    expect(error).to.have.property('code', 'sign-in-rejected');
  });
});
