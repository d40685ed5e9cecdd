import { expect, fixture, html } from '@open-wc/testing';
import { LitElement, css, render, type TemplateResult } from 'lit';
import type { MemberInfo, MessageItem } from '@omnisocial/core';
import { tokens } from '../../theme/tokens.ts';
import { sendKeys } from '@web/test-runner-commands';
import {
  avatarColour,
  initials,
  isLongMessage,
  listNames,
  renderMessageTile,
  undecryptableReason,
  type MessageAction,
  type TileMenu,
} from './message-tile.ts';
import { messageTileStyles } from './message-tile.styles.ts';
import { humanSize, MEDIA_BOX, mediaBox } from './message-media.ts';
import { messageItem } from '../../test-fixtures.ts';

const alice: MemberInfo = { userId: '@alice:example.org', displayName: 'Alice' };
const bob: MemberInfo = { userId: '@bob:example.org', displayName: 'Bob' };

function message(overrides: Partial<MessageItem> = {}): MessageItem {
  return messageItem({ sender: bob, timestamp: Date.UTC(2024, 0, 1, 9), body: 'Hello there', ...overrides });
}

class TileHost extends LitElement {
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
  static override properties = { messages: { attribute: false }, menu: { attribute: false }, theme: { reflect: true } };
  declare messages: MessageItem[];
  declare menu: TileMenu;
  declare theme: string;
  actions: MessageAction[] = [];
  constructor() {
    super();
    this.messages = [];
    this.menu = 'none';
    this.theme = 'light';
  }
  protected override render(): TemplateResult {
    return html`<div role="log" aria-label="Messages">
      ${this.messages.map((m, i) => renderMessageTile(m, { active: i === 0, menu: i === 0 ? this.menu : 'none', onAction: (a) => this.actions.push(a) }))}
    </div>`;
  }
}
customElements.define('test-tile-host', TileHost);

async function mount(messages: MessageItem[]): Promise<TileHost> {
  const el = await fixture<TileHost>(html`<test-tile-host></test-tile-host>`);
  el.messages = messages;
  await el.updateComplete;
  return el;
}

function buttonsOf(el: TileHost, key: string): HTMLButtonElement[] {
  return [...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>(`article[data-key="${key}"] button`) ?? [])];
}

