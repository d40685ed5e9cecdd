/**
 * What a member sees when a room cannot be shown, against the real Synapse: a guest turned away by a
 * members-only room is offered sign-in with the reason (and signing in there opens the room), an unknown
 * room and a homeserver that is down each show an error state that says what happened and what to do, in
 * the member's words (no server text, URL or code), with **Try again** only where retrying can help.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, resetProxy, setProxy, startProxy, stopProxy, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniDm, type OmniErrorEvent, type OmniRoom, type OmniSignIn } from '@omnisocial/chat';
import { button, deepText, shadow } from './dom.ts';

const TIMEOUT = 20_000;

let baseUrl: string;
let serverName: string;
let alice: TestUser;
let bob: TestUser;

/** What an error state must never show a member: server wording, API URLs, error codes. */
const INTERNAL = /https?:|\/_matrix|\bM_[A-Z_]+|\bunknown\b|MatrixError|127\.0\.0\.1|localhost:\d/u;

function errorState(el: OmniRoom): { heading: string; advice: string; retry: HTMLButtonElement | undefined } | undefined {
  const state = shadow(el).querySelector('[part="error"]');
  if (!state) return undefined;
  const alert = state.querySelector('[role="alert"]');
  return {
    heading: alert?.querySelector('h2')?.textContent.trim() ?? '',
    advice: alert?.querySelector('p')?.textContent.trim() ?? '',
    retry: button(state, 'Try again'),
  };
}

function signInOf(el: OmniRoom | OmniDm): ShadowRoot | undefined {
  return shadow(el).querySelector<OmniSignIn>('omni-sign-in')?.shadowRoot ?? undefined;
}

/** A public room of Bob's: anyone with an account may join, guests may not (Synapse's default guest_access). */
async function membersOnlyRoom(): Promise<string> {
  const { alias } = await peer(bob).createRoom({
    alias: `members-${crypto.randomUUID().slice(0, 8)}`,
    name: 'Members lounge',
    preset: 'public_chat',
    visibility: 'public',
  });
  if (!alias) throw new Error('room has no alias');
  return alias;
}

