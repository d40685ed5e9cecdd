/**
 * Every sign-in mode Synapse supports without an external identity provider, through the public API and
 * through <omni-room>'s sign-in UI, each with the message its failure shows. SSO: the redirect URL and the
 * return path (a real login token placed in the page URL).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import {
  createRegistrationToken,
  homeserver,
  mintLoginToken,
  peer,
  registerUser,
  startHomeserver,
  type TestUser,
} from '@omnisocial/testing/browser';
import {
  completeSsoSignIn,
  getLoginFlows,
  OmniError,
  type OmniRoom,
  type OmniSignIn,
  signIn,
  signOut,
  ssoRedirectUrl,
} from '@omnisocial/chat';
import { engineSession } from './engine-session.ts';
import { shadow } from './dom.ts';

let baseUrl: string;
let bob: TestUser;

/** The sign-in UI of a room: <omni-sign-in> inside <omni-room>'s shadow root. */
function signInRoot(room: OmniRoom): ShadowRoot | undefined {
  const signInElement = shadow(room).querySelector<OmniSignIn>('omni-sign-in');
  return signInElement?.shadowRoot ?? undefined;
}

function buttonIn(root: ShadowRoot | undefined, name: string): HTMLButtonElement | undefined {
  return [...(root?.querySelectorAll('button') ?? [])].find((b) => b.textContent.replace(/\s+/g, ' ').trim() === name);
}

async function waitForButton(room: OmniRoom, name: string): Promise<HTMLButtonElement> {
  await waitUntil(() => buttonIn(signInRoot(room), name), `no "${name}" button`, { timeout: 15_000 });
  const button = buttonIn(signInRoot(room), name);
  if (!button) throw new Error(`no "${name}" button`);
  return button;
}

async function waitForAlert(room: OmniRoom, text: string): Promise<void> {
  await waitUntil(
    () => signInRoot(room)?.querySelector('[role="alert"]')?.textContent.includes(text),
    `no alert saying "${text}" (saw "${signInRoot(room)?.querySelector('[role="alert"]')?.textContent.trim() ?? 'none'}")`,
    { timeout: 15_000 },
  );
}

async function waitForLog(room: OmniRoom): Promise<void> {
  await waitUntil(() => shadow(room).querySelector('[role="log"]'), 'the room never opened', { timeout: 20_000 });
}

function articles(room: OmniRoom): string[] {
  return [...shadow(room).querySelectorAll('[role="log"] article')].map((a) => a.textContent.replace(/\s+/g, ' ').trim());
}

function fill(root: ShadowRoot | undefined, formName: string, values: Record<string, string | boolean>): HTMLFormElement {
  const form = root?.querySelector<HTMLFormElement>(`form[aria-label="${formName}"]`);
  if (!form) throw new Error(`no form "${formName}"`);
  for (const [name, value] of Object.entries(values)) {
    const input = form.querySelector<HTMLInputElement>(`input[name="${name}"]`);
    if (!input) throw new Error(`no field ${name} in "${formName}"`);
    if (typeof value === 'boolean') input.checked = value;
    else input.value = value;
  }
  return form;
}

async function publicRoom(owner: TestUser, server: string, extraState: Array<{ type: string; content: Record<string, unknown> }> = []) {
  const { roomId, alias } = await peer(owner).createRoom({
    alias: `signin-${crypto.randomUUID().slice(0, 8)}`,
    name: 'Sign-in test',
    preset: 'public_chat',
    visibility: 'public',
    initialState: extraState.map((event) => ({ ...event, state_key: '' })),
  });
  if (!alias) throw new Error(`room without alias on ${server}`);
  return { roomId, alias };
}

