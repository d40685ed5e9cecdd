/**
 * Threads in the built elements against real Synapse, as two members use them: a peer replies in a
 * thread and the member sees the summary under the root (never the reply in the main log), opens the
 * thread with the keyboard, replies there, and the peer reads the spec's relation; then the same in an
 * encrypted room with matrix-nio (libolm) as the other member, both ways.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import {
  homeserver,
  peer,
  registerUser,
  startNioPeer,
  type MatrixEvent,
  type RemoteNioPeer,
  type TestUser,
} from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniChat, type OmniRoom } from '@omnisocial/chat';
import { postRoomAlias } from '@omnisocial/core';
import { postRoomCreateRequest } from '@omnisocial/core/internal';
import { articles, articleWith, button, deepText, shadow, waitForText } from './dom.ts';

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;

const panel = (el: Element): HTMLElement | null => shadow(el).querySelector<HTMLElement>('omni-thread');
const panelArticles = (el: Element): HTMLElement[] => {
  const p = panel(el);
  return p ? [...shadow(p).querySelectorAll<HTMLElement>('[role="log"] article')] : [];
};
const panelTextbox = (el: Element): HTMLTextAreaElement | null => {
  const p = panel(el);
  return p ? shadow(p).querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]') : null;
};
const summary = (el: Element, rootText: string): HTMLButtonElement | null =>
  articleWith(el, rootText)?.querySelector<HTMLButtonElement>('.thread-summary') ?? null;

function threadReply(root: string, body: string): Record<string, unknown> {
  return {
    msgtype: 'm.text',
    body,
    'm.relates_to': { rel_type: 'm.thread', event_id: root, is_falling_back: true, 'm.in_reply_to': { event_id: root } },
  };
}

async function waitForEvent(roomId: string, match: (e: MatrixEvent) => boolean): Promise<MatrixEvent> {
  let found: MatrixEvent | undefined;
  await waitUntil(
    async () => {
      found = (await peer(bob).roomMessages(roomId, { limit: 50 })).find(match);
      return found !== undefined;
    },
    'the peer never saw the event',
    { timeout: 20_000, interval: 250 },
  );
  return found as MatrixEvent;
}

/** A public room of Bob's with a root message (and, given, a first thread reply under it). */
async function roomWithRoot(
  name: string,
  rootText: string,
  firstReply?: string,
): Promise<{ roomId: string; target: string; root: string }> {
  const { roomId, alias } = await peer(bob).createRoom({ alias: `thr-${crypto.randomUUID().slice(0, 8)}`, name, preset: 'public_chat' });
  const root = await peer(bob).sendMessage(roomId, rootText);
  if (firstReply) await peer(bob).sendEvent(roomId, 'm.room.message', threadReply(root, firstReply));
  return { roomId, target: alias ?? roomId, root };
}

/** An open post's room created by Bob, as the site's companion would (its binding and guest access). */
async function openPost(post: string, serverName: string): Promise<string> {
  const alias = postRoomAlias(post, { serverName });
  const { room_id: roomId } = (await peer(bob).request(
    'POST',
    '/_matrix/client/v3/createRoom',
    postRoomCreateRequest({ id: post, open: true }, alias, bob.userId),
  )) as { room_id: string };
  return roomId;
}

/** Opens the thread of the root with the keyboard: the root's article focused, then T. */
async function openWithKeyboard(el: Element, rootText: string): Promise<void> {
  const article = articleWith(el, rootText);
  if (!article) throw new Error('no root');
  article.focus();
  await sendKeys({ press: 't' });
  await waitUntil(() => panelTextbox(el), 'the thread panel never opened', { timeout: 10_000 });
}

/** Types into the thread's own composer and presses Enter. */
async function replyInThread(el: Element, body: string): Promise<void> {
  await waitUntil(() => panelTextbox(el) && !panelTextbox(el)?.disabled, 'the thread composer is not enabled', { timeout: 20_000 });
  const box = panelTextbox(el) as HTMLTextAreaElement;
  box.focus();
  box.value = body;
  box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await sendKeys({ press: 'Enter' });
}

