/**
 * A whole conversation in <omni-room> against real Synapse: what a peer does (edit, react, reply,
 * delete, type) shows up, and what the member does with the keyboard reaches the peer as the right
 * Matrix events.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, type MatrixEvent, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { articles, articleWith, button, shadow, textbox as findTextbox, typeAndSend, waitForText } from './dom.ts';

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;

const root = shadow;
const textbox = (el: OmniRoom): HTMLTextAreaElement => {
  const box = findTextbox(el);
  if (!box) throw new Error('no composer');
  return box;
};

async function waitForEvent(roomId: string, sender: string, match: (e: MatrixEvent) => boolean): Promise<MatrixEvent> {
  let found: MatrixEvent | undefined;
  await waitUntil(
    async () => {
      const events = await peer(bob).roomMessages(roomId, { limit: 50 });
      found = events.find((e) => e.sender === sender && match(e));
      return found !== undefined;
    },
    'the peer never saw the event',
    { timeout: 20_000, interval: 250 },
  );
  return found as MatrixEvent;
}

describe('a conversation in <omni-room>', () => {
  let roomId: string;
  let alias: string;
  let el: OmniRoom;

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    const created = await peer(bob).createRoom({ alias: `talk-${crypto.randomUUID().slice(0, 8)}`, name: 'Talk', preset: 'public_chat' });
    roomId = created.roomId;
    alias = created.alias ?? '';
    await peer(bob).sendMessage(roomId, 'first version');
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
  });

  // Fixtures are removed after each test, so each test mounts the room again.
  beforeEach(async () => {
    el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias}></omni-room>`);
    await waitUntil(() => articles(el).length > 0, 'the room never showed its messages', { timeout: 20_000 });
  });

  after(async () => {
    await signOut();
  });

  it('shows a peer’s edit, reaction, reply, deletion and typing', async () => {
    const original = (await peer(bob).roomMessages(roomId)).find((e) => e.content['body'] === 'first version');
    if (!original) throw new Error('original not found');
    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: '* second version',
      'm.new_content': { msgtype: 'm.text', body: 'second version' },
      'm.relates_to': { rel_type: 'm.replace', event_id: original.event_id },
    });
    const edited = await waitForText(el, 'second version');
    expect(edited.textContent).to.include('(edited)');
    expect(articleWith(el, 'first version')).to.equal(undefined);

    await peer(bob).sendEvent(roomId, 'm.reaction', {
      'm.relates_to': { rel_type: 'm.annotation', event_id: original.event_id, key: '👍' },
    });
    await waitUntil(() => edited.querySelector('.reactions button')?.getAttribute('aria-label')?.includes('Bob'), 'no reaction', {
      timeout: 20_000,
    });

    await peer(bob).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: '> <@bob> second version\n\nanswering myself',
      'm.relates_to': { 'm.in_reply_to': { event_id: original.event_id } },
    });
    const reply = await waitForText(el, 'answering myself');
    expect(reply.querySelector('blockquote')?.textContent).to.include('second version');
    expect(reply.textContent).not.to.include('> <@bob>');

    const doomed = await peer(bob).sendMessage(roomId, 'soon deleted');
    await waitForText(el, 'soon deleted');
    await peer(bob).redact(roomId, doomed);
    await waitForText(el, 'Message deleted');
    expect(articleWith(el, 'soon deleted')).to.equal(undefined);

    await peer(bob).setTyping(roomId, true);
    await waitUntil(() => root(el).querySelector('.typing')?.textContent.includes('Bob is typing'), 'no typing line', { timeout: 20_000 });
    await peer(bob).setTyping(roomId, false);
    await expect(el).to.be.accessible();
  });

  it('lets the member edit with Up, reply, react and delete using only the keyboard', async () => {
    await typeAndSend(el, 'my draft answer');
    const mine = await waitForEvent(roomId, alice.userId, (e) => e.content['body'] === 'my draft answer');
    await waitUntil(() => articleWith(el, 'my draft answer')?.dataset['eventId'], 'own message not confirmed', { timeout: 20_000 });

    // Up in the empty composer edits the last own message.
    textbox(el).focus();
    await sendKeys({ press: 'ArrowUp' });
    await waitUntil(() => textbox(el).value === 'my draft answer', 'Up did not load the last message for editing');
    textbox(el).value = 'my final answer';
    textbox(el).dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await sendKeys({ press: 'Enter' });
    const edit = await waitForEvent(roomId, alice.userId, (e) => {
      const relation = e.content['m.relates_to'] as { rel_type?: string; event_id?: string } | undefined;
      return relation?.rel_type === 'm.replace' && relation.event_id === mine.event_id;
    });
    expect((edit.content['m.new_content'] as { body?: string }).body).to.equal('my final answer');
    await waitForText(el, 'my final answer');

    // Reply: focus Bob's message from the log with arrow keys, press R, type, Enter.
    const log = root(el).querySelector<HTMLElement>('[role="log"]');
    log?.focus();
    await sendKeys({ press: 'End' });
    let guard = 0;
    while (!(root(el).activeElement as HTMLElement | null)?.textContent.includes('answering myself') && guard++ < 10) {
      await sendKeys({ press: 'ArrowUp' });
    }
    const focused = root(el).activeElement as HTMLElement;
    expect(focused.textContent).to.include('answering myself');
    const replyTarget = focused.dataset['eventId'];
    await sendKeys({ press: 'r' });
    await waitUntil(
      () =>
        root(el).textContent.includes('Replying to Bob') || root(el).querySelector('.composer')?.textContent.includes('Replying to Bob'),
      'no reply banner',
    );
    textbox(el).value = 'a reply from the keyboard';
    textbox(el).dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    textbox(el).focus();
    await sendKeys({ press: 'Enter' });
    const sentReply = await waitForEvent(
      roomId,
      alice.userId,
      (e) => e.content['body'] === 'a reply from the keyboard' || String(e.content['body']).endsWith('a reply from the keyboard'),
    );
    const inReplyTo = (sentReply.content['m.relates_to'] as { 'm.in_reply_to'?: { event_id?: string } } | undefined)?.['m.in_reply_to'];
    expect(inReplyTo?.event_id).to.equal(replyTarget);

    // React: focus the reply target again, "+" opens the picker, pick 🎉 with the keyboard.
    const target = articles(el).find((a) => a.dataset['eventId'] === replyTarget);
    target?.focus();
    await sendKeys({ press: '+' });
    await waitUntil(() => target && button(target, 'React with 🎉'), 'no reaction picker');
    button(target as HTMLElement, 'React with 🎉')?.focus();
    await sendKeys({ press: 'Enter' });
    await waitForEvent(roomId, alice.userId, (e) => {
      const relation = e.content['m.relates_to'] as { rel_type?: string; key?: string; event_id?: string } | undefined;
      return e.type === 'm.reaction' && relation?.key === '🎉' && relation.event_id === replyTarget;
    });

    // Delete own message: focus it, Delete, confirm.
    const own = articleWith(el, 'my final answer');
    own?.focus();
    await sendKeys({ press: 'Delete' });
    await waitUntil(() => own && button(own, 'Delete message'), 'no delete confirmation');
    button(own as HTMLElement, 'Delete message')?.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(
      async () =>
        (await peer(bob).roomMessages(roomId, { limit: 50 })).some((e) => e.type === 'm.room.redaction' && e.sender === alice.userId),
      'no redaction from the member',
      { timeout: 20_000, interval: 250 },
    );
  });
});