async function rejection(promise: Promise<unknown>): Promise<OmniError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OmniError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('sign-in modes against a real Synapse', () => {
  before(async () => {
    ({ baseUrl } = await homeserver());
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    await signOut();
  });

  describe('password', () => {
    it('signs in from the room, after explaining a wrong password and an unknown user', async () => {
      const alice = await registerUser({ displayName: 'Alice' });
      const { alias } = await publicRoom(bob, baseUrl);
      const room = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
      await waitForButton(room, 'Sign in');

      fill(signInRoot(room), 'Sign in', { username: alice.username, password: 'wrong password' }).requestSubmit();
      await waitForAlert(room, 'Wrong username or password');

      fill(signInRoot(room), 'Sign in', { username: 'nobody-by-that-name', password: 'whatever' }).requestSubmit();
      await waitForAlert(room, 'Wrong username or password');

      fill(signInRoot(room), 'Sign in', { username: alice.username, password: alice.password }).requestSubmit();
      await waitForLog(room);
      await expect(room).to.be.accessible();
    });
  });

  describe('login token (minted by a site backend)', () => {
    it('signs in once; the same token again is refused with a clear message', async () => {
      const carol = await registerUser({ displayName: 'Carol' });
      const loginToken = await mintLoginToken(carol.userId);
      const info = await signIn({ homeserver: baseUrl, loginToken });
      expect(info.userId).to.equal(carol.userId);
      await signOut();

      const error = await rejection(signIn({ homeserver: baseUrl, loginToken }));
      expect(error.code).to.equal('login-token-rejected');
      expect(error.message).to.equal('This sign-in link was already used or expired. Sign in again.');
    });
  });

  describe('SSO', () => {
    afterEach(() => {
      history.replaceState(null, '', location.pathname);
      sessionStorage.clear();
      document.body.style.minHeight = '';
    });

    it('builds the redirect URL for the homeserver, with or without an identity provider', () => {
      expect(ssoRedirectUrl('https://matrix.example.org/', 'https://site.example/post/1?x=1#c')).to.equal(
        'https://matrix.example.org/_matrix/client/v3/login/sso/redirect?redirectUrl=https%3A%2F%2Fsite.example%2Fpost%2F1%3Fx%3D1%23c',
      );
      expect(ssoRedirectUrl('https://matrix.example.org', 'https://site.example/', 'oidc-github')).to.equal(
        'https://matrix.example.org/_matrix/client/v3/login/sso/redirect/oidc-github?redirectUrl=https%3A%2F%2Fsite.example%2F',
      );
    });

    it('comes back signed in: the token leaves the URL at once and the scroll position is restored', async () => {
      const dave = await registerUser({ displayName: 'Dave' });
      const { alias } = await publicRoom(bob, baseUrl);
      const loginToken = await mintLoginToken(dave.userId);
      // What startSsoSignIn() saved before leaving, and the URL the homeserver sends the member back to.
      document.body.style.minHeight = '5000px';
      sessionStorage.setItem('omni:sso', JSON.stringify({ homeserver: baseUrl, scrollX: 0, scrollY: 1200 }));
      history.replaceState(null, '', `${location.pathname}?post=7&loginToken=${encodeURIComponent(loginToken)}#comments`);

      const room = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
      // The element finishes the sign-in by itself; the token must be gone before the homeserver answers.
      expect(location.search).to.equal('?post=7');
      expect(location.hash).to.equal('#comments');
      await waitForLog(room);
      expect(window.scrollY).to.equal(1200);
      expect(sessionStorage.getItem('omni:sso')).to.equal(null);
    });

    it('explains a login token that was already used', async () => {
      const erin = await registerUser({ displayName: 'Erin' });
      const { alias } = await publicRoom(bob, baseUrl);
      const loginToken = await mintLoginToken(erin.userId);
      await signIn({ homeserver: baseUrl, loginToken });
      await signOut();

      sessionStorage.setItem('omni:sso', JSON.stringify({ homeserver: baseUrl, scrollX: 0, scrollY: 0 }));
      history.replaceState(null, '', `${location.pathname}?loginToken=${encodeURIComponent(loginToken)}`);
      const room = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
      await waitForAlert(room, 'This sign-in link was already used or expired');
      expect(location.search).to.equal('');
      await expect(room).to.be.accessible();
    });

    it('completeSsoSignIn() does nothing without a token in the URL', async () => {
      expect(await completeSsoSignIn(baseUrl)).to.equal(undefined);
    });
  });

  describe('guest', () => {
    it('reads and writes, as a guest, where the room lets guests join', async () => {
      const { roomId, alias } = await publicRoom(bob, baseUrl, [
        { type: 'm.room.guest_access', content: { guest_access: 'can_join' } },
        { type: 'm.room.history_visibility', content: { history_visibility: 'world_readable' } },
      ]);
      await peer(bob).sendMessage(roomId, 'welcome, guests');
      const room = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
      (await waitForButton(room, 'Continue as guest')).click();
      await waitForLog(room);
      await waitUntil(() => articles(room).some((a) => a.includes('welcome, guests')), 'the guest cannot read the room', {
        timeout: 20_000,
      });

      const textbox = shadow(room).querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]');
      const send = [...shadow(room).querySelectorAll('button')].find((b) => b.textContent.trim() === 'Send');
      if (!textbox || !send) throw new Error('no composer');
      textbox.value = 'hello from a guest';
      send.click();
      const received = await peer(bob).waitForMessage(roomId, { body: 'hello from a guest' });
      expect(received.sender).to.match(/^@\d+:/);
    });

    it('gives way to a member who signs in while the guest account is being made', async () => {
      const server = await startHomeserver();
      const member = await registerUser({ server: server.baseUrl });
      const original = window.fetch.bind(window);
      let asked = false;
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      window.fetch = async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.includes('/register?kind=guest')) {
          asked = true;
          await held;
        }
        return original(input, init);
      };
      try {
        const guest = signIn({ homeserver: server.baseUrl, guest: true });
        await waitUntil(() => asked, 'the guest account was never asked for', { timeout: 15_000 });
        const signedIn = await signIn({ homeserver: server.baseUrl, username: member.username, password: member.password });
        release();
        expect((await guest).userId, 'the guest sign-in answers with the member').to.equal(signedIn.userId);
        expect((await engineSession(server.baseUrl))?.info.userId, 'the page is left with the guest').to.equal(signedIn.userId);
      } finally {
        window.fetch = original;
        release();
      }
      await signOut(server.baseUrl);
    });

    it('is not offered, and is refused clearly, where the homeserver does not allow guests', async () => {
      const noGuests = await startHomeserver({ guestAccess: false });
      const flows = await getLoginFlows(noGuests.baseUrl);
      expect(flows.guest).to.equal(false);
      const error = await rejection(signIn({ homeserver: noGuests.baseUrl, guest: true }));
      expect(error.code).to.equal('guest-unavailable');
      expect(error.message).to.equal('This homeserver does not allow guests. Sign in instead.');

      const owner = await registerUser({ server: noGuests.baseUrl });
      const { alias } = await publicRoom(owner, noGuests.baseUrl);
      const room = await fixture<OmniRoom>(html`<omni-room homeserver=${noGuests.baseUrl} room=${alias}></omni-room>`);
      await waitForButton(room, 'Sign in');
      expect(buttonIn(signInRoot(room), 'Continue as guest')).to.equal(undefined);
    });
  });

  describe('registration', () => {
    it('is not offered where the homeserver does not allow it', async () => {
      const flows = await getLoginFlows(baseUrl);
      expect(flows.registration.available).to.equal(false);
      const error = await rejection(signIn({ homeserver: baseUrl, register: { username: 'newbie', password: 'a-long-password' } }));
      expect(error.code).to.equal('registration-unavailable');
    });

    it('creates an account with a plain (m.login.dummy) flow', async () => {
      const open = await startHomeserver({ registration: true });
      const flows = await getLoginFlows(open.baseUrl);
      expect(flows.registration).to.deep.equal({ available: true, unsupportedStages: [], requiresToken: false, terms: [] });
      const info = await signIn({ homeserver: open.baseUrl, register: { username: 'frank', password: 'a-long-password' } });
      expect(info.userId).to.equal(`@frank:${open.serverName}`);
      await signOut();
      const taken = await rejection(signIn({ homeserver: open.baseUrl, register: { username: 'frank', password: 'another-password' } }));
      expect(taken.message).to.equal('That username is taken. Choose another one.');
    });

    it('asks for a registration token and the terms in the room, and explains a bad token', async () => {
      const guarded = await startHomeserver({ registrationToken: true, terms: true });
      const token = await createRegistrationToken({ server: guarded.baseUrl, usesAllowed: 1 });
      const owner = await registerUser({ server: guarded.baseUrl });
      const { alias } = await publicRoom(owner, guarded.baseUrl);

      const room = await fixture<OmniRoom>(html`<omni-room homeserver=${guarded.baseUrl} room=${alias}></omni-room>`);
      (await waitForButton(room, 'Create account')).click();
      await waitForButton(room, 'Back to sign in');
      const root = signInRoot(room);
      const terms = root?.querySelector<HTMLAnchorElement>('form[aria-label="Create account"] a');
      expect(terms?.textContent).to.equal('Terms of Service');
      expect(terms?.href).to.equal(`${guarded.baseUrl}/_matrix/consent?v=1.0`);
      await expect(room).to.be.accessible();

      fill(root, 'Create account', { username: 'gina', password: 'a-long-password', token: 'not-a-token', terms: true }).requestSubmit();
      await waitForAlert(room, 'That registration token is not valid');

      fill(root, 'Create account', { username: 'gina', password: 'a-long-password', token, terms: true }).requestSubmit();
      await waitForLog(room);

      // The token allowed one use.
      await signOut();
      const usedUp = await rejection(
        signIn({
          homeserver: guarded.baseUrl,
          register: { username: 'hank', password: 'a-long-password', registrationToken: token, acceptTerms: true },
        }),
      );
      expect(usedUp.message).to.include('registration token is not valid');
      const noTerms = await rejection(
        signIn({ homeserver: guarded.baseUrl, register: { username: 'hank', password: 'a-long-password', registrationToken: token } }),
      );
      expect(noTerms.message).to.equal('Accept the terms of the homeserver to create an account.');
    });
  });
});
