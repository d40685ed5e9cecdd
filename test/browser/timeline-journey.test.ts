/**
 * What a member sees in a live room, against real Synapse: a very long message from the peer keeps the
 * log full of tiles and arrives collapsed with "Show more"; one sender's run of messages shows one name
 * row and receipts once; the message toolbar never covers the text; switching room opens at the latest.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '../../packages/elements/src/index.ts';
import { articles, articleWith, button, log, waitForText } from './room-like-dom.ts';

const TIMEOUT = 30_000;

// Chromium reports the virtualizer's benign "ResizeObserver loop" as an error; it is not one.
window.addEventListener(
  'error',
  (event) => {
    if (event.message.includes('ResizeObserver loop')) {
      event.stopImmediatePropagation();
      event.preventDefault();
    }
  },
  true,
);

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;

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
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
  });

  after(async () => {
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
  });
});
