/**
 * The loader's shells (`<omni-room>`, `<omni-chat>`, `<omni-dm>`): facade, reserved size, loading on
 * approach (IntersectionObserver) or touch, and the full view mounted into the shell's own shadow root,
 * against a real Synapse.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '../../packages/elements/src/index.ts';

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;

const shadow = (el: Element): ShadowRoot => {
  if (!el.shadowRoot) throw new Error(`${el.localName} has no shadow root`);
  return el.shadowRoot;
};
const mounted = (el: Element): boolean => shadow(el).querySelector('omni-room-view') !== null;
const facadeButton = (el: Element): HTMLButtonElement | null => shadow(el).querySelector('[part="facade-button"]');
const homeserverRequests = (since: number): PerformanceResourceTiming[] =>
  performance
    .getEntriesByType('resource')
    .filter((entry): entry is PerformanceResourceTiming => entry.name.startsWith(baseUrl) && entry.startTime >= since);

/** A page taller than three viewports with `el` at the bottom: outside the loader's one-viewport margin. */
async function farBelow<T extends HTMLElement>(el: T): Promise<{ el: T; container: HTMLElement }> {
  const container = await fixture<HTMLElement>(html`<div><div style="block-size: 400vh"></div></div>`);
  container.append(el);
  return { el, container };
}

function createRoom(attributes: Record<string, string>): OmniRoom {
  const el = document.createElement('omni-room');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  return el;
}

