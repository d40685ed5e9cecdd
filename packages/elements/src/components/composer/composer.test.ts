import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LitElement, type TemplateResult } from 'lit';
import { maxContentBytes, mentionsIn, type MemberInfo, type MessageItem, type OutgoingMessage, type TimelineItem } from '@omnisocial/core';
import { tokens } from '../../theme/tokens.ts';
import { ComposerController, type ComposerView } from './composer.ts';
import { composerStyles } from './composer.styles.ts';
import { messageItem } from '../../test-fixtures.ts';

const alice: MemberInfo = { userId: '@alice:example.org', displayName: 'Alice' };
const bob: MemberInfo = { userId: '@bob:example.org', displayName: 'Bob Builder' };

function own(n: number, body: string): MessageItem {
  return messageItem({ key: `m${n}`, eventId: `$e${n}`, sender: alice, own: true, timestamp: n, body });
}

class ComposerHost extends LitElement {
  static override styles = [tokens, composerStyles];
  static override properties = { view: { attribute: false }, theme: { reflect: true } };
  declare view: ComposerView;
  declare theme: string;
  calls: string[] = [];
  sent: OutgoingMessage[] = [];
  readonly composer = new ComposerController(this, () => ({
    send: (message: OutgoingMessage, replyTo?: string) => {
      this.sent.push(message);
      this.calls.push(`send ${message.body}${replyTo ? ` ↩ ${replyTo}` : ''}`);
      return Promise.resolve();
    },
    edit: (eventId: string, message: OutgoingMessage) => {
      this.sent.push(message);
      this.calls.push(`edit ${eventId} ${message.body}`);
      return Promise.resolve();
    },
    setTyping: (typing: boolean) => this.calls.push(`typing ${String(typing)}`),
    searchMembers: (query: string) =>
      Promise.resolve([alice, bob].filter((m) => m.displayName.toLowerCase().startsWith(query.toLowerCase()))),
  }));

  constructor() {
    super();
    this.theme = 'light';
    this.view = { canSend: true, draftKey: `test|${crypto.randomUUID()}`, items: [] };
  }

  protected override render(): TemplateResult {
    return this.composer.render(this.view);
  }
}
customElements.define('test-composer-host', ComposerHost);

function textbox(el: ComposerHost): HTMLTextAreaElement {
  const t = el.shadowRoot?.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]');
  if (!t) throw new Error('no textbox');
  return t;
}

function button(el: ComposerHost, name: string): HTMLButtonElement | undefined {
  return [...(el.shadowRoot?.querySelectorAll('button') ?? [])].find(
    (b) => (b.getAttribute('aria-label') ?? b.textContent.trim()) === name,
  );
}

async function mount(view: Partial<ComposerView> = {}): Promise<ComposerHost> {
  const el = await fixture<ComposerHost>(html`<test-composer-host></test-composer-host>`);
  el.view = { ...el.view, ...view };
  await el.updateComplete;
  return el;
}

