import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { sessionFor } from '@omnisocial/core';
import {
  homeserver,
  registerUser,
  setProxy,
  startHomeserver,
  startProxy,
  stopHomeserver,
  stopProxy,
  type TestUser,
} from '@omnisocial/testing/browser';
import { signOut } from '../../index.ts';
import type { OmniSignIn } from './omni-sign-in.ts';
import './define.ts';

let baseUrl: string;
let alice: TestUser;

function root(el: OmniSignIn): ShadowRoot {
  if (!el.shadowRoot) throw new Error('omni-sign-in has no shadow root');
  return el.shadowRoot;
}

function button(el: OmniSignIn, name: string): HTMLButtonElement | undefined {
  return [...root(el).querySelectorAll('button')].find((b) => b.textContent.replace(/\s+/g, ' ').trim() === name);
}

async function ready(el: OmniSignIn): Promise<void> {
  await waitUntil(() => root(el).querySelector('form, [role="alert"]'), 'the sign-in flows never loaded', { timeout: 10_000 });
}

function alertText(el: OmniSignIn): string {
  return root(el).querySelector('[role="alert"]')?.textContent.trim() ?? '';
}

function passwordForm(el: OmniSignIn): { form: HTMLFormElement; username: HTMLInputElement; password: HTMLInputElement } {
  const form = root(el).querySelector<HTMLFormElement>('form[aria-label="Sign in"]');
  const username = form?.querySelector<HTMLInputElement>('input[name="username"]');
  const password = form?.querySelector<HTMLInputElement>('input[name="password"]');
  if (!form || !username || !password) throw new Error('no password form');
  return { form, username, password };
}

describe('<omni-sign-in>', () => {
  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
  });

  afterEach(async () => {
    await signOut();
  });

  it('offers what the homeserver advertises, named for assistive technology, and is accessible', async () => {
    const el = await fixture<OmniSignIn>(html`<omni-sign-in homeserver=${baseUrl}></omni-sign-in>`);
    await ready(el);
    const { username, password } = passwordForm(el);
    expect(username.labels?.[0]?.textContent.trim()).to.equal('Username');
    expect(password.labels?.[0]?.textContent.trim()).to.equal('Password');
    expect(button(el, 'Sign in')).to.be.instanceOf(HTMLButtonElement);
    // The shared test homeserver allows guests, has no SSO provider and no open registration.
    expect(button(el, 'Continue as guest')).to.be.instanceOf(HTMLButtonElement);
    expect(button(el, 'Create account')).to.equal(undefined);
    expect([...root(el).querySelectorAll('button')].some((b) => b.textContent.includes('Continue with'))).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('has a visible heading naming the homeserver and a show-password toggle', async () => {
    const el = await fixture<OmniSignIn>(html`<omni-sign-in homeserver=${baseUrl}></omni-sign-in>`);
    await ready(el);
    const heading = root(el).querySelector('h2');
    expect(heading?.textContent.trim()).to.equal('Sign in to chat');
    expect(heading?.checkVisibility()).to.equal(true);
    expect(root(el).querySelector('[part="heading"]')?.textContent.replace(/\s+/g, ' ').trim()).to.equal(
      `Sign in to chat on ${new URL(baseUrl).host}`,
    );
    const { password } = passwordForm(el);
    expect(password.labels?.[0]?.textContent.trim()).to.equal('Password');
    const toggle = [...root(el).querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Show password');
    if (!toggle) throw new Error('no Show password button');
    expect(toggle.getAttribute('aria-pressed')).to.equal('false');
    expect(password.type).to.equal('password');

    password.value = 'typed secret';
    toggle.click();
    await el.updateComplete;
    expect(password.type).to.equal('text');
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    expect(password.value, 'showing keeps what was typed').to.equal('typed secret');
    await expect(el).to.be.accessible();

    // By keyboard too: the toggle follows the password field in tab order.
    password.focus();
    await sendKeys({ press: 'Tab' });
    expect(root(el).activeElement).to.equal(toggle);
    await sendKeys({ press: 'Space' });
    await el.updateComplete;
    expect(password.type).to.equal('password');
    expect(toggle.getAttribute('aria-pressed')).to.equal('false');
    expect(button(el, 'Sign in')).to.be.instanceOf(HTMLButtonElement);
  });

  it('is accessible in the dark theme and while showing an error', async () => {
    const el = await fixture<OmniSignIn>(html`<omni-sign-in homeserver=${baseUrl} theme="dark"></omni-sign-in>`);
    await ready(el);
    const { form, username, password } = passwordForm(el);
    username.value = alice.username;
    password.value = 'wrong';
    form.requestSubmit();
    await waitUntil(() => alertText(el).includes('Wrong username or password'), 'no rejection message', { timeout: 10_000 });
    await expect(el).to.be.accessible();
  });

  it('can be used with the keyboard alone: Tab between fields, Enter signs in', async () => {
    const el = await fixture<OmniSignIn>(html`<omni-sign-in homeserver=${baseUrl}></omni-sign-in>`);
    await ready(el);
    el.focus();
    const { username } = passwordForm(el);
    expect(root(el).activeElement).to.equal(username);
    await sendKeys({ type: alice.username });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: alice.password });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => sessionFor(baseUrl), 'Enter did not sign in', { timeout: 20_000 });
  });

  it('explains a malformed or unreachable homeserver and offers to try again', async () => {
    const el = await fixture<OmniSignIn>(html`<omni-sign-in homeserver="not a homeserver!"></omni-sign-in>`);
    await ready(el);
    expect(alertText(el)).to.include('This chat is not set up correctly');
    expect(alertText(el)).not.to.include('not a homeserver!');

    const down = await fixture<OmniSignIn>(html`<omni-sign-in homeserver="http://127.0.0.1:9"></omni-sign-in>`);
    await ready(down);
    expect(alertText(down)).to.include('Cannot reach the chat server');
    expect(alertText(down), 'no internal URL').not.to.include('127.0.0.1');
    expect(button(down, 'Try again')).to.be.instanceOf(HTMLButtonElement);
    await expect(down).to.be.accessible();
    await expect(el).to.be.accessible();
  });

  it('words a rate-limited sign-in for the member, without the request URL', async () => {
    const { baseUrl: proxy } = await startProxy();
    try {
      const el = await fixture<OmniSignIn>(html`<omni-sign-in homeserver=${proxy}></omni-sign-in>`);
      await ready(el);
      await setProxy(proxy, { rateLimit: { method: 'POST', path: '/login', count: 1, retryAfterMs: 5_000 } });
      const { form, username, password } = passwordForm(el);
      username.value = alice.username;
      password.value = alice.password;
      form.requestSubmit();
      await waitUntil(() => alertText(el) !== '', 'no message for the refused sign-in', { timeout: 10_000 });
      expect(alertText(el)).to.equal('Too many sign-in attempts: wait a moment, then try again.');
    } finally {
      await stopProxy(proxy);
    }
  });

  it('says so when the homeserver goes down during sign-in', async () => {
    const down = await startHomeserver();
    const el = await fixture<OmniSignIn>(html`<omni-sign-in homeserver=${down.baseUrl}></omni-sign-in>`);
    await ready(el);
    await stopHomeserver(down.baseUrl);
    const { form, username, password } = passwordForm(el);
    username.value = 'alice';
    password.value = 'whatever';
    form.requestSubmit();
    await waitUntil(() => alertText(el).includes('cannot be reached'), 'no unreachable message', { timeout: 10_000 });
    expect(alertText(el), 'no internal URL').not.to.include(down.baseUrl);
  });
});