/** Long enough for an IntersectionObserver callback and a dynamic import to have happened, on a busy machine. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 600));

async function lobbyWithMessage(text: string): Promise<string> {
  const { roomId } = await peer(bob).createRoom({
    alias: `loader-${crypto.randomUUID().slice(0, 8)}`,
    name: 'Loader lobby',
    preset: 'public_chat',
  });
  await peer(alice).joinRoom(roomId);
  await peer(bob).sendMessage(roomId, text);
  return roomId;
}

describe('the loader’s shells', function () {
  this.timeout(90_000);

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    window.scrollTo(0, 0);
    await signOut();
  });

  it('shows a facade far off screen and makes no homeserver request until the element nears the viewport', async () => {
    const since = performance.now();
    const { el } = await farBelow(createRoom({ homeserver: baseUrl, room: '#far-away:example.org', 'message-count': '12' }));
    await settle();

    expect(mounted(el)).to.equal(false);
    const facade = shadow(el).querySelector('[part="facade"]');
    expect(facade?.textContent).to.include('#far-away:example.org').and.include('12 messages');
    expect(facadeButton(el)?.textContent).to.equal('Join the discussion');
    expect(homeserverRequests(since)).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('the facade follows the theme: dark colours for theme="dark", accessible in both', async () => {
    const { el } = await farBelow(createRoom({ room: '#dark:example.org', theme: 'dark' }));
    expect(getComputedStyle(el).colorScheme).to.equal('dark');
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(22, 25, 29)');
    await expect(el).to.be.accessible();
  });

  it('renders the facade’s text as text, never as HTML', async () => {
    const hostile = '<img src=x onerror="window.__omniPwned = true">';
    const { el } = await farBelow(createRoom({ room: hostile, 'message-count': '1' }));
    expect(shadow(el).querySelector('img')).to.equal(null);
    expect(shadow(el).querySelector('[part="facade-title"]')?.textContent).to.equal(hostile);
    expect(shadow(el).textContent).to.include('1 message');
    expect((window as { __omniPwned?: boolean }).__omniPwned).to.equal(undefined);
  });

  it('loads when focused, without scrolling', async () => {
    const { el } = await farBelow(createRoom({ homeserver: baseUrl, room: '#focus:example.org' }));
    await settle();
    expect(mounted(el)).to.equal(false);
    const scrollY = window.scrollY;

    el.focus({ preventScroll: true });
    await el.updateComplete;
    expect(mounted(el)).to.equal(true);
    expect(window.scrollY).to.equal(scrollY);
    expect(facadeButton(el)).to.equal(null);
  });

  it('loads on a pointer press on the facade', async () => {
    const { el } = await farBelow(createRoom({ homeserver: baseUrl, room: '#press:example.org' }));
    await settle();
    expect(mounted(el)).to.equal(false);

    facadeButton(el)?.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    await el.updateComplete;
    expect(mounted(el)).to.equal(true);
  });

  it('loads at once, wherever it is, with loading="eager"', async () => {
    const { el } = await farBelow(createRoom({ homeserver: baseUrl, room: '#eager:example.org', loading: 'eager' }));
    await el.updateComplete;
    expect(mounted(el)).to.equal(true);
    expect(shadow(el).querySelector('omni-room-view')?.hasAttribute('loading')).to.equal(false);
  });

  it('loads as it scrolls near the viewport (one viewport ahead) and then shows the room', async () => {
    const roomId = await lobbyWithMessage('scrolled into view');
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const { el } = await farBelow(createRoom({ homeserver: baseUrl, room: roomId }));
    await settle();
    expect(mounted(el)).to.equal(false);

    // Half a viewport above the element: inside the loader's margin, not yet visible.
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 1.5 * innerHeight);
    await waitUntil(() => mounted(el), 'the view never mounted', { timeout: 20_000 });
    expect(el.getBoundingClientRect().top).to.be.greaterThan(innerHeight);

    el.scrollIntoView();
    await waitUntil(
      () => [...shadow(el).querySelectorAll('[role="log"] article')].some((a) => a.textContent.includes('scrolled into view')),
      'no message in the room',
      { timeout: 20_000 },
    );
  });

  it('reserves the view’s size: the same box before and after mounting', async () => {
    const container = await fixture<HTMLElement>(html`<div style="inline-size: 30rem"></div>`);
    const el = createRoom({ homeserver: baseUrl, room: '#size:example.org' });
    el.style.setProperty('--omni-room-height', '21rem');
    container.append(el);
    const before = el.getBoundingClientRect();
    expect(mounted(el)).to.equal(false);

    await el.updateComplete;
    expect(mounted(el)).to.equal(true);
    const after = el.getBoundingClientRect();
    expect(after.height).to.equal(before.height);
    expect(after.width).to.equal(before.width);
    expect(after.height).to.equal(21 * parseFloat(getComputedStyle(document.documentElement).fontSize));
  });

  it('mounts the view into its own shadow root: parts, states, attributes and events belong to <omni-room>', async () => {
    const roomId = await lobbyWithMessage('through the shell');
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const style = document.createElement('style');
    style.textContent = 'omni-room::part(header) { outline: 3px solid rgb(255, 0, 0); }';
    document.head.append(style);
    try {
      const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${roomId} theme="dark"></omni-room>`);
      await waitUntil(() => shadow(el).querySelector('[role="log"] article'), 'no timeline', { timeout: 20_000 });
      const header = shadow(el).querySelector('[part="header"]');
      if (!header) throw new Error('no header');
      expect(getComputedStyle(header).outlineColor).to.equal('rgb(255, 0, 0)');
      expect(el.matches(':state(dark)')).to.equal(true);
      expect(getComputedStyle(el).colorScheme).to.equal('dark');
      const facadeRules = shadow(el).adoptedStyleSheets.flatMap((sheet) =>
        [...sheet.cssRules].filter((rule) => rule.cssText.includes('.facade')),
      );
      expect(facadeRules, 'the facade’s rules would reach into the view').to.deep.equal([]);

      el.theme = 'light';
      await el.updateComplete;
      expect(el.matches(':state(light)')).to.equal(true);

      const errors: Event[] = [];
      el.addEventListener('omni-error', (event) => errors.push(event));
      el.room = '#nobody-made-this:example.invalid';
      await waitUntil(() => errors.length > 0, 'no omni-error from the view', { timeout: 20_000 });
      expect(errors[0]?.target).to.equal(el);
    } finally {
      style.remove();
    }
  });

  it('<omni-chat> and <omni-dm>: their facades far off screen, their views once touched', async () => {
    const since = performance.now();
    const { container } = await farBelow(document.createElement('div'));
    const chat = document.createElement('omni-chat');
    chat.setAttribute('homeserver', baseUrl);
    chat.setAttribute('post', `loader-${crypto.randomUUID()}`);
    chat.setAttribute('post-title', 'Why lazy loading matters');
    const dm = document.createElement('omni-dm');
    dm.setAttribute('homeserver', baseUrl);
    dm.setAttribute('user', bob.userId);
    container.append(chat, dm);
    await settle();

    expect(shadow(chat).querySelector('[part="facade-title"]')?.textContent).to.equal('Why lazy loading matters');
    expect(facadeButton(chat)?.textContent).to.equal('Join the discussion');
    expect(shadow(dm).querySelector('[part="facade-title"]')?.textContent).to.equal(bob.userId);
    expect(facadeButton(dm)?.textContent).to.equal('Open the conversation');
    expect(shadow(chat).querySelector('omni-chat-view') ?? shadow(dm).querySelector('omni-dm-view')).to.equal(null);
    expect(homeserverRequests(since)).to.deep.equal([]);
    await expect(chat).to.be.accessible();
    await expect(dm).to.be.accessible();

    chat.focus({ preventScroll: true });
    await chat.updateComplete;
    expect(shadow(chat).querySelector('omni-chat-view')?.getAttribute('post-title')).to.equal('Why lazy loading matters');
    await dm.load();
    expect(shadow(dm).querySelector('omni-dm-view')?.getAttribute('user')).to.equal(bob.userId);
    expect(chat.getBoundingClientRect().height).to.be.greaterThan(100);
  });
});
