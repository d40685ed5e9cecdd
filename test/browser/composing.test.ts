/**
 * Composing as a member does, against real Synapse: Markdown and a mention picked in the real composer
 * reach a second member formatted, with the mention as a pill and the message highlighted for them;
 * commands and the size limit are handled in the composer, before anything is sent.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { contentBytes, maxContentBytes, MAX_EVENT_BYTES } from '@omnisocial/core';
import { homeserver, peer, registerUser, type MatrixEvent, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { articles, shadow, textbox, waitForText } from './dom.ts';

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;
let roomId: string;
let alias: string;

async function mountRoom(): Promise<OmniRoom> {
  const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
  await waitUntil(() => articles(el).length > 0 && textbox(el)?.disabled === false, 'the room never opened', { timeout: 30_000 });
  return el;
}

function composerBox(el: OmniRoom): HTMLTextAreaElement {
  const box = textbox(el);
  if (!box) throw new Error('no composer');
  return box;
}

const alertText = (el: OmniRoom): string => shadow(el).querySelector('form [role="alert"]')?.textContent.trim() ?? '';

async function latestFrom(sender: string, match: (event: MatrixEvent) => boolean): Promise<MatrixEvent> {
  let found: MatrixEvent | undefined;
  await waitUntil(
    async () => {
      found = (await peer(bob).roomMessages(roomId, { limit: 30 })).findLast((e) => e.sender === sender && match(e));
      return found !== undefined;
    },
    'the event never reached the server',
    { timeout: 20_000, interval: 250 },
  );
  return found as MatrixEvent;
}

describe('composing in <omni-room>', () => {
  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice Adams' });
    bob = await registerUser({ displayName: 'Bob Okafor' });
    const created = await peer(bob).createRoom({
      alias: `compose-${crypto.randomUUID().slice(0, 8)}`,
      name: 'Compose',
      preset: 'public_chat',
    });
    roomId = created.roomId;
    alias = created.alias ?? '';
    await peer(bob).sendMessage(roomId, 'Welcome, write something');
  });

  afterEach(async () => {
    await signOut();
  });

  it('Markdown and a picked mention reach the other member formatted, as a pill, highlighted for them', async () => {
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await mountRoom();
    const box = composerBox(el);
    box.focus();
    await sendKeys({ type: 'Hey @Bo' });
    await waitUntil(
      () => shadow(el).querySelector('[role="listbox"] [role="option"]')?.textContent.includes('Bob Okafor'),
      'no mention list',
      {
        timeout: 10_000,
      },
    );
    await sendKeys({ press: 'Enter' });
    // The picked member reads as their name in the composer, not as a link.
    expect(box.value).to.equal('Hey @Bob Okafor ');
    await sendKeys({ type: 'this is **important**' });
    for (const line of ['', '- first item', '- second item', '', '```', 'const x = 1;', '```']) {
      await sendKeys({ press: 'Shift+Enter' });
      if (line) await sendKeys({ type: line });
    }
    await sendKeys({ press: 'Enter' });

    // Alice's own echo is formatted at once.
    const mine = await waitForText(el, 'important');
    expect(mine.querySelector('strong')?.textContent).to.equal('important');
    expect(mine.textContent).to.not.include('**');

    const event = await latestFrom(alice.userId, (e) => String(e.content['body']).includes('important'));
    expect(event.content['format']).to.equal('org.matrix.custom.html');
    expect(event.content['m.mentions']).to.deep.equal({ user_ids: [bob.userId] });
    expect(String(event.content['body'])).to.match(/^Hey Bob Okafor this is \*\*important\*\*/);
    expect(String(event.content['formatted_body'])).to.include(`<a href="https://matrix.to/#/${bob.userId}">Bob Okafor</a>`);
    await waitUntil(() => mine.querySelector('time.status.sent'), 'alice never saw her message sent', { timeout: 20_000 });
    await peer(alice).sendMessage(roomId, 'An ordinary message');
    el.remove();
    await signOut();

    // Bob, the second member, sees the message as it was meant.
    await signIn({ homeserver: baseUrl, username: bob.username, password: bob.password });
    const bobs = await mountRoom();
    const tile = await waitForText(bobs, 'important');
    expect(tile.querySelector('strong')?.textContent).to.equal('important');
    expect([...tile.querySelectorAll('li')].map((li) => li.textContent.trim())).to.deep.equal(['first item', 'second item']);
    expect(tile.querySelector('pre code')?.textContent).to.equal('const x = 1;\n');
    for (const raw of ['**', '```', '- first', '[Bob Okafor]', 'https://matrix.to']) expect(tile.textContent).to.not.include(raw);
    const pill = tile.querySelector<HTMLAnchorElement>('a.pill');
    expect(pill?.textContent).to.equal('Bob Okafor');
    expect(getComputedStyle(pill as HTMLAnchorElement).borderRadius).to.not.equal('0px');
    // Highlighted for Bob: the bubble differs from an ordinary message's, and says so in words.
    expect(tile.textContent).to.include('Mentions you');
    const plain = await waitForText(bobs, 'An ordinary message');
    const background = (article: HTMLElement | undefined): string =>
      getComputedStyle(article?.querySelector('[part~="bubble"]') as HTMLElement).backgroundColor;
    expect(background(tile)).to.not.equal(background(plain));
    expect(plain.textContent).to.not.include('Mentions you');
    await expect(tile).to.be.accessible();
  });

  it('/me sends an emote, an unknown command and a message too large stay in the composer with the reason', async () => {
    await signIn({ homeserver: baseUrl, username: bob.username, password: bob.password });
    const el = await mountRoom();
    const box = composerBox(el);
    box.focus();
    await sendKeys({ type: '/me waves *hello*' });
    await sendKeys({ press: 'Enter' });
    const emote = await waitForText(el, 'waves');
    expect(emote.querySelector('.body.emote')?.textContent).to.match(/\* Bob Okafor waves hello/);
    expect(emote.querySelector('em')?.textContent).to.equal('hello');
    const sent = await latestFrom(bob.userId, (e) => e.content['msgtype'] === 'm.emote');
    expect(sent.content['body']).to.equal('waves *hello*');

    const before = articles(el).length;
    await sendKeys({ type: '/shout hi' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => alertText(el).includes('/shout is not a command'), 'the unknown command was not explained');
    expect(box.value).to.equal('/shout hi');
    expect(articles(el).length).to.equal(before);

    // 70,000 characters: more than an event holds. The count shows before sending; sending is refused.
    box.value = 'x'.repeat(70_000);
    box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await waitUntil(() => shadow(el).querySelector('.counter')?.textContent.includes('Too long by'), 'no size warning', { timeout: 5_000 });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => alertText(el).includes('too large'), 'the size was not explained');
    expect(box.value.length).to.equal(70_000);
    expect(articles(el).length).to.equal(before);
    expect(articles(el).some((a) => a.textContent.includes('Not sent'))).to.equal(false);
  });

  it('edits and replies are composed like new messages: formatted, with their relation', async () => {
    await signIn({ homeserver: baseUrl, username: bob.username, password: bob.password });
    const el = await mountRoom();
    const box = composerBox(el);
    // The text refused in the previous test is kept as the room's draft: start afresh.
    box.value = '';
    box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    box.focus();
    await sendKeys({ type: 'first draft' });
    await sendKeys({ press: 'Enter' });
    const original = await latestFrom(bob.userId, (e) => e.content['body'] === 'first draft');
    await waitUntil(() => (articles(el).at(-1)?.dataset['eventId'] ?? '').startsWith('$'), 'own message not confirmed', {
      timeout: 20_000,
    });

    await sendKeys({ press: 'ArrowUp' });
    await waitUntil(() => box.value === 'first draft', 'Up did not load the message for editing');
    box.value = 'final **answer**';
    box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await sendKeys({ press: 'Enter' });
    const edit = await latestFrom(
      bob.userId,
      (e) => (e.content['m.relates_to'] as { event_id?: string } | undefined)?.event_id === original.event_id,
    );
    expect(edit.content['m.new_content']).to.deep.include({
      body: 'final **answer**',
      formatted_body: '<p>final <strong>answer</strong></p>',
    });
    const edited = await waitForText(el, 'final');
    await waitUntil(() => edited.querySelector('strong')?.textContent === 'answer', 'the edit is not shown formatted', { timeout: 20_000 });
    expect(edited.textContent).to.include('(edited)');

    const log = shadow(el).querySelector<HTMLElement>('[role="log"]');
    log?.focus();
    await sendKeys({ press: 'End' });
    await sendKeys({ press: 'r' });
    await waitUntil(() => shadow(el).querySelector('.banner')?.textContent.includes('Replying to'), 'no reply banner');
    box.focus();
    await sendKeys({ type: '_agreed_' });
    await sendKeys({ press: 'Enter' });
    const reply = await latestFrom(bob.userId, (e) => e.content['body'] === '_agreed_');
    expect(reply.content['formatted_body']).to.equal('<p><em>agreed</em></p>');
    expect(reply.content['m.relates_to']).to.deep.equal({ 'm.in_reply_to': { event_id: original.event_id } });
    const replyTile = await waitForText(el, 'agreed');
    expect(replyTile.querySelector('em')?.textContent).to.equal('agreed');
  });

  it('the limit the composer enforces is one the homeserver accepts, and the homeserver’s own is real', async () => {
    const largest = maxContentBytes(false);
    const padding = contentBytes({ msgtype: 'm.text', body: '' });
    await peer(bob).sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'y'.repeat(largest - padding) });
    let refused = '';
    await peer(bob)
      .sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'y'.repeat(MAX_EVENT_BYTES) })
      .catch((error: unknown) => {
        refused = String(error);
      });
    expect(refused).to.match(/M_TOO_LARGE|413/);
  });
});
