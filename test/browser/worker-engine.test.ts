/**
 * The engine in a worker (docs/engine.md), against real Synapse: a member's <omni-room> driven through a
 * dedicated worker (a peer's message shows, Enter sends it once), a worker that dies and is started again
 * without losing the message typed meanwhile, two tabs of the site served by one shared worker (one engine, one
 * sync loop), and a page whose Content-Security-Policy refuses workers falling back to the main thread.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { sessionFor } from '@omnisocial/core';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { runningWorker } from '@omnisocial/core/internal/worker';
import { articles, typeAndSend, waitForText } from './dom.ts';
import { engineResources, watchEngineFetch } from './engine-network.ts';

let baseUrl: string;
let bob: TestUser;

/** The page's engine choice, as a site sets it (`<meta name="omni-chat-engine">`). */
function chooseEngine(mode: 'main' | 'worker' | 'shared'): void {
  let meta = document.head.querySelector<HTMLMetaElement>('meta[name="omni-chat-engine"]');
  if (!meta) {
    meta = document.createElement('meta');
    meta.name = 'omni-chat-engine';
    document.head.append(meta);
  }
  meta.content = mode;
}

/** `/sync` requests a document made: the classic long-poll or sliding sync (core/src/sync/sync.ts). */
const syncRequests = (win: Window): number =>
  win.performance.getEntriesByType('resource').filter((entry) => /\/sync$/.test(new URL(entry.name).pathname)).length;

const shownTimes = (el: Element, text: string): number => articles(el).filter((a) => a.textContent.includes(text)).length;

async function publicRoom(name: string): Promise<{ roomId: string; alias: string }> {
  const created = await peer(bob).createRoom({ alias: `${name}-${crypto.randomUUID().slice(0, 8)}`, name, preset: 'public_chat' });
  return { roomId: created.roomId, alias: created.alias ?? '' };
}

async function eventsWithBody(roomId: string, body: string): Promise<number> {
  const events = await peer(bob).roomMessages(roomId, { limit: 100 });
  return events.filter((e) => e.type === 'm.room.message' && e.content['body'] === body).length;
}

/**
 * A second "tab" of the site: a same-origin document with its own module graph (its own session registry),
 * signed in with `user`'s token, showing `alias`. `head` goes first in its `<head>` (a CSP meta, the engine choice).
 */
async function tab(user: TestUser, alias: string, head: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'inline-size: 390px; block-size: 600px; border: 0';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const credentials = JSON.stringify({ homeserver: baseUrl, accessToken: user.accessToken, userId: user.userId, deviceId: user.deviceId });
  frame.srcdoc =
    `<!doctype html><html lang="en"><head>${head}` +
    `<script>performance.setResourceTimingBufferSize(100000);window.notes=[];const info=console.info;console.info=(...a)=>{window.notes.push(a.map(String).join(' '));info(...a);};</script>` +
    `<script type="module">import { signIn } from '/packages/elements/src/index.ts';` +
    `window.worker = import('/packages/core/src/worker/proxy.ts');` +
    `window.signedIn = signIn(${credentials});</script></head>` +
    `<body style="margin:0"><omni-room homeserver="${baseUrl}" room="${alias}" style="block-size:600px"></omni-room></body></html>`;
  document.body.append(frame);
  await loaded;
  return frame;
}

interface TabWindow extends Window {
  notes: string[];
  signedIn: Promise<unknown>;
  worker: Promise<typeof import('@omnisocial/core/internal/worker')>;
}

const windowOf = (frame: HTMLIFrameElement): TabWindow => frame.contentWindow as unknown as TabWindow;
const roomIn = (frame: HTMLIFrameElement): OmniRoom => frame.contentDocument?.querySelector('omni-room') as OmniRoom;

