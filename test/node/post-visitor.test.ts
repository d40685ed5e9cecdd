/**
 * What a visitor and a member see of a post's discussion, each in their own browser context against a real
 * Synapse (docs/posts.md): a visitor who only reads an open post is not announced to anyone (no membership,
 * nothing in the member's timeline) yet sees new messages live, and joins when they write; signing out shows
 * the visitor's view at once; a members-only post offers sign-in, not a guest access that would change
 * nothing; a member's page never makes a throwaway guest; a post whose room only members may read says so;
 * a guest on an empty post sees one notice.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import { dendriteSkip, homeserverImplementation, startHomeserver, type Homeserver, type Peer } from '@omnisocial/testing';
import { POST_BINDING_EVENT, postRoomAlias, postRoomCreateRequest } from '@omnisocial/core/internal';
import { launchChromium, servePages } from '../support/chromium.ts';
import { articles as article, send } from '../support/page.ts';
import { quietWindow } from '../support/wait.ts';

const TIMEOUT = 60_000;
/** How long a visitor's page is watched for something that must not happen (a membership, a duplicate, a second notice). */
const NOTHING_MORE_WINDOW_MS = 2_000;
/** How long the page is given to restart its long-poll for a room added to it (nothing observable says it has). */
const FOLLOW_RESTART_MS = 1_000;
/** The light read's whole hand-over to the engine, watched for a second notice that must not appear. */
const HAND_OVER_WINDOW_MS = 4_000;
/** Following by `/events` long-poll, which Dendrite does not serve (docs/homeservers.md). */
const feed = { timeout: 3 * TIMEOUT, skip: dendriteSkip('eventsPeeking', homeserverImplementation()) };