describe('threads in <omni-room>', function () {
  this.timeout(120_000);

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
  });

  after(async () => {
    await setViewport({ width: 800, height: 600 });
    await signOut();
  });

  it('shows a peer’s thread reply as a summary, opens the thread beside the log, and sends a reply in it', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { roomId, target, root } = await roomWithRoot('Threads', 'Which colour for the logo?');
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${target} style="width: 1000px"></omni-room>`);
    await waitForText(el, 'Which colour for the logo?');

    await peer(bob).sendEvent(roomId, 'm.room.message', threadReply(root, 'Blue, like the sea'));
    await waitUntil(() => summary(el, 'Which colour')?.textContent.includes('1 reply'), 'no summary under the root', { timeout: 20_000 });
    expect(articles(el).some((a) => a.textContent.includes('Blue, like the sea'))).to.equal(false, 'the reply is not in the main log');
    expect(summary(el, 'Which colour')?.textContent).to.include('from Bob');

    await openWithKeyboard(el, 'Which colour');
    const p = panel(el) as HTMLElement;
    await waitUntil(() => panelArticles(el).some((a) => a.textContent.includes('Blue, like the sea')), 'the reply is not in the thread');
    expect(panelArticles(el)[0]?.textContent).to.include('Which colour for the logo?');
    // Beside the log at this width: the room's own log stays visible.
    const mainLog = shadow(el).querySelector<HTMLElement>('[role="log"]') as HTMLElement;
    expect(mainLog.getBoundingClientRect().right).to.be.at.most(p.getBoundingClientRect().left + 1);
    expect(getComputedStyle(mainLog).visibility).to.equal('visible');
    expect(getComputedStyle(p).visibility).to.equal('visible');

    await replyInThread(el, 'Green would work too');
    await waitUntil(() => panelArticles(el).some((a) => a.textContent.includes('Green would work too')), 'no local echo in the thread', {
      timeout: 5_000,
    });
    const sent = await waitForEvent(roomId, (e) => e.content['body'] === 'Green would work too');
    expect(sent.content['m.relates_to']).to.deep.include({ rel_type: 'm.thread', event_id: root, is_falling_back: true });
    await waitUntil(() => summary(el, 'Which colour')?.textContent.includes('2 replies'), 'the summary did not count our reply', {
      timeout: 20_000,
    });
    expect(articles(el).some((a) => a.textContent.includes('Green would work too'))).to.equal(false);
    await expect(el).to.be.accessible();

    // Escape closes the thread and focus comes back to the room.
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => panel(el) === null, 'Escape did not close the thread');
    await waitUntil(() => el.matches(':focus-within'), 'focus did not come back to the room');
  });

  it('counts a peer’s replies unread under the root until the member reads them in the thread', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { roomId, target, root } = await roomWithRoot('Unread', 'Who brings the tent?', 'I can bring mine');
    await peer(bob).sendEvent(roomId, 'm.room.message', threadReply(root, 'Mine is bigger though'));
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${target} style="width: 1000px"></omni-room>`);
    const said = (): string => summary(el, 'Who brings the tent')?.textContent.replace(/\s+/gu, ' ').trim() ?? '';
    await waitUntil(() => said().includes('2 replies') && said().includes('2 unread'), `the summary says “${said()}”`, { timeout: 20_000 });
    summary(el, 'Who brings the tent')?.click();
    await waitUntil(
      () => panelArticles(el).some((a) => a.textContent.includes('Mine is bigger though')),
      'the replies are not in the thread',
    );
    await waitUntil(() => !said().includes('unread'), `read in the open thread, the summary still says “${said()}”`, { timeout: 10_000 });
    const close = button(shadow(panel(el) as HTMLElement), 'Close thread');
    close?.click();
    await waitUntil(() => panel(el) === null, 'Close did not close the thread');
    expect(said()).to.not.include('unread');
  });

  it('opens the thread over the room on a phone, with a Close button', async () => {
    await setViewport({ width: 390, height: 800 });
    const { target } = await roomWithRoot('Phone', 'Lunch at noon?', 'I will bring bread');
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${target}></omni-room>`);
    await waitUntil(() => summary(el, 'Lunch at noon')?.textContent.includes('1 reply'), 'no summary', { timeout: 20_000 });
    summary(el, 'Lunch at noon')?.click();
    await waitUntil(() => panelArticles(el).some((a) => a.textContent.includes('I will bring bread')), 'the thread did not open');
    const p = panel(el) as HTMLElement;
    const box = el.getBoundingClientRect();
    expect(Math.round(p.getBoundingClientRect().width)).to.be.at.least(Math.round(box.width) - 2, 'full width');
    expect(getComputedStyle(p).visibility).to.equal('visible');
    expect(getComputedStyle(shadow(el).querySelector('[role="log"]') as HTMLElement).visibility).to.equal('hidden', 'the room behind it');
    expect(document.documentElement.scrollWidth).to.be.at.most(innerWidth);
    const close = button(shadow(p), 'Close thread');
    expect(close).to.not.equal(undefined);
    close?.click();
    await waitUntil(() => panel(el) === null, 'Close did not close the thread');
    expect(deepText(el)).to.include('Lunch at noon?');
  });
});

describe('threads in an encrypted room with matrix-nio', function () {
  // The crypto wasm, an independent client and key sharing both ways.
  this.timeout(180_000);
  let nio: RemoteNioPeer | undefined;

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    nio = await startNioPeer();
    await nio.login({ homeserver: baseUrl, user: bob.userId, password: bob.password, device: `NIOTHR${crypto.randomUUID().slice(0, 6)}` });
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
  });

  after(async () => {
    await nio?.close();
    await signOut();
  });

  it('nio’s encrypted thread reply shows in our thread, and ours reaches nio with its relation', async () => {
    await setViewport({ width: 1280, height: 800 });
    const { roomId, alias } = await peer(bob).createRoom({
      alias: `sealed-thr-${crypto.randomUUID().slice(0, 8)}`,
      name: 'Sealed',
      preset: 'public_chat',
      encrypted: true,
    });
    const n = nio as RemoteNioPeer;
    await n.join({ room: roomId });
    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${alias ?? roomId} style="width: 1000px"></omni-room>`);
    await waitUntil(() => shadow(el).querySelector('[role="log"]'), 'the room never opened', { timeout: 30_000 });
    await n.waitMember({ room: roomId, user: alice.userId });
    // nio shares its room key only with devices it knows: wait until it knows the member's.
    await n.trust({ user: alice.userId });
    const root = await n.send({ room: roomId, body: 'Sealed root' });
    await waitForText(el, 'Sealed root');
    await n.sendEvent({ room: roomId, type: 'm.room.message', content: threadReply(root, 'Sealed reply from nio') });
    await waitUntil(() => summary(el, 'Sealed root')?.textContent.includes('1 reply'), 'no summary for nio’s reply', { timeout: 30_000 });
    expect(articles(el).some((a) => a.textContent.includes('Sealed reply from nio'))).to.equal(false);

    await openWithKeyboard(el, 'Sealed root');
    await waitUntil(
      () => panelArticles(el).some((a) => a.textContent.includes('Sealed reply from nio')),
      'nio’s reply not readable in the thread',
      {
        timeout: 30_000,
      },
    );
    await replyInThread(el, 'Sealed answer from us');
    const seen = await n.waitEvent({ room: roomId, where: { 'content/body': 'Sealed answer from us' } });
    expect(seen.decrypted).to.equal(true);
    // What nio reads (it keeps the relation of the decrypted event) and what the server stores in the clear.
    expect(seen.event.content?.['m.relates_to']).to.deep.include({ rel_type: 'm.thread', event_id: root });
    const wire = await waitForEvent(roomId, (e) => e.type === 'm.room.encrypted' && e.event_id === seen.event.event_id);
    expect(wire.content['m.relates_to']).to.deep.include({ rel_type: 'm.thread', event_id: root });
  });
});

