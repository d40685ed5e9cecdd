/**
 * What a member sees in a live room, against real Synapse: a very long message from the peer keeps the
 * log full of tiles and arrives collapsed with "Show more"; one sender's run of messages shows one name
 * row and receipts once; the message toolbar never covers the text; switching room opens at the latest.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { articles, articleWith, button, log, quietWindow, shadow, waitForText } from './dom.ts';

const TIMEOUT = 30_000;
/** How long a still view is watched for a late jump (the first room's scroll position, a late layout) that must not move it. */
const HOLDS_WINDOW_MS = 1_000;

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

/** The boxes of the text a message shows (its body's lines), as a reader sees them. */
function textBoxes(article: HTMLElement): DOMRect[] {
  const body = article.querySelector('.body');
  if (!body) throw new Error('no body');
  const range = document.createRange();
  range.selectNodeContents(body);
  return [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
}

const intersects = (a: DOMRect, b: DOMRect): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Moves the pointer onto an element, as a member's mouse does. */
async function hover(element: Element): Promise<void> {
  const r = element.getBoundingClientRect();
  await sendMouse({ type: 'move', position: [Math.round(r.left + r.width / 2), Math.round(r.top + Math.min(r.height / 2, 8))] });
}

/** The articles whose box is at least partly inside the log's visible box. */
function visibleArticles(el: Element): HTMLElement[] {
  const box = log(el)?.getBoundingClientRect();
  if (!box) return [];
  return articles(el).filter((a) => {
    const r = a.getBoundingClientRect();
    return r.height > 0 && r.bottom > box.top + 1 && r.top < box.bottom - 1;
  });
}

/** Waits until the log is no longer busy scrolling, then a few frames more. */
async function still(el: Element): Promise<void> {
  await waitUntil(() => log(el)?.getAttribute('aria-busy') === 'false', 'the log never settled', { timeout: TIMEOUT });
  for (let i = 0; i < 5; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}

async function publicRoom(name: string): Promise<{ roomId: string; alias: string }> {
  const created = await peer(bob).createRoom({
    alias: `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}`,
    name,
    preset: 'public_chat',
  });
  return { roomId: created.roomId, alias: created.alias ?? created.roomId };
}

async function openRoom(room: string): Promise<OmniRoom> {
  const el = await fixture<OmniRoom>(
    html`<omni-room homeserver=${baseUrl} room=${room} style="inline-size: 448px; --omni-room-height: 520px"></omni-room>`,
  );
  await waitUntil(() => articles(el).length > 0, 'the room never showed its messages', { timeout: TIMEOUT });
  return el;
}

describe('what a member sees in a live room', function () {
  this.timeout(120_000);

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    carol = await registerUser({ displayName: 'Carol' });
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
  });

  after(async () => {
    await sendMouse({ type: 'move', position: [0, 0] });
    await signOut();
  });

  it('keeps tiles in the log when a 10,000-character and a 100-line message arrive, collapsed with Show more', async () => {
    const { roomId, alias } = await publicRoom('Long');
    for (let i = 1; i <= 6; i++) await peer(bob).sendMessage(roomId, `short message ${i}`);
    const el = await openRoom(alias);
    await waitForText(el, 'short message 6', TIMEOUT);
    await still(el);

    const words = Array.from({ length: 1700 }, (_, i) => `word${String(i)}`).join(' ');
    const long = `LONG-START ${words}`.slice(0, 10_000);
    expect(long.length).to.equal(10_000);
    await peer(bob).sendMessage(roomId, long);
    const longTile = await waitForText(el, 'LONG-START', TIMEOUT);
    await still(el);
    // The member sees tiles, not an empty box: the long message (its start) and the one before it.
    await waitUntil(() => visibleArticles(el).length >= 2, `the log shows ${String(visibleArticles(el).length)} tiles`, { timeout: 5_000 });
    expect(visibleArticles(el).map((a) => a.dataset['key'])).to.include(longTile.dataset['key']);
    expect(visibleArticles(el).some((a) => a.textContent.includes('short message 6'))).to.equal(true);
    const more = button(longTile, 'Show more');
    expect(more, 'the long message offers Show more').to.not.equal(undefined);
    expect(more?.getAttribute('aria-expanded')).to.equal('false');

    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i + 1)} of a tall message`).join('\n');
    await peer(bob).sendMessage(roomId, lines);
    const tallTile = await waitForText(el, 'line 1 of a tall message', TIMEOUT);
    await still(el);
    await waitUntil(() => visibleArticles(el).length >= 2, `the log shows ${String(visibleArticles(el).length)} tiles`, { timeout: 5_000 });
    expect(visibleArticles(el).map((a) => a.dataset['key'])).to.include(tallTile.dataset['key']);
    const box = log(el)?.getBoundingClientRect();
    expect(tallTile.getBoundingClientRect().bottom, 'the latest tile ends inside the log').to.be.at.most((box?.bottom ?? 0) + 1);

    // Show more expands the message in place; its whole text is there to read.
    const expand = button(tallTile, 'Show more');
    expect(expand).to.not.equal(undefined);
    const collapsedHeight = tallTile.getBoundingClientRect().height;
    expand?.click();
    await waitUntil(() => button(articleWith(el, 'line 1 of a tall message') as HTMLElement, 'Show less'), 'no Show less');
    const expanded = articleWith(el, 'line 1 of a tall message') as HTMLElement;
    expect(button(expanded, 'Show less')?.getAttribute('aria-expanded')).to.equal('true');
    expect(expanded.getBoundingClientRect().height).to.be.above(collapsedHeight * 2);
    expect(expanded.textContent).to.include('line 100 of a tall message');
    await still(el);
    expect(visibleArticles(el).length).to.be.at.least(1);
    await expect(el).to.be.accessible();

    // On a 320 px phone nothing in the log scrolls sideways, long words and all.
    await peer(bob).sendMessage(roomId, `unbroken ${'x'.repeat(300)} and https://example.org/${'path/'.repeat(30)}`);
    await waitForText(el, 'unbroken', TIMEOUT);
    el.style.inlineSize = '320px';
    await still(el);
    const l = log(el) as HTMLElement;
    expect(l.scrollWidth, 'the log does not scroll sideways').to.be.at.most(l.clientWidth);
    for (const article of articles(el)) {
      expect(article.scrollWidth, `"${article.textContent.slice(0, 40)}" fits`).to.be.at.most(article.clientWidth + 1);
      expect(article.getBoundingClientRect().right).to.be.at.most(l.getBoundingClientRect().right + 1);
    }
  });
  it('shows one name row for a run of one sender, each message on its own line, and receipts once', async () => {
    const { roomId, alias } = await publicRoom('Dense');
    await peer(carol).joinRoom(roomId);
    await peer(carol).sendMessage(roomId, 'carol says hello');
    await peer(bob).sendMessage(roomId, 'bob first line');
    await peer(bob).sendMessage(roomId, 'bob second line');
    await peer(bob).sendMessage(roomId, 'bob third line');
    const el = await openRoom(alias);
    await waitForText(el, 'bob third line', TIMEOUT);
    await still(el);
    const first = articleWith(el, 'bob first line') as HTMLElement;
    const second = articleWith(el, 'bob second line') as HTMLElement;

    // One visible name for Bob's three messages; the second still names him for screen readers.
    const visibleNames = (name: string): number =>
      [...(log(el)?.querySelectorAll<HTMLElement>('.sender') ?? [])].filter(
        (n) => n.textContent.trim() === name && n.getBoundingClientRect().width > 1,
      ).length;
    expect(visibleNames('Bob')).to.equal(1);
    expect(first.querySelector('.head')?.textContent).to.include('Bob');
    expect(second.textContent).to.include('Bob');

    // The time is shown for the run, and each message's time is in its text and appears on hover.
    const time = (a: HTMLElement): HTMLElement => a.querySelector('time') as HTMLElement;
    expect(time(first).getBoundingClientRect().width).to.be.above(1);
    expect(second.textContent).to.include(time(second).textContent.trim());
    expect(time(second).getBoundingClientRect().width, 'the continuation’s time waits for hover').to.be.at.most(1);
    await hover(second);
    await waitUntil(() => time(second).getBoundingClientRect().width > 1, 'the time did not appear on hover');

    // Dense: a one-line message takes one line, not a bubble with a time row and a receipt row under it.
    const line = textBoxes(second)[0] as DOMRect;
    expect(second.getBoundingClientRect().height, 'a continuation is one line high').to.be.below(line.height * 1.6 + 4);

    // Carol's receipt sits at her message and Bob's at his last: only the latest shows, once.
    await waitUntil(() => log(el)?.querySelectorAll('.receipts').length === 1, 'receipts are not shown once', { timeout: TIMEOUT });
    const receipts = log(el)?.querySelector('.receipts');
    expect(receipts?.closest('article')?.textContent).to.include('bob third line');
    await expect(el).to.be.accessible();
  });

  it('floats the message toolbar where it never covers the message text', async () => {
    const { roomId, alias } = await publicRoom('Tools');
    const long =
      'A message long enough to run the whole width of the log, so that anything at its top corner would sit on its words. '.repeat(2);
    await peer(bob).sendMessage(roomId, `first ${long}`);
    await peer(bob).sendMessage(roomId, `second ${long}`);
    const el = await openRoom(alias);
    await waitForText(el, 'second A message', TIMEOUT);
    await still(el);
    for (const text of ['first A message', 'second A message']) {
      const article = articleWith(el, text) as HTMLElement;
      await hover(article);
      await waitUntil(
        () => article.querySelector('.actions') && getComputedStyle(article.querySelector('.actions') as Element).opacity === '1',
        'no toolbar on hover',
      );
      const toolbar = (article.querySelector('.actions') as HTMLElement).getBoundingClientRect();
      expect(button(article, 'React'), 'the toolbar offers React').to.not.equal(undefined);
      const covered = textBoxes(article).filter((box) => intersects(box, toolbar));
      expect(covered.length, `the toolbar covers text of "${text}"`).to.equal(0);
      const box = article.getBoundingClientRect();
      expect(toolbar.top, 'the toolbar stays inside its message').to.be.at.least(box.top - 1);
    }
  });

  it('opens at the latest message when the room attribute changes', async () => {
    const one = await publicRoom('One');
    const two = await publicRoom('Two');
    // The member is in both rooms already, as in a site's community rooms: switching shows the second at once.
    await peer(alice).joinRoom(one.roomId);
    await peer(alice).joinRoom(two.roomId);
    await peer(carol).joinRoom(two.roomId);
    for (let i = 1; i <= 30; i++) await peer(bob).sendMessage(one.roomId, `room one message ${String(i)}`);
    for (let i = 1; i <= 30; i++) {
      const words = i % 3 === 0 ? ' with a few more words, so that it wraps onto a second line in the log' : '';
      await peer(i % 2 === 0 ? bob : carol).sendMessage(two.roomId, `room two message ${String(i)}${words}`);
    }
    const el = await openRoom(one.alias);
    await waitForText(el, 'room one message 30', TIMEOUT);
    await still(el);
    // The member scrolled up to read earlier messages in the first room, then picks the other room.
    const first = log(el) as HTMLElement;
    first.dispatchEvent(new WheelEvent('wheel', { deltaY: -first.scrollTop, bubbles: true }));
    first.scrollTop = 0;
    await waitUntil(() => shadow(el).querySelector('[part="jump-to-latest"]'), 'scrolling up offers no "Jump to latest"');
    await still(el);
    el.room = two.alias;
    await waitForText(el, 'room two message 30', TIMEOUT);
    await still(el);
    await quietWindow(HOLDS_WINDOW_MS);
    const latest = articleWith(el, 'room two message 30') as HTMLElement;
    const box = log(el)?.getBoundingClientRect() as DOMRect;
    const r = latest.getBoundingClientRect();
    expect(r.bottom, 'the latest message ends inside the log').to.be.at.most(box.bottom + 1);
    expect(r.top, 'the latest message starts inside the log').to.be.at.least(box.top - 1);
    expect(shadow(el).querySelector('[part="jump-to-latest"]'), 'no "Jump to latest" at the latest message').to.equal(null);
  });
});