describe('the engine in a worker', function () {
  // Each test signs a member in, loads the engine in a worker and waits for real Synapse; a loaded 2-core machine is slow.
  this.timeout(180_000);

  before(async () => {
    ({ baseUrl } = await homeserver());
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    for (const frame of document.querySelectorAll('iframe')) frame.remove();
    await signOut();
    chooseEngine('main');
  });

  it('drives a member’s room from a dedicated worker: a peer’s message shows, Enter sends once', async () => {
    const alice = await registerUser({ displayName: 'Alice' });
    const { roomId, alias } = await publicRoom('worker');
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'before the worker');
    chooseEngine('worker');
    const syncsBefore = syncRequests(window);
    await signIn({ homeserver: baseUrl, accessToken: alice.accessToken, userId: alice.userId, deviceId: alice.deviceId });
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
    await waitForText(el, 'before the worker');
    const link = await runningWorker();
    expect(link?.kind).to.equal('worker');

    await peer(bob).sendMessage(roomId, 'a peer writes live');
    await waitForText(el, 'a peer writes live');
    // A second handle of the room the element shows starts where the element is (one model per room, as on the main thread).
    const second = sessionFor(baseUrl)?.openRoom(alias);
    try {
      expect(second?.snapshot.status, 'a second handle of a shown room').to.equal('ready');
      expect(second?.snapshot.items.some((item) => item.kind === 'message' && item.body === 'a peer writes live')).to.equal(true);
    } finally {
      second?.release();
    }

    await typeAndSend(el, 'alice types and presses Enter');
    await waitForText(el, 'alice types and presses Enter');
    await waitUntil(async () => (await eventsWithBody(roomId, 'alice types and presses Enter')) === 1, 'the peer never got it', {
      timeout: 20_000,
      interval: 250,
    });
    expect(shownTimes(el, 'alice types and presses Enter')).to.equal(1);
    // The sync loop ran in the worker: the page itself made no /sync request.
    expect(syncRequests(window)).to.equal(syncsBefore);
    const stats = link?.stats;
    console.warn(
      `[worker-engine] snapshots ${String(stats?.snapshots)}, items referred to ${String(stats?.items)}, items sent ${String(stats?.itemsSent)}`,
    );
  });

  it("lets a test see the worker's network: the requests it starts and ends, and its resource timing", async () => {
    const alice = await registerUser({ displayName: 'Alice' });
    const { roomId, alias } = await publicRoom('network');
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'seen through the worker');
    chooseEngine('worker');
    const heard: string[] = [];
    const stopWatching = await watchEngineFetch((phase, url) => heard.push(`${phase} ${new URL(url).pathname}`));
    try {
      const syncsBefore = syncRequests(window);
      await signIn({ homeserver: baseUrl, accessToken: alice.accessToken, userId: alice.userId, deviceId: alice.deviceId });
      const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
      await waitForText(el, 'seen through the worker');
      // The page made no /sync request, yet the watcher heard the worker's: one that started and ended (the first
      // sync answers at once), and the one in its long-poll.
      expect(syncRequests(window)).to.equal(syncsBefore);
      const syncs = (phase: string): number => heard.filter((each) => each.startsWith(phase) && /\/sync$/.test(each)).length;
      await waitUntil(() => syncs('end ') >= 1 && syncs('start ') > syncs('end '), `heard ${heard.join(', ')}`, { timeout: 20_000 });
      const resources = await engineResources();
      expect(resources.filter((entry) => /\/sync$/.test(new URL(entry.name).pathname)).length).to.be.greaterThan(0);
    } finally {
      stopWatching();
    }
  });

  it('starts a crashed worker again, and a message typed meanwhile arrives once', async () => {
    const alice = await registerUser({ displayName: 'Alice' });
    const { roomId, alias } = await publicRoom('crash');
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'before the crash');
    chooseEngine('worker');
    await signIn({ homeserver: baseUrl, accessToken: alice.accessToken, userId: alice.userId, deviceId: alice.deviceId });
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
    await waitForText(el, 'before the crash');
    const link = await runningWorker();
    if (!link) throw new Error('no worker engine');
    const restarts = link.stats.restarts;

    link.crashForTest();
    await typeAndSend(el, 'typed while the worker was down');
    await waitUntil(() => link.stats.restarts === restarts + 1, 'the worker was not started again', { timeout: 20_000 });
    await waitUntil(async () => (await eventsWithBody(roomId, 'typed while the worker was down')) === 1, 'the message never arrived', {
      timeout: 30_000,
      interval: 250,
    });
    await waitForText(el, 'typed while the worker was down');
    // The new worker follows the room: a peer's next message shows, and ours is there once.
    await peer(bob).sendMessage(roomId, 'after the restart');
    await waitForText(el, 'after the restart');
    expect(shownTimes(el, 'typed while the worker was down')).to.equal(1);
    expect(await eventsWithBody(roomId, 'typed while the worker was down')).to.equal(1);
  });

  it('serves two tabs of the site from one shared worker: one engine, no sync in either tab', async () => {
    const carol = await registerUser({ displayName: 'Carol' });
    const { roomId, alias } = await publicRoom('shared');
    await peer(carol).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'to both tabs');
    const engine = '<meta name="omni-chat-engine" content="shared">';
    const first = await tab(carol, alias, engine);
    const second = await tab(carol, alias, engine);
    await Promise.all([windowOf(first).signedIn, windowOf(second).signedIn]);
    await waitForText(roomIn(first), 'to both tabs');
    await waitForText(roomIn(second), 'to both tabs');

    const link = await (await windowOf(first).worker).runningWorker();
    expect(link?.kind).to.equal('shared');
    const stats = await link?.hostStats();
    expect(stats?.engines, 'engines in the shared worker').to.equal(1);
    expect(stats?.pages, 'tabs connected').to.equal(2);
    expect(syncRequests(windowOf(first))).to.equal(0);
    expect(syncRequests(windowOf(second))).to.equal(0);

    // What one tab sends, the other shows, through the one engine.
    await typeAndSend(roomIn(first), 'from the first tab');
    await waitForText(roomIn(second), 'from the first tab');
    await waitUntil(async () => (await eventsWithBody(roomId, 'from the first tab')) === 1, 'the peer never got it', {
      timeout: 20_000,
      interval: 250,
    });
    // Closing a tab leaves the other served, and the worker lets the closed one go.
    first.remove();
    await peer(bob).sendMessage(roomId, 'after a tab closed');
    await waitForText(roomIn(second), 'after a tab closed');
    const remaining = await (await windowOf(second).worker).runningWorker();
    await waitUntil(async () => (await remaining?.hostStats())?.pages === 1, 'the closed tab was never let go', { timeout: 20_000 });
  });

  it('falls back to the main thread, with one console note, where the CSP refuses workers', async () => {
    const dave = await registerUser({ displayName: 'Dave' });
    const { roomId, alias } = await publicRoom('csp');
    await peer(dave).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'shown without a worker');
    // No worker-src: workers fall back to child-src, which allows none.
    const head = `<meta http-equiv="Content-Security-Policy" content="child-src 'none'"><meta name="omni-chat-engine" content="worker">`;
    const frame = await tab(dave, alias, head);
    await windowOf(frame).signedIn;
    await waitForText(roomIn(frame), 'shown without a worker');
    await typeAndSend(roomIn(frame), 'sent from the main thread');
    await waitUntil(async () => (await eventsWithBody(roomId, 'sent from the main thread')) === 1, 'the peer never got it', {
      timeout: 20_000,
      interval: 250,
    });
    const notes = windowOf(frame).notes.filter((note) => note.includes('main thread'));
    expect(notes).to.have.length(1);
    expect(await (await windowOf(frame).worker).runningWorker()).to.equal(undefined);
    // The engine runs on this page: its sync requests are the page's own.
    expect(syncRequests(windowOf(frame))).to.be.greaterThan(0);
  });
});
