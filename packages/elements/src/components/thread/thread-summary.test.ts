import { expect, fixture, html } from '@open-wc/testing';
import { LitElement, css, type TemplateResult } from 'lit';
import type { MemberInfo, MessageItem, ThreadSummary } from '@omnisocial/core';
import { tokens } from '../../theme/tokens.ts';
import { messageItem } from '../../test-fixtures.ts';
import { renderMessageTile, type MessageAction } from '../message-tile/message-tile.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { agoText, repliesText, summaryText } from './thread-summary.ts';
import { commentItems } from './comments.ts';

const alice: MemberInfo = { userId: '@alice:example.org', displayName: 'Alice' };
const bob: MemberInfo = { userId: '@bob:example.org', displayName: 'Bob' };
const NOW = Date.UTC(2026, 2, 14, 12);

function thread(overrides: Partial<ThreadSummary> = {}): ThreadSummary {
  return {
    rootId: '$root',
    count: 4,
    latest: { sender: bob, timestamp: NOW - 5 * 60_000 },
    participants: [bob, alice],
    unread: 0,
    participated: false,
    ...overrides,
  };
}

class SummaryHost extends LitElement {
  static override styles = [
    tokens,
    messageTileStyles,
    css`
      :host {
        display: block;
        background: var(--_color-surface);
        color: var(--_color-text);
      }
    `,
  ];
  static override properties = { message: { attribute: false }, threads: { attribute: false } };
  declare message: MessageItem;
  declare threads: boolean;
  actions: MessageAction[] = [];
  protected override render(): TemplateResult {
    return html`<div role="log" aria-label="Messages">
      ${renderMessageTile(this.message, { active: true, menu: 'none', threads: this.threads, onAction: (a) => this.actions.push(a) })}
    </div>`;
  }
}
customElements.define('test-summary-host', SummaryHost);

async function mount(message: MessageItem, threads = true): Promise<SummaryHost> {
  const el = await fixture<SummaryHost>(html`<test-summary-host .message=${message} .threads=${threads}></test-summary-host>`);
  await el.updateComplete;
  return el;
}

describe('thread summary', () => {
  it('says how many replies and how long ago, with plurals', () => {
    expect(repliesText(1)).to.equal('1 reply');
    expect(repliesText(4)).to.equal('4 replies');
    expect(agoText(NOW - 10_000, NOW)).to.equal(undefined);
    expect(agoText(NOW - 5 * 60_000, NOW)).to.equal('5 min. ago');
    expect(summaryText(thread(), NOW)).to.equal('4 replies · last 5 min. ago');
    expect(summaryText(thread({ latest: { sender: bob, timestamp: NOW } }), NOW)).to.equal('4 replies · last just now');
  });

  it('renders under the root as one button that opens the thread, naming who replied and what is unread', async () => {
    const el = await mount(messageItem({ sender: alice, eventId: '$root', thread: thread({ unread: 2 }) }));
    const button = el.shadowRoot?.querySelector<HTMLButtonElement>('.thread-summary');
    expect(button?.textContent).to.include('replies');
    expect(button?.textContent).to.include('from Bob and Alice, 2 unread');
    expect(button?.querySelectorAll('.thread-avatar').length).to.equal(2);
    button?.click();
    expect(el.actions.map((a) => a.type)).to.deep.equal(['thread']);
    await expect(el).to.be.accessible();
  });

  it('offers Reply in thread in the toolbar only where the timeline opens threads, never on a reply in a thread', async () => {
    const label = (el: SummaryHost): string[] =>
      [...(el.shadowRoot?.querySelectorAll('.actions button') ?? [])].map((b) => b.textContent.trim());
    expect(label(await mount(messageItem({ sender: bob, eventId: '$a' })))).to.include('Reply in thread');
    expect(label(await mount(messageItem({ sender: bob, eventId: '$a' }), false))).to.not.include('Reply in thread');
    expect(label(await mount(messageItem({ sender: bob, eventId: '$b', threadRoot: '$a' })))).to.not.include('Reply in thread');
    const dark = await mount(messageItem({ sender: alice, eventId: '$root', thread: thread() }));
    dark.setAttribute('theme', 'dark');
    await expect(dark).to.be.accessible();
  });
});

describe('comments layout', () => {
  it('orders messages oldest, newest or by reactions, each naming its author', () => {
    const a = messageItem({ key: 'a', sender: bob, timestamp: 1, body: 'a', continuation: false });
    const b = messageItem({
      key: 'b',
      sender: bob,
      timestamp: 2,
      body: 'b',
      continuation: true,
      reactions: [{ key: '👍', count: 2, senders: ['Alice', 'Bob'] }],
    });
    const c = messageItem({ key: 'c', sender: alice, timestamp: 3, body: 'c', continuation: false });
    const items = [{ kind: 'day' as const, key: 'day', timestamp: 0 }, a, b, c];
    const keys = (sort: 'oldest' | 'newest' | 'reactions'): string[] => commentItems(items, sort).map((i) => i.key);
    expect(keys('oldest')).to.deep.equal(['a', 'b', 'c']);
    expect(keys('newest')).to.deep.equal(['c', 'b', 'a']);
    expect(keys('reactions')).to.deep.equal(['b', 'a', 'c']);
    expect(commentItems(items, 'oldest').every((i) => i.kind === 'message' && !i.continuation)).to.equal(true);
    expect(commentItems(items, 'oldest')).to.equal(commentItems(items, 'oldest'), 'the same list while the items are');
  });
});