describe('a post discussion as a visitor and a member see it', () => {
  let hs: Homeserver;
  let bob: Peer;
  let alice: Peer;
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;
  const contexts: BrowserContext[] = [];
  const tag = crypto.randomUUID().slice(0, 8);

  before(async () => {
    // Synapse, or Dendrite under OMNI_HOMESERVER=dendrite.
    [hs, browser, pages] = await Promise.all([startHomeserver(), launchChromium(), servePages()]);
    bob = await hs.registerUser({ displayName: 'Bob' });
    alice = await hs.registerUser({ displayName: 'Alice' });
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser.close();
    await pages.close();
    await hs.stop();
  });

  /** A fresh browser context (its own storage: another person) on the test page. */
  async function open(query: Record<string, string>): Promise<{ page: Page; chat: Locator; requests: string[] }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
    await page.goto(pages.url(`/test/pages/post.html?${new URLSearchParams({ hs: hs.baseUrl, ...query }).toString()}`));
    return { page, chat: page.locator('omni-chat').first(), requests };
  }

  /** The element's text as shown, through its shadow roots. */
  const shownText = (chat: Locator): Promise<string> =>
    chat.evaluate((element) => {
      const text = (node: Node): string =>
        node instanceof Element && node.shadowRoot
          ? text(node.shadowRoot)
          : node.nodeType === Node.TEXT_NODE
            ? (node.textContent ?? '')
            : [...node.childNodes].map(text).join(' ');
      return text(element).replace(/\s+/gu, ' ');
    });

  /** An open post's room, made as the site's first writer would, with a first message. */
  async function openPost(post: string, first: string): Promise<string> {
    const alias = postRoomAlias(post, { serverName: hs.serverName });
    const { room_id: roomId } = await bob.request<{ room_id: string }>(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, alias, bob.userId),
    );
    await bob.sendMessage(roomId, first);
    return roomId;
  }

  async function members(roomId: string): Promise<string[]> {
    const { chunk } = await bob.request<{ chunk: { state_key: string; content: { membership: string } }[] }>(
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/members`,
    );
    return chunk.filter((event) => event.content.membership === 'join').map((event) => event.state_key);
  }

  test('a visitor reads an open post live without joining it, and joins when they write', { timeout: 4 * TIMEOUT }, async () => {
    const post = `read-${tag}`;
    const roomId = await openPost(post, 'welcome, readers');
    const member = await open({ post, open: '', user: alice.username, password: alice.password });
    await article(member.chat, 'welcome, readers').waitFor({ timeout: TIMEOUT });
    const visitor = await open({ post, open: '' });
    await article(visitor.chat, 'welcome, readers').waitFor({ timeout: TIMEOUT });
    // The engine has taken over from the light read: the guest may write.
    await visitor.chat.getByText('You are writing as a guest.').waitFor({ timeout: TIMEOUT });
    await quietWindow(NOTHING_MORE_WINDOW_MS);

    // Nobody learns that someone reads: no membership (neither the guest's nor the reading member's)…
    assert.deepEqual(await members(roomId), [bob.userId]);
    // … and nothing in the member's timeline.
    assert.doesNotMatch(await shownText(member.chat), /joined/iu);

    // New messages reach the reader live.
    await bob.sendMessage(roomId, 'news for readers');
    await article(visitor.chat, 'news for readers').waitFor({ timeout: TIMEOUT });
    await article(member.chat, 'news for readers').waitFor({ timeout: TIMEOUT });

    // Writing joins, and the message arrives once.
    await send(visitor.chat, 'a reader writes');
    const sent = await bob.waitForMessage(roomId, (event) => event.content['body'] === 'a reader writes', TIMEOUT);
    await article(member.chat, 'a reader writes').waitFor({ timeout: TIMEOUT });
    await quietWindow(NOTHING_MORE_WINDOW_MS);
    const bodies = (await bob.roomMessages(roomId, { limit: 50 })).filter((event) => event.content['body'] === 'a reader writes');
    assert.equal(bodies.length, 1, 'stored once');
    assert.equal(await article(member.chat, 'a reader writes').count(), 1, 'shown once to the member');
    assert.equal(await article(visitor.chat, 'a reader writes').count(), 1, 'shown once to the writer');
    assert.ok((await members(roomId)).includes(sent.sender), 'the writer joined');
  });

  test('a visitor reading two open posts follows both live over one connection', feed, async () => {
    const first = `feed-a-${tag}`;
    const second = `feed-b-${tag}`;
    const [firstRoom, secondRoom] = await Promise.all([
      openPost(first, 'first post, first comment'),
      openPost(second, 'second post, first comment'),
    ]);
    const visitor = await open({ post: first, open: '', post2: second, open2: '' });
    const other = visitor.page.locator('#second');
    await article(visitor.chat, 'first post, first comment').waitFor({ timeout: TIMEOUT });
    await article(other, 'second post, first comment').waitFor({ timeout: TIMEOUT });
    await visitor.chat.getByText('You are writing as a guest.').waitFor({ timeout: TIMEOUT });
    await other.getByText('You are writing as a guest.').waitFor({ timeout: TIMEOUT });
    // Once both posts are followed (a room added to the loop ends the long-poll under way), one request at a time.
    await quietWindow(FOLLOW_RESTART_MS);
    const inFlight = new Set<Request>();
    let mostAtOnce = 0;
    let polls = 0;
    visitor.page.on('request', (request) => {
      if (!request.url().includes('/_matrix/client/v3/events?')) return;
      polls += 1;
      inFlight.add(request);
      mostAtOnce = Math.max(mostAtOnce, inFlight.size);
    });
    const ended = (request: Request): void => void inFlight.delete(request);
    visitor.page.on('requestfinished', ended);
    visitor.page.on('requestfailed', ended);

    await bob.sendMessage(firstRoom, 'live on the first post');
    const removed = await bob.sendMessage(secondRoom, 'live on the second post, soon deleted');
    await article(visitor.chat, 'live on the first post').waitFor({ timeout: TIMEOUT });
    await article(other, 'live on the second post').waitFor({ timeout: TIMEOUT });
    // A deletion reaches the reader too.
    await bob.redact(secondRoom, removed);
    await article(other, 'live on the second post').waitFor({ state: 'detached', timeout: TIMEOUT });
    assert.ok(polls > 0, 'the posts were not followed');
    assert.equal(mostAtOnce, 1, 'the posts were followed over more than one connection at a time');
    assert.deepEqual(await members(firstRoom), [bob.userId]);
    assert.deepEqual(await members(secondRoom), [bob.userId]);
  });

  test('signing out shows the visitor view of an open post at once', { timeout: 3 * TIMEOUT }, async () => {
    const post = `sign-out-${tag}`;
    await openPost(post, 'still readable');
    // The member also reads an encrypted post: their crypto runs, and signing out wipes its stores.
    const encrypted = `sign-out-encrypted-${tag}`;
    const encryptedAlias = postRoomAlias(encrypted, { serverName: hs.serverName });
    await bob.request('POST', '/_matrix/client/v3/createRoom', postRoomCreateRequest({ id: encrypted }, encryptedAlias, bob.userId));
    const member = await open({ post, open: '', post2: encrypted, user: alice.username, password: alice.password });
    await member.chat.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: TIMEOUT });
    await member.page.locator('#second').getByText('End-to-end encrypted').waitFor({ timeout: TIMEOUT });
    await article(member.chat, 'still readable').waitFor({ timeout: TIMEOUT });
    const started = Date.now();
    await member.page.evaluate(() => {
      void (window as unknown as { omni: { signOut: () => Promise<void> } }).omni.signOut();
    });
    await member.chat.getByText(/You are (reading|writing) as a guest/u).waitFor({ timeout: TIMEOUT });
    await article(member.chat, 'still readable').waitFor({ timeout: TIMEOUT });
    const took = Date.now() - started;
    assert.ok(took < 5_000, `the visitor view took ${took} ms to come back`);
  });

  test('a members-only post names the post and offers sign-in, not a guest access that changes nothing', { timeout: TIMEOUT }, async () => {
    const visitor = await open({ post: `closed-${tag}`, title: 'Members talk' });
    await visitor.chat.getByText('Sign in to read and join the discussion.').waitFor({ timeout: TIMEOUT });
    await visitor.chat.getByRole('textbox', { name: 'Username' }).waitFor({ timeout: TIMEOUT });
    assert.match(await shownText(visitor.chat), /Members talk/u);
    assert.equal(await visitor.chat.getByRole('button', { name: 'Continue as guest' }).count(), 0);
  });

  test('a member’s page signing in as it loads never registers a guest', { timeout: 3 * TIMEOUT }, async () => {
    const post = `member-page-${tag}`;
    await openPost(post, 'for members and readers');
    const immediate = await open({ post, open: '', user: alice.username, password: alice.password });
    const delayed = await open({ post, open: '', user: alice.username, password: alice.password, delay: '1500' });
    for (const { chat, requests } of [immediate, delayed]) {
      await article(chat, 'for members and readers').waitFor({ timeout: TIMEOUT });
      await chat.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: TIMEOUT });
      assert.equal(await chat.getByText(/as a guest/u).count(), 0);
      assert.deepEqual(
        requests.filter((request) => request.includes('/register') && request.includes('kind=guest')),
        [],
        `a guest account was registered: ${requests.join('\n')}`,
      );
    }
  });

  test('a visitor on an open post whose room only members may read is told so, and offered sign-in', { timeout: TIMEOUT }, async () => {
    const post = `members-only-${tag}`;
    const alias = postRoomAlias(post, { serverName: hs.serverName });
    await bob.createRoom({
      alias: alias.slice(1, alias.indexOf(':')),
      preset: 'private_chat',
      initialState: [{ type: POST_BINDING_EVENT, content: { id: post } }],
    });
    const visitor = await open({ post, open: '' });
    await visitor.chat.getByText('Only members can read this discussion.', { exact: false }).waitFor({ timeout: TIMEOUT });
    await visitor.chat.getByRole('textbox', { name: 'Username' }).waitFor({ timeout: TIMEOUT });
    const shown = await shownText(visitor.chat);
    assert.doesNotMatch(shown, /does not let you start|Your message is kept/u);
    assert.equal(await visitor.chat.getByRole('button', { name: 'Continue as guest' }).count(), 0);
  });

  test('a guest on an open post nobody wrote about sees one notice', { timeout: TIMEOUT }, async () => {
    const visitor = await open({ post: `empty-${tag}`, open: '' });
    await visitor.chat.getByText('Sign in to start the discussion', { exact: false }).first().waitFor({ timeout: TIMEOUT });
    // Until and after the engine has taken over from the light read.
    await quietWindow(HAND_OVER_WINDOW_MS);
    const shown = await shownText(visitor.chat);
    assert.equal(shown.match(/start the discussion/gu)?.length, 1, shown);
    assert.doesNotMatch(shown, /as a guest/u);
    assert.equal(await visitor.chat.getByRole('textbox', { name: 'Message' }).count(), 0);
    await visitor.chat.getByRole('button', { name: 'Sign in' }).click();
    await visitor.chat.getByRole('textbox', { name: 'Username' }).waitFor({ timeout: TIMEOUT });
  });
});