describe('message tile', () => {
  it('is an article whose text holds sender and body, with reply quote, (edited), reactions and receipts', async () => {
    const el = await mount([
      message({
        edited: true,
        replyTo: { eventId: '$orig', sender: alice, body: 'the original' },
        reactions: [{ key: '🎉', count: 2, senders: ['Alice', 'Carol'], ownEventId: '$mine' }],
        readBy: [alice],
      }),
    ]);
    const article = el.shadowRoot!.querySelector('article')!;
    const text = article.textContent.replace(/\s+/g, ' ');
    expect(text).to.include('Bob');
    expect(text).to.include('Hello there');
    expect(text).to.include('(edited)');
    expect(text).to.include('In reply to Alice the original');
    expect(text).to.include('Seen by Alice');
    const reaction = article.querySelector('.reaction')!;
    expect(reaction.getAttribute('title')).to.include('Alice and Carol reacted with 🎉');
    expect(reaction.getAttribute('aria-pressed')).to.equal('true');
    (reaction as HTMLButtonElement).click();
    buttonsOf(el, 'k1')
      .find((b) => b.textContent.trim() === 'Jump to original')
      ?.click();
    expect(el.actions.map((a) => a.type)).to.deep.equal(['react', 'jump']);
    // Someone else's message offers React and Reply, not Edit or Delete.
    const names = buttonsOf(el, 'k1').map((b) => b.textContent.trim());
    expect(names).to.include.members(['React', 'Reply']);
    expect(names).not.to.include('Edit');
  });

  it('shows deleted messages, own actions, and failed sends with Retry and Cancel', async () => {
    const el = await mount([
      message({ key: 'own', own: true, sender: alice }),
      message({ key: 'gone', redacted: true, body: '' }),
      message({ key: 'failed', own: true, sender: alice, status: 'failed', eventId: undefined }),
    ]);
    expect(buttonsOf(el, 'own').map((b) => b.textContent.trim())).to.include.members(['React', 'Reply', 'Edit', 'Delete']);
    expect(el.shadowRoot!.querySelector('[data-key="gone"]')?.textContent).to.include('Message deleted');
    expect(buttonsOf(el, 'gone')).to.have.length(0);
    const failed = el.shadowRoot!.querySelector('[data-key="failed"]')!;
    expect(failed.textContent).to.include('Not sent');
    for (const b of buttonsOf(el, 'failed')) b.click();
    expect(el.actions.map((a) => a.type)).to.deep.equal(['retry', 'cancel']);
  });

  it('is described by its meta line only while that says something, and renders no empty one', async () => {
    const el = await mount([
      message({ key: 'sent', continuation: true }),
      message({ key: 'sending', own: true, sender: alice, status: 'sending', eventId: undefined, continuation: true }),
      message({ key: 'failed', own: true, sender: alice, status: 'failed', eventId: undefined }),
    ]);
    const article = (key: string): HTMLElement => el.shadowRoot!.querySelector<HTMLElement>(`article[data-key="${key}"]`)!;
    const description = (key: string): string | undefined => {
      const id = article(key).getAttribute('aria-describedby');
      return id === null ? undefined : (el.shadowRoot!.getElementById(id)?.textContent.replace(/\s+/gu, ' ').trim() ?? `missing #${id}`);
    };
    expect(article('sent').querySelectorAll('.meta'), 'a sent message has no meta line').to.have.length(0);
    expect(description('sent')).to.equal(undefined);
    expect(description('sending')).to.equal('Sending…');
    expect(description('failed')).to.equal('Not sent RetryCancel');

    // Once sent, the line goes, and the description with it; the tile itself stays.
    const sending = article('sending');
    el.messages = [el.messages[0]!, { ...el.messages[1]!, status: 'sent', eventId: '$sent' }, el.messages[2]!];
    await el.updateComplete;
    expect(article('sending') === sending, 'the same tile').to.equal(true);
    expect(description('sending')).to.equal(undefined);
    expect(sending.querySelectorAll('.meta')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('offers no Retry for a message refused for its size: it says why and offers Remove', async () => {
    const reason = 'This message is too large to send. Shorten it, or split it into several messages.';
    const el = await mount([
      message({ key: 'big', own: true, sender: alice, status: 'failed', eventId: undefined, sendError: reason, retryable: false }),
    ]);
    const tile = el.shadowRoot!.querySelector('[data-key="big"]')!;
    expect(tile.textContent).to.include('Not sent');
    expect(tile.textContent).to.include(reason);
    expect(buttonsOf(el, 'big').map((b) => b.textContent.trim())).to.deep.equal(['Remove']);
    buttonsOf(el, 'big')[0]?.click();
    expect(el.actions.map((a) => a.type)).to.deep.equal(['cancel']);
    await expect(el).to.be.accessible();
  });

  it('is accessible in light and dark, with menus open', async () => {
    const el = await mount([
      message({ own: true, sender: alice, reactions: [{ key: '👍', count: 1, senders: ['Bob'] }], readBy: [bob] }),
      message({ key: 'k2', continuation: true, msgtype: 'notice' }),
    ]);
    await expect(el).to.be.accessible();
    el.menu = 'react';
    await el.updateComplete;
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    el.menu = 'confirm-delete';
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('shows attachments without a media loader as fallbacks: file link, player button, "Media unavailable"', async () => {
    const el = await mount([
      message({ key: 'img', msgtype: 'image', body: 'cat.png', media: { mxc: 'mxc://s/cat', name: 'cat.png', width: 800, height: 400 } }),
      message({ key: 'file', msgtype: 'file', body: 'report.pdf', media: { mxc: 'mxc://s/report', name: 'report.pdf', size: 2_400_000 } }),
      message({
        key: 'video',
        msgtype: 'video',
        body: 'clip.mp4',
        media: { mxc: 'mxc://s/clip', name: 'clip.mp4', width: 640, height: 360 },
      }),
      message({ key: 'foreign', msgtype: 'image', body: 'x.png' }),
    ]);
    const tile = (key: string): Element => el.shadowRoot!.querySelector(`[data-key="${key}"]`)!;
    // No loader: the picture cannot be fetched, so it says so (with its name) instead of a broken image.
    expect(tile('img').querySelector('img')).to.equal(null);
    expect(tile('img').textContent).to.include('cat.png');
    expect(tile('img').querySelector('.media-unavailable')?.textContent).to.equal('Media unavailable');
    const link = tile('file').querySelector<HTMLAnchorElement>('a.file')!;
    expect(link.getAttribute('download')).to.equal('report.pdf');
    expect(link.textContent.replace(/\s+/g, ' ')).to.match(/report\.pdf \(2\.4 MB\)/);
    expect(tile('video').querySelector('button.media-play')?.textContent.replace(/\s+/g, ' ').trim()).to.equal('Play video: clip.mp4');
    expect(tile('video').querySelector('video')).to.equal(null);
    expect(tile('foreign').querySelector('.media-unavailable')).to.not.equal(null);
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('sizes media boxes from width and height, within the box, and sizes files for people', () => {
    expect(mediaBox({ width: 800, height: 400 })).to.deep.equal({ width: 320, height: 160 });
    expect(mediaBox({ width: 100, height: 400 })).to.deep.equal({ width: 60, height: 240 });
    expect(mediaBox({ width: 50, height: 20 })).to.deep.equal({ width: 50, height: 20 });
    expect(mediaBox({})).to.deep.equal({ ...MEDIA_BOX });
    expect(mediaBox({ width: -1, height: 10 })).to.deep.equal({ ...MEDIA_BOX });
    expect(humanSize(820)).to.match(/^820 byte/);
    expect(humanSize(12_400)).to.match(/^12\.4 kB$/);
    expect(humanSize(3_100_000)).to.match(/^3\.1 MB$/);
  });

  it('shows an encrypted message it cannot read as a muted placeholder from its sender, with Retry from the keyboard', async () => {
    // Core sends no words for them (an empty body): the tile says what each state means.
    const waiting = message({
      key: 'waiting',
      eventId: '$w',
      body: '',
      undecryptable: { state: 'waiting', reason: 'keys-not-received' },
    });
    const withheld = message({
      key: 'withheld',
      eventId: '$h',
      body: '',
      undecryptable: { state: 'failed', reason: 'withheld-unverified' },
      readBy: [alice],
    });
    const decrypting = message({
      key: 'decrypting',
      eventId: '$d',
      body: '',
      undecryptable: { state: 'decrypting', reason: 'decrypting' },
    });
    const el = await mount([waiting, withheld, decrypting]);
    const tile = (key: string): HTMLElement => el.shadowRoot!.querySelector<HTMLElement>(`article[data-key="${key}"]`)!;
    const text = (key: string): string => tile(key).textContent.replace(/\s+/g, ' ').trim();
    expect(text('waiting')).to.include('Bob').and.include('Waiting for the keys to this message');
    expect(text('waiting')).to.include("Bob's device has not sent this browser the keys yet.");
    expect(text('withheld')).to.include('Unable to decrypt this message');
    expect(text('withheld')).to.include("Bob's device does not share keys with unverified devices");
    expect(text('withheld')).to.include('Seen by Alice');
    expect(tile('waiting').querySelector('time')?.getAttribute('datetime')).to.equal(new Date(Date.UTC(2024, 0, 1, 9)).toISOString());
    expect(tile('withheld').dataset['undecryptable']).to.equal('failed');
    expect(tile('withheld').dataset['reason']).to.equal('withheld-unverified');
    // Nothing to reply to or react to: only Retry.
    expect(buttonsOf(el, 'waiting').map((b) => b.getAttribute('aria-label'))).to.deep.equal(['Retry decrypting this message']);
    expect(buttonsOf(el, 'waiting')[0]?.textContent.trim()).to.equal('Retry');
    // While an attempt runs, Retry stays (keeping a keyboard member's focus) but does nothing.
    const busy = buttonsOf(el, 'decrypting');
    expect(busy.map((b) => b.getAttribute('aria-disabled'))).to.deep.equal(['true']);
    busy[0]?.click();
    expect(el.actions).to.deep.equal([]);
    expect(buttonsOf(el, 'waiting')[0]?.getAttribute('aria-disabled')).to.equal('false');
    expect(text('decrypting')).to.include('Decrypting…');
    // Muted: no bubble colour, the muted text colour.
    const bubble = getComputedStyle(tile('waiting').querySelector('.bubble')!);
    expect(bubble.backgroundColor).to.equal('rgba(0, 0, 0, 0)');
    expect(bubble.borderStyle).to.equal('dashed');

    // The first tile is the active one: Tab from it reaches its Retry, Enter presses it.
    tile('waiting').focus();
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement?.textContent.trim()).to.equal('Retry');
    await sendKeys({ press: 'Enter' });
    expect(el.actions.map((a) => [a.type, a.message.key])).to.deep.equal([['retry', 'waiting']]);
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    await el.updateComplete;
    await expect(el).to.be.accessible();

    // The keys arrive: the same article fills in with the text, and the placeholder words are gone.
    const before = tile('waiting');
    el.messages = [message({ key: 'waiting', eventId: '$w', body: 'The meeting moved to Friday' }), withheld, decrypting];
    await el.updateComplete;
    expect(tile('waiting')).to.equal(before);
    expect(text('waiting')).to.include('The meeting moved to Friday').and.not.include('Waiting for the keys');
    expect(tile('waiting').hasAttribute('data-undecryptable')).to.equal(false);
    expect(buttonsOf(el, 'waiting').map((b) => b.textContent.trim())).to.include.members(['React', 'Reply']);
  });

  it('says why a message cannot be read, naming the sender, for every reason', () => {
    const reasons = [
      'encryption-not-started',
      'sign-in-required',
      'keys-not-received',
      'sent-before-sign-in',
      'backup-locked',
      'backup-searching',
      'withheld-unverified',
      'withheld',
      'unknown-index',
      'sent-before-joining',
      'untrusted-sender',
      'other',
    ] as const;
    const said = reasons.map((reason) => undecryptableReason(message({ undecryptable: { state: 'failed', reason } })));
    for (const [i, sentence] of said.entries()) expect(sentence, reasons[i]).to.match(/^[A-Z].*\.$/u);
    expect(new Set(said).size).to.equal(reasons.length);
    expect(undecryptableReason(message({ own: true, undecryptable: { state: 'failed', reason: 'withheld' } }))).to.equal(
      'Your other device refused to share the keys to this message.',
    );
    expect(undecryptableReason(message())).to.equal('');
  });

  it('offers a guest no Retry: the keys cannot come until they sign in, and the tile says so', async () => {
    const el = await mount([message({ key: 'guest', body: '', undecryptable: { state: 'failed', reason: 'sign-in-required' } })]);
    const article = el.shadowRoot?.querySelector('article[data-key="guest"]');
    expect(article?.textContent).to.include('Unable to decrypt this message').and.include('Sign in to read encrypted messages.');
    expect(buttonsOf(el, 'guest')).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('names lists and initials', () => {
    expect(listNames(['A', 'B', 'C'])).to.equal('A, B and C');
    expect(initials({ userId: '@z:x', displayName: 'zoë' })).to.equal('Z');
  });

  it('shows a trust shield with an accessible label only for an unverified device or a changed identity', async () => {
    const el = await mount([
      message({ key: 'plain' }),
      message({ key: 'verified', trust: 'verified' }),
      message({ key: 'unverified', trust: 'unverified' }),
      message({ key: 'unknown', trust: 'unknown' }),
      message({ key: 'device', trust: 'unverified-device' }),
      message({ key: 'changed', trust: 'identity-changed' }),
    ]);
    const shield = (key: string): Element | null | undefined =>
      el.shadowRoot?.querySelector(`article[data-key="${key}"] [part="trust-warning"]`);
    for (const key of ['plain', 'verified', 'unverified', 'unknown']) expect(shield(key), key).to.equal(null);
    expect(shield('device')?.getAttribute('role')).to.equal('img');
    expect(shield('device')?.getAttribute('aria-label')).to.equal('Sent from a device Bob has not verified');
    expect(shield('changed')?.getAttribute('aria-label')).to.equal("Bob's identity changed since you verified them");
    expect(el.shadowRoot?.querySelector('article[data-key="verified"]')?.getAttribute('data-trust')).to.equal('verified');
    expect(el.shadowRoot?.querySelector('article[data-key="plain"]')?.hasAttribute('data-trust')).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('says who shared the keys of a message read with shared history, and nothing on others', async () => {
    const el = await mount([
      message({ key: 'shared', trust: 'unknown', sharedBy: 'Alice' }),
      message({ key: 'direct', trust: 'unverified' }),
    ]);
    const meta = (key: string): string =>
      (el.shadowRoot?.querySelector(`article[data-key="${key}"] .meta`)?.textContent ?? '').replace(/\s+/gu, ' ');
    expect(meta('shared')).to.include('Shared by Alice');
    expect(meta('direct')).to.not.include('Shared by');
    await expect(el).to.be.accessible();
  });

  it('cuts long messages with Show more, never media, deleted or unreadable ones', async () => {
    expect(isLongMessage(message({ body: 'x'.repeat(1_000) }))).to.equal(false);
    expect(isLongMessage(message({ body: 'x'.repeat(1_001) }))).to.equal(true);
    expect(isLongMessage(message({ body: Array.from({ length: 12 }, () => 'line').join('\n') }))).to.equal(false);
    expect(isLongMessage(message({ body: Array.from({ length: 13 }, () => 'line').join('\n') }))).to.equal(true);
    expect(isLongMessage(message({ body: 'x'.repeat(2_000), redacted: true }))).to.equal(false);
    expect(isLongMessage(message({ body: 'x'.repeat(2_000), msgtype: 'file' }))).to.equal(false);
    const long = Array.from({ length: 40 }, (_, i) => `line ${String(i + 1)}`).join('\n');
    const el = await mount([message({ key: 'long', body: long })]);
    const article = el.shadowRoot?.querySelector<HTMLElement>('article[data-key="long"]');
    const more = article?.querySelector<HTMLButtonElement>('button.more');
    expect(more?.textContent.trim()).to.equal('Show more');
    expect(more?.getAttribute('aria-expanded')).to.equal('false');
    const text = el.shadowRoot?.getElementById(more?.getAttribute('aria-controls') ?? '');
    expect(text?.textContent, 'the whole text is in the article').to.include('line 40');
    expect(text?.getBoundingClientRect().height, 'cut to a few lines').to.be.below(300);
    more?.click();
    expect(el.actions.map((a) => a.type)).to.deep.equal(['toggle-expanded']);
    await expect(el).to.be.accessible();
  });

  it('shows receipts only where asked, and fills avatars with a colour of the member that holds white initials', async () => {
    const el = await fixture<TileHost>(html`<test-tile-host></test-tile-host>`);
    const root = el.shadowRoot as ShadowRoot;
    const plain = renderMessageTile(message({ readBy: [alice] }), {
      active: false,
      menu: 'none',
      onAction: () => undefined,
      showReceipts: false,
    });
    const host = document.createElement('div');
    root.append(host);
    render(plain, host);
    expect(host.querySelector('.receipts')).to.equal(null);
    expect(avatarColour('@bob:example.org')).to.equal(avatarColour('@bob:example.org'));
    const colours = new Set(['@a:x', '@b:x', '@c:x', '@d:x', '@e:x', '@f:x'].map(avatarColour));
    expect(colours.size, 'members get different colours').to.be.above(2);
    const avatar = host.querySelector<HTMLElement>('.avatar');
    const style = getComputedStyle(avatar as HTMLElement);
    expect(style.color).to.equal('rgb(255, 255, 255)');
    expect(style.backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
    await expect(el).to.be.accessible();
  });
});