describe('composer', () => {
  it('sends with Enter, adds a line with Shift+Enter, and reports typing', async () => {
    const el = await mount();
    textbox(el).focus();
    await sendKeys({ type: 'hello' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'world' });
    expect(textbox(el).value).to.equal('hello\nworld');
    expect(el.calls).to.include('typing true');
    await sendKeys({ press: 'Enter' });
    expect(el.calls).to.include('send hello\nworld');
    expect(el.calls.at(-2)).to.equal('typing false');
    expect(textbox(el).value).to.equal('');
    expect(button(el, 'Send')).to.not.equal(undefined);
  });

  it('edits the last own message with Up, and Esc cancels edits and replies', async () => {
    const items: TimelineItem[] = [own(1, 'first'), own(2, 'second')];
    const el = await mount({ items });
    textbox(el).focus();
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    expect(textbox(el).value).to.equal('second');
    expect(el.shadowRoot?.querySelector('.banner')?.textContent).to.include('Editing');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(textbox(el).value).to.equal('');
    expect(el.shadowRoot?.querySelector('.banner')).to.equal(null);

    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ type: ' (fixed)' });
    await sendKeys({ press: 'Enter' });
    expect(el.calls).to.include('edit $e2 second (fixed)');

    el.composer.startReply({ ...own(1, 'first'), own: false, sender: bob });
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('.banner')?.textContent).to.include('Replying to Bob Builder');
    await sendKeys({ type: 'a reply' });
    await sendKeys({ press: 'Enter' });
    expect(el.calls).to.include('send a reply ↩ $e1');
    el.composer.startReply(own(1, 'first'));
    await el.updateComplete;
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('.banner')).to.equal(null);
  });

  it('keeps a draft per room across a reload', async () => {
    const draftKey = `https://hs.example|!room-${crypto.randomUUID()}`;
    const el = await mount({ draftKey });
    textbox(el).focus();
    await sendKeys({ type: 'unfinished thought' });
    await waitUntil(() => localStorage.getItem(`omni-draft:${draftKey}`) === 'unfinished thought', 'draft not saved', { timeout: 3000 });
    el.remove();
    const again = await mount({ draftKey });
    await waitUntil(() => textbox(again).value === 'unfinished thought', 'draft not restored');
    const other = await mount({ draftKey: `${draftKey}-other` });
    expect(textbox(other).value).to.equal('');
  });

  it('autocompletes mentions in a listbox, shows the name, and sends it as a pill with m.mentions', async () => {
    const el = await mount();
    textbox(el).focus();
    await sendKeys({ type: 'hi @b' });
    await waitUntil(() => el.shadowRoot?.querySelector('[role="listbox"] [role="option"]'), 'no suggestions');
    const option = el.shadowRoot?.querySelector('[role="option"]');
    expect(option?.textContent).to.include('Bob Builder');
    expect(textbox(el).getAttribute('aria-activedescendant')).to.equal(option?.id);
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(textbox(el).value).to.equal('hi @Bob Builder ');
    expect(el.shadowRoot?.querySelector('[role="listbox"]')).to.equal(null);
    await sendKeys({ type: 'look' });
    await sendKeys({ press: 'Enter' });
    expect(el.sent.at(-1)).to.deep.equal({
      msgtype: 'm.text',
      body: 'hi Bob Builder look',
      formattedBody: '<p>hi <a href="https://matrix.to/#/@bob:example.org">Bob Builder</a> look</p>',
      mentionedUserIds: ['@bob:example.org'],
    });
    expect(mentionsIn('<p>hi <a href="https://matrix.to/#/@a%3Ab:x">A &amp; B</a></p>')).to.deep.equal([
      { userId: '@a:b:x', displayName: 'A & B' },
    ]);
  });

  it('runs /me and /shrug, and explains an unknown command without sending it or losing the text', async () => {
    const el = await mount();
    textbox(el).focus();
    await sendKeys({ type: '/me waves' });
    await sendKeys({ press: 'Enter' });
    expect(el.sent.at(-1)).to.include({ msgtype: 'm.emote', body: 'waves' });
    await sendKeys({ type: '/shrug fine' });
    await sendKeys({ press: 'Enter' });
    expect(el.sent.at(-1)).to.include({ msgtype: 'm.text', body: '¯\\_(ツ)_/¯ fine' });
    const count = el.sent.length;
    await sendKeys({ type: '/shout hello' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.sent.length).to.equal(count);
    expect(textbox(el).value).to.equal('/shout hello');
    const alert = el.shadowRoot?.querySelector('[role="alert"]');
    expect(alert?.textContent).to.include('/shout is not a command');
    expect(alert?.textContent).to.include('/me, /shrug, /plain');
    await expect(el).to.be.accessible();
    // A leading slash doubled is text.
    textbox(el).setSelectionRange(0, 0);
    await sendKeys({ type: '/' });
    await sendKeys({ press: 'Enter' });
    expect(el.calls.at(-1)).to.equal('send /shout hello');
  });

  it('suggests the real commands for a lone slash word, and completes the one picked', async () => {
    const el = await mount();
    textbox(el).focus();
    await sendKeys({ type: '/' });
    await el.updateComplete;
    const options = () => [...(el.shadowRoot?.querySelectorAll('[role="listbox"][aria-label="Commands"] [role="option"]') ?? [])];
    expect(options().map((o) => o.querySelector('.name')?.textContent)).to.deep.equal([
      '/me <action>',
      '/shrug [message]',
      '/plain <message>',
    ]);
    await expect(el).to.be.accessible();
    await sendKeys({ type: 's' });
    await el.updateComplete;
    expect(options().map((o) => o.querySelector('.name')?.textContent)).to.deep.equal(['/shrug [message]']);
    await sendKeys({ press: 'Tab' });
    await el.updateComplete;
    expect(textbox(el).value).to.equal('/shrug ');
    expect(options()).to.deep.equal([]);
    await sendKeys({ type: 'ok' });
    await sendKeys({ press: 'Enter' });
    expect(el.sent.at(-1)?.body).to.equal('¯\\_(ツ)_/¯ ok');
  });

  it('counts down near the size limit and refuses a message too large, keeping the text', async () => {
    const el = await mount();
    const max = maxContentBytes(false);
    const box = textbox(el);
    box.focus();
    box.value = 'a'.repeat(max - 2_000);
    box.dispatchEvent(new Event('input'));
    const counter = () => el.shadowRoot?.querySelector('.counter')?.textContent.trim() ?? '';
    await waitUntil(() => /bytes left/.test(counter()), 'no counter near the limit');
    expect(box.getAttribute('aria-describedby')).to.equal('composer-counter');
    await sendKeys({ type: 'b'.repeat(10) });
    box.value += 'c'.repeat(3_000);
    box.dispatchEvent(new Event('input'));
    await waitUntil(() => /Too long by/.test(counter()), 'no warning over the limit');
    const text = box.value;
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.sent.length).to.equal(0);
    expect(box.value).to.equal(text);
    expect(el.shadowRoot?.querySelector('[role="alert"]')?.textContent).to.include('too large');
    await expect(el).to.be.accessible();
    // Encrypted rooms hold less: the same text is refused there well before.
    el.view = { ...el.view, encrypted: true };
    box.value = 'a'.repeat(maxContentBytes(true) + 10);
    box.dispatchEvent(new Event('input'));
    await waitUntil(() => /Too long by/.test(counter()), 'no warning for an encrypted room');
  });

  it('loads the emoji picker only when first opened', async () => {
    const el = await mount();
    expect(customElements.get('emoji-picker')).to.equal(undefined);
    button(el, 'Emoji')?.click();
    await waitUntil(() => el.shadowRoot?.querySelector('emoji-picker'), 'no picker', { timeout: 10_000 });
    expect(customElements.get('emoji-picker')).to.not.equal(undefined);
    expect(button(el, 'Emoji')?.getAttribute('aria-expanded')).to.equal('true');
    // Its emoji data comes from our own origin, never a CDN.
    await waitUntil(
      () => performance.getEntriesByType('resource').some((e) => e.name.includes('data.json')),
      'the picker never loaded its emoji data',
      { timeout: 10_000 },
    );
    const foreign = performance.getEntriesByType('resource').filter((e) => new URL(e.name).origin !== location.origin);
    expect(foreign.map((e) => e.name)).to.deep.equal([]);
    textbox(el).focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('emoji-picker')).to.equal(null);
  });

  it('is disabled with the reason when the member cannot send; accessible in light and dark', async () => {
    const el = await mount({ canSend: false, cannotSendReason: 'Only moderators can post here.' });
    expect(textbox(el).disabled).to.equal(true);
    expect(button(el, 'Send')?.disabled).to.equal(true);
    expect(el.shadowRoot?.querySelector('.reason')?.textContent).to.include('Only moderators can post here.');
    expect(textbox(el).getAttribute('aria-describedby')).to.equal('composer-reason');
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    el.view = { ...el.view, canSend: true };
    el.composer.startReply({ ...own(1, 'first'), own: false, sender: bob });
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('while the discussion connects, says so in the text box and keeps the height it has once writing opens', async () => {
    const el = await mount({ canSend: false, cannotSendReason: 'Connecting to the discussion…', waiting: true });
    const form = el.shadowRoot?.querySelector('form');
    const waitingHeight = form?.getBoundingClientRect().height;
    expect(textbox(el).disabled).to.equal(true);
    expect(textbox(el).placeholder).to.equal('Connecting to the discussion…');
    expect(el.shadowRoot?.querySelector('.reason'), 'no line of its own').to.equal(null);
    await expect(el).to.be.accessible();
    el.view = { ...el.view, canSend: true, waiting: false };
    await el.updateComplete;
    expect(textbox(el).disabled).to.equal(false);
    expect(textbox(el).placeholder).to.equal('Write a message…');
    expect(form?.getBoundingClientRect().height, 'the composer keeps its height').to.equal(waitingHeight);
  });
});
