import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LitElement, type TemplateResult } from 'lit';
import type { MemberInfo, MessageItem, TimelineItem } from '@omnisocial/core';
import { tokens } from '../../theme/tokens.ts';
import { messageBodyStyles } from '../message-body/message-body.styles.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { TimelineController, typingText, type TimelineActions, type TimelineView } from './timeline.ts';
import { timelineStyles } from './timeline.styles.ts';
import { messageItem } from '../../test-fixtures.ts';

const alice: MemberInfo = { userId: '@alice:example.org', displayName: 'Alice' };
const bob: MemberInfo = { userId: '@bob:example.org', displayName: 'Bob' };
const DAY = 86_400_000;
const start = Date.UTC(2024, 0, 1, 9);

function message(n: number, overrides: Partial<MessageItem> = {}): MessageItem {
  const own = n % 3 === 0;
  return messageItem({
    key: `m${n}`,
    eventId: `$e${n}`,
    sender: own ? alice : bob,
    own,
    timestamp: start + n * 60_000,
    body: `Message number ${n}${n % 7 === 0 ? ' with a longer body that wraps onto a second line in a narrow timeline, to vary heights' : ''}`,
    ...overrides,
  });
}

/** Messages `from`..`to` (exclusive), with a day separator every 500. */
function history(from: number, to: number): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (let n = from; n < to; n++) {
    if (n % 500 === 0) items.push({ kind: 'day', key: `d${n}`, timestamp: start + Math.floor(n / 500) * DAY });
    items.push(message(n));
  }
  return items;
}

/** A bare host for the timeline: plain snapshot data in, recorded commands out. */
class TimelineHost extends LitElement {
  /** Renders less beyond the view, as a thread's panel does. */
  static compact = false;
  static override styles = [tokens, timelineStyles, messageBodyStyles, messageTileStyles];
  static override properties = { view: { attribute: false }, theme: { reflect: true } };
  declare view: TimelineView;
  declare theme: string;
  calls: string[] = [];
  onPaginate: () => Promise<unknown> = () => Promise.resolve(false);
  readonly timeline = new TimelineController(
    this,
    (): TimelineActions => ({
      paginateBackwards: () => {
        this.calls.push('paginate');
        return this.onPaginate();
      },
      toggleReaction: (eventId, key) => this.calls.push(`react ${eventId} ${key}`),
      reply: (m) => this.calls.push(`reply ${m.key}`),
      edit: (m) => this.calls.push(`edit ${m.key}`),
      redact: (m) => this.calls.push(`redact ${m.key}`),
      retry: (key) => this.calls.push(`retry ${key}`),
      cancel: (key) => this.calls.push(`cancel ${key}`),
      markRead: (eventId) => this.calls.push(`read ${eventId}`),
    }),
    { compact: (this.constructor as typeof TimelineHost).compact },
  );

  constructor() {
    super();
    this.theme = 'light';
    this.view = { label: 'Messages in Test', items: [], hasMoreBefore: false, paginating: false, typing: [], unreadCount: 0 };
  }

  protected override render(): TemplateResult {
    return html`<div style="display:flex;flex-direction:column;block-size:400px;inline-size:420px">
      ${this.timeline.render(this.view)}
    </div>`;
  }
}
customElements.define('test-timeline-host', TimelineHost);

class CompactTimelineHost extends TimelineHost {
  static override compact = true;
}
customElements.define('test-compact-timeline-host', CompactTimelineHost);

function log(el: TimelineHost): HTMLElement {
  const found = el.shadowRoot?.querySelector<HTMLElement>('[role="log"]');
  if (!found) throw new Error('no log');
  return found;
}

const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));
async function settle(frames = 12): Promise<void> {
  for (let i = 0; i < frames; i++) await frame();
}

/** Waits until the log is no longer busy (loading or re-anchoring), then a few more frames. */
async function idle(el: TimelineHost): Promise<void> {
  await waitUntil(() => log(el).getAttribute('aria-busy') === 'false', 'the timeline never settled', { timeout: 10_000 });
  await settle(3);
}