describe('threads of an open post read by a visitor in <omni-chat>', function () {
  this.timeout(120_000);

  it('shows the summary and opens the thread read-only', async () => {
    const server = await homeserver();
    bob = await registerUser({ displayName: 'Bob' });
    await signOut();
    const post = `thread-post-${crypto.randomUUID().slice(0, 8)}`;
    const roomId = await openPost(post, server.serverName);
    const root = await peer(bob).sendMessage(roomId, 'A comment with answers');
    await peer(bob).sendEvent(roomId, 'm.room.message', threadReply(root, 'An answer in the thread'));
    await setViewport({ width: 1280, height: 800 });
    const el = await fixture<OmniChat>(
      html`<omni-chat homeserver=${server.baseUrl} post=${post} post-title="Open" open style="width: 1000px"></omni-chat>`,
    );
    await waitUntil(() => summary(el, 'A comment with answers')?.textContent.includes('1 reply'), 'no summary for the visitor', {
      timeout: 30_000,
    });
    expect(articles(el).some((a) => a.textContent.includes('An answer in the thread'))).to.equal(false);
    summary(el, 'A comment with answers')?.click();
    await waitUntil(
      () => panelArticles(el).some((a) => a.textContent.includes('An answer in the thread')),
      'the visitor cannot read the thread',
      { timeout: 30_000 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; the panel shows “${panel(el) ? deepText(panel(el) as HTMLElement) : 'nothing'}”`);
    });
    await expect(el).to.be.accessible();
  });

  it('lays out an open post as comments, sorted by oldest, newest or most reactions', async () => {
    const server = await homeserver();
    bob = await registerUser({ displayName: 'Bob' });
    const post = `comments-${crypto.randomUUID().slice(0, 8)}`;
    const roomId = await openPost(post, server.serverName);
    await peer(bob).sendMessage(roomId, 'First comment');
    const liked = await peer(bob).sendMessage(roomId, 'Second comment');
    await peer(bob).sendMessage(roomId, 'Third comment');
    await peer(bob).sendEvent(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: liked, key: '👍' } });
    const el = await fixture<OmniChat>(
      html`<omni-chat
        homeserver=${server.baseUrl}
        post=${post}
        post-title="Open"
        open
        layout="comments"
        style="width: 1000px"
      ></omni-chat>`,
    );
    const order = (): string[] =>
      articles(el)
        .map((a) => /(First|Second|Third) comment/u.exec(a.textContent)?.[1] ?? '')
        .filter(Boolean);
    await waitUntil(() => order().length === 3, 'the comments never showed', { timeout: 30_000 });
    expect(order()).to.deep.equal(['First', 'Second', 'Third']);
    expect(
      articles(el).every((a) => a.textContent.includes('Bob')),
      'each comment names its author',
    ).to.equal(true);
    const select = shadow(el).querySelector<HTMLSelectElement>('.comment-sort select') as HTMLSelectElement;
    select.value = 'newest';
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => order()[0] === 'Third', 'newest first did not sort');
    select.value = 'reactions';
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => order()[0] === 'Second', 'most reactions did not sort');
    await expect(el).to.be.accessible();
  });
});
