/**
 * The loader's shells (`<omni-room>`, `<omni-chat>`, `<omni-dm>`): facade, reserved size, loading on
 * approach (IntersectionObserver) or touch, the full view mounted into the shell's own shadow root,
 * collapsing views far from the viewport (a feed of many), and the launcher presentation, against a
 * real Synapse.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { shadow } from './dom.ts';
import { engineResources, watchEngineFetch, type EngineResource } from './engine-network.ts';

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;

const mounted = (el: Element): boolean => shadow(el).querySelector('omni-room-view') !== null;
const facadeButton = (el: Element): HTMLButtonElement | null => shadow(el).querySelector('[part="facade-button"]');
/** Requests to the homeserver since `since` (the page's `performance.now()`): the page's and its engine's, wherever it runs. */
const homeserverRequests = async (since: number): Promise<EngineResource[]> =>
  (await engineResources()).filter((entry) => entry.name.startsWith(baseUrl) && entry.startedAt >= performance.timeOrigin + since);

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
    expect(await homeserverRequests(since)).to.deep.equal([]);
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
    expect(await homeserverRequests(since)).to.deep.equal([]);
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

const SLIDING_SYNC = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';

/**
 * The room subscriptions of every sliding sync request the engine sends: through the page's `fetch` (js-sdk's
 * transport), or the worker's when the engine runs in one (engine-network.ts).
 */
class SubscriptionRecorder {
  readonly requests: string[][] = [];
  #stop: (() => void) | undefined;

  async install(): Promise<void> {
    this.#stop = await watchEngineFetch((phase, url, text) => {
      if (phase !== 'start' || !url.includes(SLIDING_SYNC)) return;
      const body = JSON.parse(text ?? '{}') as { room_subscriptions?: Record<string, unknown> };
      this.requests.push(Object.keys(body.room_subscriptions ?? {}).sort());
    });
  }

  uninstall(): void {
    this.#stop?.();
  }

  /** The rooms the latest request subscribes to. */
  get latest(): string[] {
    return this.requests.at(-1) ?? [];
  }
}

/** Runs `task` over `items`, a few at a time (Synapse has two cores, shared with the other tests). */
async function inBatches<T, R>(items: readonly T[], size: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map((item, i) => task(item, start + i)))));
  }
  return results;
}

const shows = (el: Element, text: string): boolean =>
  [...shadow(el).querySelectorAll('[role="log"] article')].some((a) => a.textContent.includes(text));
const textbox = (el: Element): HTMLTextAreaElement | null => shadow(el).querySelector('textarea');
/** Where an element sits in the document, whatever the scroll position. */
const box = (el: Element): { top: number; height: number } => {
  const rect = el.getBoundingClientRect();
  return { top: rect.top + window.scrollY, height: rect.height };
};
/** Longer than the shells' grace delay (2 s) before collapsing, with room for a busy machine. */
const pastGrace = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 4000));