describe('error states and sign-in offers of <omni-room>', function () {
  this.timeout(120_000);

  before(async () => {
    ({ baseUrl, serverName } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    await signOut();
  });

  it('offers a guest sign-in with the reason on a room guests may not join, and signing in there opens it', async () => {
    const alias = await membersOnlyRoom();
    await peer(bob).sendMessage(await peer(bob).resolveAlias(alias), 'welcome, members');
    // What an open post does for a visitor: a guest session on the page's homeserver.
    await signIn({ homeserver: baseUrl, guest: true });
    const errors: OmniErrorEvent[] = [];
    const el = await fixture<OmniRoom>(
      html`<omni-room homeserver=${baseUrl} room=${alias} @omni-error=${(e: OmniErrorEvent) => errors.push(e)}></omni-room>`,
    );

    await waitUntil(() => signInOf(el)?.querySelector('form[aria-label="Sign in"]'), 'no sign-in form for the guest', {
      timeout: TIMEOUT,
    });
    const form = signInOf(el);
    if (!form) throw new Error('no sign-in');
    expect(form.querySelector('[part="reason"]')?.textContent.trim()).to.equal('Sign in to join this room — it is for members only.');
    expect(form.querySelector('h2')?.textContent.trim()).to.equal('Sign in to chat');
    // A guest cannot go further as a guest here, so that way is not offered again.
    expect(button(form, 'Continue as guest')).to.equal(undefined);
    // The form names the homeserver by its host, on purpose; nothing else of the server's shows.
    const seen = deepText(el);
    expect(seen).not.to.match(/https?:|\/_matrix|\bM_[A-Z_]+|\bunknown\b|MatrixError/u);
    expect(seen).not.to.include('Guest access not allowed');
    expect(shadow(el).querySelector('[part="error"]'), 'a sign-in offer, not an error state').to.equal(null);
    // Developers still learn why, through the event.
    expect(errors.map((e) => e.error.code)).to.include('guest-forbidden');
    await expect(el).to.be.accessible();

    const username = form.querySelector<HTMLInputElement>('input[name="username"]');
    const password = form.querySelector<HTMLInputElement>('input[name="password"]');
    if (!username || !password) throw new Error('incomplete sign-in form');
    username.value = alice.username;
    password.value = alice.password;
    button(form, 'Sign in')?.click();

    await waitUntil(() => shadow(el).querySelector('[role="log"]'), 'the room never opened after signing in', { timeout: 60_000 });
    expect(shadow(el).querySelector('[part="header"]')?.textContent).to.include('Members lounge');
    await waitUntil(
      () => [...shadow(el).querySelectorAll('[role="log"] article')].some((a) => a.textContent.includes('welcome, members')),
      'Bob’s message is not shown to the member',
      { timeout: TIMEOUT },
    );
    const roomId = await peer(bob).resolveAlias(alias);
    const members = (await peer(bob).request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`)) as {
      joined: Record<string, unknown>;
    };
    expect(Object.keys(members.joined)).to.include(alice.userId);
  });

  it('offers a guest on <omni-dm> sign-in with the reason instead of an error', async () => {
    await signIn({ homeserver: baseUrl, guest: true });
    const el = await fixture<OmniDm>(html`<omni-dm homeserver=${baseUrl} user=${bob.userId}></omni-dm>`);
    await waitUntil(() => signInOf(el)?.querySelector('form[aria-label="Sign in"]'), 'no sign-in form for the guest', {
      timeout: TIMEOUT,
    });
    expect(signInOf(el)?.querySelector('[part="reason"]')?.textContent.trim()).to.equal(
      'Sign in with an account to send direct messages — guests cannot.',
    );
    expect(shadow(el).querySelector('[part="error"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('offers sign-in, with guest access, to a visitor who has no session at all', async () => {
    const alias = await membersOnlyRoom();
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
    await waitUntil(() => signInOf(el)?.querySelector('form[aria-label="Sign in"]'), 'no sign-in form', { timeout: TIMEOUT });
    expect(signInOf(el)?.querySelector('h2')?.textContent.trim()).to.equal('Sign in to chat');
    await expect(el).to.be.accessible();
  });

  for (const [label, room] of [
    ['an unknown alias', () => `#no-such-room-${crypto.randomUUID().slice(0, 8)}:${serverName}`],
    ['an unknown room id', () => `!nosuchroom${crypto.randomUUID().slice(0, 8)}:${serverName}`],
  ] as const) {
    it(`says that ${label} does not exist, what to do, and nothing internal`, async () => {
      await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
      const errors: OmniErrorEvent[] = [];
      const el = await fixture<OmniRoom>(
        html`<omni-room homeserver=${baseUrl} room=${room()} @omni-error=${(e: OmniErrorEvent) => errors.push(e)}></omni-room>`,
      );
      await waitUntil(() => errorState(el), 'no error state', { timeout: TIMEOUT });
      const state = errorState(el);
      expect(state?.heading).to.equal('This room does not exist');
      expect(state?.advice).to.match(/\bAsk\b/u);
      // Trying again cannot bring a room that does not exist.
      expect(state?.retry).to.equal(undefined);
      expect(shadow(el).querySelector('[part="error"] [part="error-icon"]')?.getAttribute('aria-hidden')).to.equal('true');
      expect(deepText(el)).not.to.match(INTERNAL);
      expect(errors.map((e) => e.error.code)).to.deep.equal(['unknown-room']);
      await expect(el).to.be.accessible();
    });
  }

  it('says the chat server cannot be reached, offers Try again by keyboard, and Try again recovers once it is back', async () => {
    const { baseUrl: proxy } = await startProxy();
    try {
      await setProxy(proxy, { offline: true });
      const el = await fixture<OmniRoom>(html`<omni-room homeserver=${proxy} room=${`#lobby:${serverName}`}></omni-room>`);
      await waitUntil(() => errorState(el), 'no error state while the homeserver is down', { timeout: TIMEOUT });
      const state = errorState(el);
      expect(state?.heading).to.equal('Cannot reach the chat server');
      expect(state?.advice).to.include('try again');
      expect(state?.retry, 'a Try again button').to.be.instanceOf(HTMLButtonElement);
      expect(deepText(el)).not.to.match(INTERNAL);
      await expect(el).to.be.accessible();

      // Still down: trying again says so again.
      state?.retry?.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => errorState(el)?.retry, 'no error state after trying again while down', { timeout: TIMEOUT });

      await resetProxy(proxy);
      const retry = errorState(el)?.retry;
      retry?.focus();
      expect(shadow(el).activeElement, 'Try again takes keyboard focus').to.equal(retry);
      await sendKeys({ press: 'Enter' });
      // Well before the element would try again by itself (10 s, then 20 s).
      await waitUntil(() => signInOf(el)?.querySelector('form[aria-label="Sign in"]'), 'Try again did not reach the homeserver', {
        timeout: 5_000,
      });
      expect(errorState(el)).to.equal(undefined);
    } finally {
      await stopProxy(proxy);
    }
  });

  it('comes back by itself once the homeserver is back, without a click', async () => {
    const { baseUrl: proxy } = await startProxy();
    try {
      await setProxy(proxy, { offline: true });
      const el = await fixture<OmniRoom>(html`<omni-room homeserver=${proxy} room=${`#lobby:${serverName}`}></omni-room>`);
      await waitUntil(() => errorState(el), 'no error state while the homeserver is down', { timeout: TIMEOUT });
      await resetProxy(proxy);
      await waitUntil(() => signInOf(el)?.querySelector('form[aria-label="Sign in"]'), 'the element never tried again by itself', {
        timeout: 30_000,
      });
    } finally {
      await stopProxy(proxy);
    }
  });
});