/** Scrolls as a member does: input first (so programmatic scrolls in flight yield), then the scroll. */
function userScroll(el: TimelineHost, top: number): void {
  const l = log(el);
  l.dispatchEvent(new WheelEvent('wheel', { deltaY: top - l.scrollTop, bubbles: true }));
  l.scrollTop = top;
}

async function userScrollAndSettle(el: TimelineHost, top: number): Promise<void> {
  userScroll(el, top);
  await settle(20);
}

function atBottom(el: TimelineHost): boolean {
  const l = log(el);
  return l.scrollHeight - l.scrollTop - l.clientHeight < 2;
}

function visibleArticles(el: TimelineHost): HTMLElement[] {
  const l = log(el);
  const box = l.getBoundingClientRect();
  return [...l.querySelectorAll<HTMLElement>('article')].filter((a) => {
    const r = a.getBoundingClientRect();
    return r.bottom > box.top && r.top < box.bottom;
  });
}

async function mount(items: TimelineItem[], extra: Partial<TimelineView> = {}, compact = false): Promise<TimelineHost> {
  const el = compact
    ? await fixture<TimelineHost>(html`<test-compact-timeline-host></test-compact-timeline-host>`)
    : await fixture<TimelineHost>(html`<test-timeline-host></test-timeline-host>`);
  el.view = { ...el.view, items, ...extra };
  await el.updateComplete;
  await waitUntil(() => log(el).querySelector('article'), 'nothing rendered');
  await waitUntil(() => atBottom(el), 'did not start at the latest message', { timeout: 5000 });
  await settle();
  return el;
}