describe('a feed of many: views far from the viewport collapse', function () {
  this.timeout(240_000);
  const recorder = new SubscriptionRecorder();
  /** Rooms Bob created with one message each, all joined by Alice. */
  let feedRooms: string[] = [];

  before(async function () {
    this.timeout(180_000);
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    feedRooms = await inBatches(Array.from({ length: 12 }), 4, async (_, i) => {
      const { roomId } = await peer(bob).createRoom({ name: `Feed ${i}`, preset: 'public_chat' });
      await peer(alice).joinRoom(roomId);
      await peer(bob).sendMessage(roomId, `feed message ${i}`);
      return roomId;
    });
    await recorder.install();
  });

  after(() => recorder.uninstall());

  afterEach(async () => {
    window.scrollTo(0, 0);
    await signOut();
  });

  async function feed(roomIds: readonly string[], attributes: Record<string, string> = {}): Promise<OmniRoom[]> {
    const container = await fixture<HTMLElement>(html`<div></div>`);
    const rooms = roomIds.map((roomId) => createRoom({ homeserver: baseUrl, room: roomId, ...attributes }));
    container.append(...rooms);
    return rooms;
  }

  it('scrolling far unmounts views and drops their rooms from sync, keeping their size; scrolling back shows them again', async () => {
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const rooms = await feed(feedRooms);
    const [first, second] = rooms as [OmniRoom, OmniRoom];
    await waitUntil(() => shows(first, 'feed message 0') && shows(second, 'feed message 1'), 'the first rooms never showed', {
      timeout: 30_000,
    });
    const top = rooms.filter(mounted);
    const topIds = top.map((el) => el.room);
    expect(top.length, 'views mounted near the top').to.be.within(2, 4);
    await waitUntil(() => topIds.every((id) => recorder.latest.includes(id)), 'the mounted rooms were never subscribed', {
      timeout: 20_000,
    });
    const before = rooms.map(box);

    window.scrollTo(0, document.documentElement.scrollHeight);
    await waitUntil(() => top.every((el) => !mounted(el)), 'the views far above never collapsed', { timeout: 30_000 });
    const bottom = rooms.filter(mounted);
    expect(bottom.length, 'views mounted near the bottom').to.be.within(1, 4);
    expect(bottom.filter((el) => top.includes(el))).to.deep.equal([]);
    expect(rooms.filter(mounted).length, 'mounted views at once').to.be.at.most(4);
    // The engine does not cut the long-poll in flight to drop a room: the next request leaves it out.
    // A message in a room on screen ends that long-poll now.
    const last = bottom.at(-1);
    if (!last) throw new Error('no view at the bottom');
    await peer(bob).sendMessage(last.room, 'news at the bottom');
    await waitUntil(() => shows(last, 'news at the bottom'), 'the message at the bottom never arrived', { timeout: 20_000 });
    await waitUntil(
      () => topIds.every((id) => !recorder.latest.includes(id)) && bottom.every((el) => recorder.latest.includes(el.room)),
      `the collapsed rooms stayed in the sync request: ${recorder.latest.join(', ')}`,
      { timeout: 20_000 },
    );
    expect(recorder.latest.length).to.equal(bottom.length);
    // The facade is back at the view's size: nothing in the feed moved.
    expect(rooms.map(box)).to.deep.equal(before);
    for (const el of top) {
      expect(shadow(el).querySelector('[part="facade"]'), 'no facade after collapsing').to.not.equal(null);
      expect(shadow(el).querySelector('[role="log"]')).to.equal(null);
    }
    // What the view learned is kept: its whole history was loaded, one message.
    expect(shadow(first).querySelector('[part="facade"] [role="status"]')?.textContent).to.equal('1 message');

    window.scrollTo(0, 0);
    await waitUntil(() => shows(first, 'feed message 0') && shows(second, 'feed message 1'), 'scrolled back, no messages', {
      timeout: 30_000,
    });
    await waitUntil(() => topIds.every((id) => recorder.latest.includes(id)), 'the rooms scrolled back to were not subscribed again', {
      timeout: 20_000,
    });
    expect(rooms.map(box)).to.deep.equal(before);
  });

  it('never collapses a view the member is using (focus, a draft) nor one with collapse="never"', async () => {
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const views = (await feed(feedRooms.slice(0, 4))) as [OmniRoom, OmniRoom, OmniRoom, OmniRoom];
    const [drafted, focused, kept, idle] = views;
    kept.setAttribute('collapse', 'never');
    // Four small views, all on screen at first, then a long page below them.
    for (const el of views) el.style.setProperty('--omni-room-height', '9rem');
    const spacer = document.createElement('div');
    spacer.style.blockSize = '600vh';
    idle.after(spacer);
    // Usable composers: a light read shows each room read-only (its composer disabled) until the engine has it.
    await waitUntil(() => views.every((el) => textbox(el)?.disabled === false), 'no composers', { timeout: 30_000 });

    textbox(drafted)?.focus();
    await sendKeys({ type: 'half a thought' });
    textbox(focused)?.focus();
    expect(shadow(focused).activeElement).to.equal(textbox(focused));

    window.scrollTo(0, document.documentElement.scrollHeight);
    await waitUntil(() => !mounted(idle), 'an idle view far away never collapsed', { timeout: 30_000 });
    await pastGrace();
    expect(mounted(drafted), 'the view with a draft collapsed').to.equal(true);
    expect(mounted(focused), 'the focused view collapsed').to.equal(true);
    expect(mounted(kept), 'collapse="never" collapsed').to.equal(true);
    expect(textbox(drafted)?.value).to.equal('half a thought');

    // Once the member is done with them, they collapse too.
    const draft = textbox(drafted);
    if (draft) {
      draft.value = '';
      draft.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    }
    textbox(focused)?.blur();
    await waitUntil(() => !mounted(drafted) && !mounted(focused), 'views no longer in use never collapsed', { timeout: 30_000 });
    expect(mounted(kept)).to.equal(true);
  });
});

describe('presentation="launcher"', function () {
  this.timeout(120_000);

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    await signOut();
  });

  it('a chat icon button named after the room, with an unread badge that counts messages arriving while it is closed; a panel with a Close button', async () => {
    const { roomId, alias } = await peer(bob).createRoom({
      alias: `launcher-${crypto.randomUUID().slice(0, 8)}`,
      name: 'Launcher lobby',
      preset: 'public_chat',
    });
    await peer(alice).joinRoom(roomId);
    // Alice read the first message (on another device); two more arrive after it.
    const read = await peer(bob).sendMessage(roomId, 'launcher one');
    const receipt = await fetch(
      `${baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/receipt/m.read/${encodeURIComponent(read)}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${alice.accessToken}`, 'Content-Type': 'application/json' },
        body: '{}',
      },
    );
    expect(receipt.ok).to.equal(true);
    for (const word of ['two', 'three']) await peer(bob).sendMessage(roomId, `launcher ${word}`);
    const room = alias ?? roomId;
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });

    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${room} presentation="launcher"></omni-room>`);
    const button = shadow(el).querySelector<HTMLButtonElement>('[part="launcher"]');
    if (!button) throw new Error('no launcher button');
    const panel = (): HTMLDialogElement | null => shadow(el).querySelector('dialog');
    const badge = (): string | undefined => shadow(el).querySelector('[part="launcher-badge"]')?.textContent;
    expect(button.querySelector('svg'), 'a chat icon').to.not.equal(null);
    expect(button.getAttribute('aria-label'), 'never the raw alias').to.not.include('#');
    expect(el.getBoundingClientRect().height, 'a compact button, not a chat box').to.be.below(80);

    // In view, the launcher follows the room behind its closed panel: the room's name and Alice's two unread messages.
    await waitUntil(
      () => button.getAttribute('aria-label') === 'Open chat: Launcher lobby, 2 unread',
      `label: ${button.getAttribute('aria-label')}`,
      {
        timeout: 30_000,
      },
    );
    expect(badge()).to.equal('2');
    expect(panel()?.open).to.equal(false);
    await expect(el).to.be.accessible();

    button.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => panel()?.open && shows(el, 'launcher three'), 'Enter did not open the panel with the chat', { timeout: 20_000 });
    const dialog = panel();
    if (!dialog) throw new Error('no panel');
    expect(dialog.matches(':modal')).to.equal(true);
    expect(dialog.getAttribute('aria-label')).to.equal('Launcher lobby');
    const [opened, anchor] = [dialog.getBoundingClientRect(), button.getBoundingClientRect()];
    expect(opened.top, 'the panel opens below its button').to.be.closeTo(anchor.bottom + 4, 2);
    expect(opened.left, 'the panel starts at its button').to.be.closeTo(anchor.left, 2);
    expect(opened.height).to.be.greaterThan(200);
    await expect(el).to.be.accessible();
    // Seen in the open panel, the messages are read.
    await waitUntil(() => badge() === '', `the badge still says ${badge()} with the panel open`, { timeout: 20_000 });

    await sendKeys({ press: 'Escape' });
    expect(panel()?.open).to.equal(false);
    expect(shadow(el).activeElement, 'focus went back to the button').to.equal(button);

    // Three messages arrive while the panel is closed: the badge counts them.
    for (const word of ['four', 'five', 'six']) await peer(bob).sendMessage(roomId, `launcher ${word}`);
    await waitUntil(() => badge() === '3', `the badge says "${badge()}" after three new messages`, { timeout: 30_000 });
    expect(button.getAttribute('aria-label')).to.equal('Open chat: Launcher lobby, 3 unread');

    // A touch screen has no Esc: the panel's own Close button closes it.
    button.click();
    await waitUntil(() => panel()?.open && shows(el, 'launcher six'), 'a click did not open the panel again', { timeout: 20_000 });
    const close = shadow(el).querySelector<HTMLButtonElement>('dialog button[part="panel-close"]');
    expect(close?.getAttribute('aria-label')).to.equal('Close');
    close?.focus();
    await sendKeys({ press: 'Enter' });
    expect(panel()?.open).to.equal(false);
    expect(shadow(el).activeElement).to.equal(button);
  });
});