describe('timeline (plain snapshot data)', () => {
  it('keeps at most 300 DOM nodes in the log for 10,000 messages and starts at the latest', async () => {
    const el = await mount(history(0, 10_000));
    const nodes = log(el).querySelectorAll('*').length;
    console.log(`timeline DOM nodes at 10,000 messages: ${nodes}`);
    expect(nodes).to.be.at.most(300);
    const last = visibleArticles(el).at(-1);
    expect(last?.textContent).to.include('Message number 9999');
    // Scrolling to the middle still renders only a window.
    userScroll(el, log(el).scrollHeight / 2);
    await settle();
    expect(log(el).querySelectorAll('*').length).to.be.at.most(300);
  });

  it('opens with the latest messages in its first frame, never rendering the oldest ones first', async () => {
    // Shown with its items from the first render, as a room is once its messages arrive.
    const place = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = new TimelineHost();
    el.view = { ...el.view, items: history(0, 200) };
    const rendered = new Set<string>();
    const watch = new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) if (node instanceof HTMLElement && node.dataset['key']) rendered.add(node.dataset['key']);
      }
    });
    const firstFrame = new Promise<string[]>((resolve) => {
      requestAnimationFrame(() =>
        resolve([...log(el).querySelectorAll<HTMLElement>('[data-key]')].map((tile) => tile.dataset['key'] ?? '')),
      );
    });
    place.append(el);
    if (el.shadowRoot) watch.observe(el.shadowRoot, { childList: true, subtree: true });
    const inFirstFrame = await firstFrame;
    watch.disconnect();
    expect(inFirstFrame).to.include('m199');
    expect([...rendered]).to.include('m199');
    expect([...rendered]).to.not.include('m0');
    await waitUntil(() => atBottom(el), 'did not settle at the latest message', { timeout: 5000 });
  });

  it('keeps the top-visible message in place (0 px drift) when older messages are prepended', async () => {
    let loaded = 9_000;
    const el = await mount(history(loaded, 10_000), { hasMoreBefore: true });
    const drifts: number[] = [];
    el.onPaginate = async () => {
      // The server takes a moment; then measure the top-visible message, prepend 100 older ones,
      // and measure it again once everything settled.
      await settle(10);
      const l = log(el);
      const anchor = visibleArticles(el)[0]!;
      const key = anchor.dataset['key'];
      const before = anchor.getBoundingClientRect().top - l.getBoundingClientRect().top;
      loaded -= 100;
      el.view = { ...el.view, items: history(loaded, 10_000) };
      await el.updateComplete;
      await idle(el);
      const after = l.querySelector<HTMLElement>(`[data-key="${key ?? ''}"]`);
      drifts.push(after ? after.getBoundingClientRect().top - l.getBoundingClientRect().top - before : Infinity);
      return true;
    };
    for (let i = 0; i < 3; i++) {
      const l = log(el);
      userScroll(el, Math.max(0, l.scrollTop - 20_000));
      await idle(el);
      userScroll(el, 0);
      await waitUntil(() => drifts.length > i, 'no back-pagination', { timeout: 10_000 });
      await idle(el);
    }
    console.log(`anchor drift per back-pagination (px): ${drifts.map((d) => d.toFixed(1)).join(', ')}`);
    expect(drifts.length).to.be.at.least(3);
    for (const drift of drifts) expect(Math.abs(drift)).to.be.below(1);
  });

  it('makes room above for a page of older messages, so one scroll to the top asks for one page (compact log)', async () => {
    // The thread's compact log renders 300 px beyond its view, less than the distance from the top at which
    // older history is asked for (400 px): a range that does not reach the top must still leave room above
    // for the inserted messages, or the log stays near the top and asks for page after page on its own.
    let loaded = 9_000;
    const el = await mount(history(loaded, 10_000), { hasMoreBefore: true }, true);
    el.onPaginate = async () => {
      await settle(5);
      loaded -= 100;
      el.view = { ...el.view, items: history(loaded, 10_000) };
      await el.updateComplete;
      return true;
    };
    userScroll(el, 3000);
    await idle(el);
    expect(el.calls.filter((call) => call === 'paginate')).to.have.length(0);
    userScroll(el, 380);
    await waitUntil(() => el.calls.includes('paginate'), 'no back-pagination', { timeout: 10_000 });
    await idle(el);
    await settle(30);
    await idle(el);
    const l = log(el);
    expect(
      el.calls.filter((call) => call === 'paginate'),
      'pages asked for one scroll to the top',
    ).to.have.length(1);
    expect(l.scrollTop, 'the log moved down by the inserted messages').to.be.above(1000);
    expect(visibleArticles(el).length).to.be.above(0);
  });

  it('follows new messages at the bottom, and offers "Jump to latest" instead of yanking the reader', async () => {
    const el = await mount(history(0, 300));
    el.view = { ...el.view, items: [...el.view.items, message(300)] };
    await settle(20);
    expect(atBottom(el)).to.equal(true);
    expect(el.shadowRoot?.querySelector('.jump')).to.equal(null);

    const l = log(el);
    userScroll(el, l.scrollHeight / 3);
    await settle(30);
    const reading = visibleArticles(el)[0]!;
    const key = reading.dataset['key'];
    const top = reading.getBoundingClientRect().top;
    el.view = { ...el.view, items: [...el.view.items, message(301), message(302)] };
    await settle(20);
    const same = l.querySelector<HTMLElement>(`[data-key="${key ?? ''}"]`);
    expect(same?.getBoundingClientRect().top).to.be.closeTo(top, 1);
    const jump = el.shadowRoot?.querySelector<HTMLButtonElement>('.jump');
    expect(jump?.textContent).to.include('Jump to latest');
    expect(jump?.textContent).to.include('2 new');
    jump?.click();
    await waitUntil(() => atBottom(el), 'jump to latest did not reach the bottom', { timeout: 5000 });
    await settle();
    expect(el.shadowRoot?.querySelector('.jump')).to.equal(null);
    expect(visibleArticles(el).at(-1)?.textContent).to.include('Message number 302');
  });

  it('moves between messages with the keyboard and opens actions without a mouse', async () => {
    const el = await mount(history(0, 2_000));
    log(el).focus();
    await sendKeys({ press: 'ArrowUp' });
    await settle();
    const focused = (): HTMLElement | null => el.shadowRoot?.activeElement as HTMLElement | null;
    expect(focused()?.dataset['key']).to.equal('m1999');
    await sendKeys({ press: 'ArrowUp' });
    await settle();
    expect(focused()?.dataset['key']).to.equal('m1998');
    expect(focused()?.getAttribute('tabindex')).to.equal('0');
    expect(log(el).querySelectorAll('article[tabindex="0"]').length).to.equal(1);
    await sendKeys({ press: 'PageUp' });
    await settle();
    expect(focused()?.dataset['key']).to.equal('m1988');
    await sendKeys({ press: 'Home' });
    await settle(20);
    expect(focused()?.dataset['key']).to.equal('m0');
    await sendKeys({ press: 'End' });
    await settle(20);
    expect(focused()?.dataset['key']).to.equal('m1999');
    expect(log(el).querySelectorAll('*').length).to.be.at.most(300);

    await sendKeys({ press: 'r' });
    expect(el.calls).to.include('reply m1999');
    // m1998 is Bob's: no edit; m1998 - 2 = m1996 is own (n % 3 === 0 → 1998 is own). Use 1998.
    await sendKeys({ press: 'ArrowUp' });
    await settle();
    await sendKeys({ press: 'e' });
    expect(el.calls).to.include('edit m1998');
    await sendKeys({ press: '+' });
    await settle();
    expect(focused()?.getAttribute('aria-label')).to.equal('React with 👍');
    await sendKeys({ press: 'Enter' });
    expect(el.calls).to.include('react $e1998 👍');
    await settle();
    await sendKeys({ press: 'Delete' });
    await settle();
    expect(focused()?.textContent.trim()).to.equal('Delete message');
    await sendKeys({ press: 'Enter' });
    expect(el.calls).to.include('redact m1998');
  });

  it('renders day separators, the read marker, notices, placeholders, typing and receipts; accessible in light and dark', async () => {
    const items: TimelineItem[] = [
      { kind: 'day', key: 'd1', timestamp: start },
      { kind: 'notice', key: 'n1', eventId: '$n1', timestamp: start, line: { kind: 'joined', member: 'Bob', actor: 'Bob' } },
      message(1, { readBy: [alice, bob, { userId: '@c:x', displayName: 'Carol' }, { userId: '@d:x', displayName: 'Dan' }] }),
      { kind: 'read-marker', key: 'rm' },
      { kind: 'placeholder', key: 'p1', eventId: '$p1', timestamp: start, reason: 'malformed' },
      message(2, { reactions: [{ key: '👍', count: 2, senders: ['Alice', 'Bob'], ownEventId: '$r' }], edited: true }),
      message(3, { redacted: true }),
      message(4, { status: 'failed', own: true, sender: alice, eventId: undefined }),
    ];
    const el = await mount(items, { typing: [bob] });
    const root = el.shadowRoot!;
    expect(root.querySelector('.day')?.textContent).to.match(/2024/);
    expect(root.querySelector('.read-marker')?.textContent).to.include('New messages');
    expect(root.querySelector('.line')?.textContent).to.include('Bob joined');
    expect(root.querySelector('.placeholder')?.textContent).to.include('This message could not be displayed.');
    expect(root.querySelector('.typing')?.textContent).to.equal('Bob is typing…');
    expect(root.querySelector('.typing')?.getAttribute('aria-live')).to.equal('polite');
    expect(root.querySelector('.receipts')?.textContent).to.include('Seen by Alice, Bob, Carol and Dan');
    expect(root.querySelector('.reaction')?.getAttribute('aria-label')).to.include('Alice and Bob reacted with 👍');
    expect(root.querySelector('.reaction')?.getAttribute('aria-pressed')).to.equal('true');
    expect(root.querySelector('[data-key="m3"]')?.textContent).to.include('Message deleted');
    expect(root.querySelector('[data-key="m2"]')?.textContent).to.include('(edited)');
    const failed = root.querySelector<HTMLElement>('[data-key="m4"]')!;
    expect(failed.textContent).to.include('Not sent');
    const buttons = [...failed.querySelectorAll('button')];
    buttons.find((b) => b.textContent.trim() === 'Retry')?.click();
    buttons.find((b) => b.textContent.trim() === 'Cancel')?.click();
    expect(el.calls).to.include.members(['retry m4', 'cancel m4']);
    expect(log(el).getAttribute('role')).to.equal('log');
    expect(log(el).getAttribute('aria-live')).to.equal('off');
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('shows a message appended at the bottom in the very next frame, laid out and inside the log', async () => {
    const el = await mount(history(0, 500));
    /** Resolves after the next frame has been rendered (a message posted from its animation frame). */
    const afterNextFrame = (): Promise<void> =>
      new Promise((resolve) =>
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve();
          channel.port2.postMessage(null);
        }),
      );
    for (let i = 0; i < 6; i++) {
      // Odd ones are much taller than the virtualizer's estimate, so it re-measures within the frame.
      const body = `fresh ${i} ${i % 2 ? 'with a long body that wraps over several lines '.repeat(6) : ''}`;
      el.view = { ...el.view, items: [...el.view.items, message(500 + i, { body })] };
      await afterNextFrame();
      const tile = log(el).querySelector<HTMLElement>(`[data-key="m${500 + i}"]`);
      expect(tile, `m${500 + i} in the DOM after one frame`).to.not.equal(null);
      const box = log(el).getBoundingClientRect();
      const rect = tile!.getBoundingClientRect();
      // Within a pixel: scroll offsets are whole pixels, tiles sit at fractional positions.
      expect(rect.top, `m${500 + i} top`).to.be.at.least(box.top - 1);
      expect(rect.bottom, `m${500 + i} bottom`).to.be.at.most(box.bottom + 1);
      expect(atBottom(el)).to.equal(true);
      await settle(3);
    }
    // The layout was pinned to the latest item; older history inserted above must not move the view off it.
    el.view = { ...el.view, items: [...history(-100, 0).map((item) => ({ ...item, key: `old${item.key}` })), ...el.view.items] };
    await el.updateComplete;
    await idle(el);
    expect(atBottom(el)).to.equal(true);
    expect(visibleArticles(el).at(-1)?.dataset['key']).to.equal('m505');
  });

  it('announces each new incoming message once in a polite region, and nothing for history, scrolling or own messages', async () => {
    let loaded = 900;
    const el = await mount(history(loaded, 1_000), { hasMoreBefore: true });
    const region = el.shadowRoot!.querySelector<HTMLElement>('.announcer')!;
    const lines = (): string[] => [...region.querySelectorAll('p')].map((p) => p.textContent);
    expect(region.getAttribute('aria-live')).to.equal('polite');
    expect(region.closest('[role="log"]')).to.equal(null);
    expect(lines()).to.deep.equal([]);

    el.view = { ...el.view, items: [...el.view.items, message(1_000, { own: false, sender: bob, body: 'hello' })] };
    await el.updateComplete;
    await settle(3);
    expect(lines()).to.deep.equal(['Bob: hello']);
    const first = region.querySelector('p');

    // The member's own message, and a re-render with equal items, announce nothing.
    el.view = { ...el.view, items: [...el.view.items, message(1_001, { own: true, sender: alice, body: 'mine' })] };
    await el.updateComplete;
    el.view = { ...el.view, items: [...el.view.items] };
    await el.updateComplete;
    await settle(3);
    expect(lines()).to.deep.equal(['Bob: hello']);

    // Older history loaded by scrolling up, and the virtualizer re-mounting tiles, announce nothing.
    el.onPaginate = async () => {
      loaded -= 100;
      el.view = { ...el.view, items: [...history(loaded, 1_000), ...el.view.items.slice(-2)] };
      await el.updateComplete;
      return true;
    };
    const l = log(el);
    await idle(el);
    userScroll(el, 0);
    await waitUntil(() => loaded < 900, 'no back-pagination', { timeout: 10_000 });
    await idle(el);
    userScroll(el, l.scrollHeight / 2);
    await settle(10);
    expect(lines()).to.deep.equal(['Bob: hello']);
    expect(region.querySelector('p')).to.equal(first);

    // Long messages are cut; only the last few lines stay in the region.
    const long = 'word '.repeat(100);
    el.view = {
      ...el.view,
      items: [
        ...el.view.items,
        ...[2, 3, 4].map((n) => message(1_000 + n, { own: false, sender: bob, body: n === 4 ? long : `news ${n}` })),
      ],
    };
    await el.updateComplete;
    await settle(3);
    const shown = lines();
    expect(shown.slice(0, 2)).to.deep.equal(['Bob: news 2', 'Bob: news 3']);
    expect(shown[2]?.length).to.be.at.most(140);
    expect(shown[2]?.endsWith('…')).to.equal(true);
  });

  it('jumps to a reply’s original, loading older history when it is not loaded', async () => {
    let loaded = 500;
    const el = await mount(
      [...history(loaded, 600), message(600, { replyTo: { eventId: '$e10', sender: bob, body: 'Message number 10' } })],
      {
        hasMoreBefore: true,
      },
    );
    el.onPaginate = async () => {
      loaded = Math.max(0, loaded - 100);
      el.view = { ...el.view, items: [...history(loaded, 600), ...el.view.items.slice(-1)], hasMoreBefore: loaded > 0 };
      await el.updateComplete;
      return loaded > 0;
    };
    const jump = [...log(el).querySelectorAll('button')].find((b) => b.textContent.trim() === 'Jump to original')!;
    jump.click();
    await waitUntil(() => (el.shadowRoot?.activeElement as HTMLElement | null)?.dataset['key'] === 'm10', 'did not reach the original', {
      timeout: 20_000,
    });
  });

  it('keeps showing a message far taller than the view when an item above it goes away (the read marker)', async () => {
    const tall = message(31, { body: Array.from({ length: 400 }, (_, i) => `tall line ${String(i + 1)}`).join('\n') });
    const before = history(0, 30);
    const el = await mount([...before, { kind: 'read-marker', key: 'rm' }, tall]);
    const show = (): HTMLButtonElement | null => log(el).querySelector<HTMLButtonElement>('[data-key="m31"] .more');
    expect(show()?.textContent.trim(), 'a long message arrives collapsed').to.equal('Show more');
    expect(show()?.getAttribute('aria-expanded')).to.equal('false');
    show()?.click();
    await waitUntil(() => show()?.getAttribute('aria-expanded') === 'true', 'Show more did not expand the message');
    await idle(el);
    expect(show()?.textContent.trim()).to.equal('Show less');
    const expanded = log(el).querySelector<HTMLElement>('[data-key="m31"]');
    expect(expanded?.getBoundingClientRect().height, 'the whole message is shown').to.be.above(3 * log(el).clientHeight + 2000);
    await userScrollAndSettle(el, log(el).scrollHeight);
    expect(visibleArticles(el).map((a) => a.dataset['key'])).to.include('m31');

    // Reading it removes the "New messages" line above it: the log must keep showing it, not go blank.
    el.view = { ...el.view, items: [...before, tall] };
    await el.updateComplete;
    await settle(30);
    expect(
      visibleArticles(el).map((a) => a.dataset['key']),
      'tiles in view after the list shrank',
    ).to.include('m31');
    el.view = { ...el.view, items: [...before, tall, message(32)] };
    await settle(30);
    expect(visibleArticles(el).length, 'tiles in view after the next message').to.be.above(0);
  });

  it('stays at the latest message when the log is resized (a phone turned, a window narrowed)', async () => {
    const el = await mount(history(0, 300));
    expect(atBottom(el)).to.equal(true);
    const box = el.shadowRoot?.querySelector<HTMLElement>('div') as HTMLElement;
    box.style.inlineSize = '260px';
    await settle(30);
    await idle(el);
    expect(atBottom(el), 'at the latest message after narrowing').to.equal(true);
    expect(el.shadowRoot?.querySelector('.jump')).to.equal(null);
    box.style.inlineSize = '420px';
    box.style.blockSize = '300px';
    await settle(30);
    await idle(el);
    expect(atBottom(el), 'at the latest message after widening and shortening').to.equal(true);
    expect(visibleArticles(el).at(-1)?.textContent).to.include('Message number 299');
  });

  it('words the typing line for one, two and many', () => {
    expect(typingText([alice])).to.equal('Alice is typing…');
    expect(typingText([alice, bob])).to.equal('Alice and Bob are typing…');
    expect(typingText([alice, bob, alice, bob])).to.equal('Alice, Bob and 2 others are typing…');
  });
});
