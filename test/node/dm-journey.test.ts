/**
 * Direct conversations as two members live them, each in a browser of their own (Playwright contexts,
 * real page reloads) against a real Synapse: what each one SEES in `<omni-dm>`.
 * - The receiver reopens the conversation (a reload) after the sender's first message: it is readable
 *   without a second reload, within a bounded wait; the sender's own message carries no warning shield.
 * - The receiver has the conversation open when the sender starts it: the message shows without a reload.
 * - Both start the conversation at once: both settle on one room, and each sees both messages, after a
 *   reload too.
 * - Threads: in their encrypted conversation each reads the other's thread reply decrypted in the thread panel,
 *   never in the main timeline; on the server the replies are encrypted, their relation to the root in the clear.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { messagesIn, send, signInThroughPage } from '../support/page.ts';
import { until } from '../support/wait.ts';

/** The longest a member may wait for what they expect to see. */
const SEEN = { timeout: 30_000 };

let browser: Browser;
let pages: Awaited<ReturnType<typeof servePages>>;
let hs: Homeserver;

before(async () => {
  [browser, pages, hs] = await Promise.all([launchChromium(), servePages(), startSynapse()]);
});

after(async () => {
  await browser.close();
  await pages.close();
  await hs.stop();
});

const waitFor = async (condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> => {
  await until(condition, what, timeoutMs, 250);
};

/** A member's browser: its own context (own IndexedDB), with the DM page open on `other`. */
async function openDm(member: Peer, other: Peer): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error for ${member.userId}: ${error.message}`));
  await goToDm(page, other);
  await page.getByRole('button', { name: 'Sign in' }).waitFor(SEEN);
  await signInThroughPage(page, hs.baseUrl, member);
  return page;
}

async function goToDm(page: Page, other: Peer): Promise<void> {
  await page.goto(pages.url(`/test/pages/dm.html?hs=${encodeURIComponent(hs.baseUrl)}&user=${encodeURIComponent(other.userId)}`));
}

/** The visible text of the conversation, to say what the member saw when an expectation fails. */
async function seen(page: Page): Promise<string> {
  // The page's accessibility tree reaches into the elements' shadow roots, which `innerText` does not.
  return (
    (await page
      .getByRole('log')
      .ariaSnapshot({ timeout: 1_000 })
      .catch(() => null)) ??
    (await page
      .locator('body')
      .ariaSnapshot({ timeout: 5_000 })
      .catch(() => 'nothing readable'))
  );
}

async function expectMessage(page: Page, body: string, who: string): Promise<void> {
  try {
    await messagesIn(page, body).waitFor(SEEN);
  } catch {
    assert.fail(`${who} does not see "${body}"; the conversation shows: ${await seen(page)}`);
  }
}

async function expectIn(scope: Locator, body: string, who: string): Promise<Locator> {
  const article = messagesIn(scope, body).first();
  try {
    await article.waitFor(SEEN);
  } catch {
    assert.fail(`${who} does not see "${body}"; it shows: ${await scope.ariaSnapshot({ timeout: 5_000 }).catch(() => 'nothing readable')}`);
  }
  return article;
}

/** The open thread (`<omni-thread>`, a region named "Thread"). */
const threadOf = (page: Page): Locator => page.locator('omni-thread');
const summaryUnder = (page: Page, root: string): Locator => messagesIn(page, root).first().locator('[part="thread-summary"]');

/** Messages containing `text` in the main timeline, the open thread's aside. */
async function inMainTimeline(page: Page, text: string): Promise<number> {
  return (await messagesIn(page, text).count()) - (await messagesIn(threadOf(page), text).count());
}

/** Whether the member's device has published its encryption keys (others can then encrypt for it). */
async function hasDeviceKeys(asker: Peer, member: Peer): Promise<boolean> {
  const answer = await asker.request<{ device_keys: Record<string, Record<string, unknown>> }>('POST', '/_matrix/client/v3/keys/query', {
    device_keys: { [member.userId]: [] },
  });
  return Object.keys(answer.device_keys[member.userId] ?? {}).length > 0;
}

/** Whether the member's account has a cross-signing identity (a master key) on the server. */
async function hasIdentity(asker: Peer, member: Peer): Promise<boolean> {
  const answer = await asker.request<{ master_keys?: Record<string, unknown> }>('POST', '/_matrix/client/v3/keys/query', {
    device_keys: { [member.userId]: [] },
  });
  return answer.master_keys?.[member.userId] !== undefined;
}

/** The rooms a member has joined, as the server holds them. */
async function joined(member: Peer): Promise<string[]> {
  return (await member.request<{ joined_rooms: string[] }>('GET', '/_matrix/client/v3/joined_rooms')).joined_rooms;
}

/**
 * Carol and Dave, each with the conversation open in their own browser, Dave's first: his keys are published
 * before Carol writes.
 */
async function carolAndDave(): Promise<{ carol: Peer; dave: Peer; carolPage: Page; davePage: Page }> {
  const [carol, dave] = await Promise.all([hs.registerUser({ displayName: 'Carol' }), hs.registerUser({ displayName: 'Dave' })]);
  const davePage = await openDm(dave, carol);
  await davePage.getByText('Say hello to Carol').waitFor(SEEN);
  await waitFor(() => hasDeviceKeys(carol, dave), "Dave's browser published its keys");
  const carolPage = await openDm(carol, dave);
  await carolPage.getByText('Say hello to Dave').waitFor(SEEN);
  return { carol, dave, carolPage, davePage };
}

describe('<omni-dm> between two members, each in their own browser (real Synapse)', () => {
  test('the receiver reopening the conversation after the first message reads it at once; the sender sees no unexplained shield', async () => {
    const [alice, bob] = await Promise.all([hs.registerUser({ displayName: 'Alice' }), hs.registerUser({ displayName: 'Bob' })]);
    // Bob opens the conversation first, on this browser: his device publishes its keys.
    const bobPage = await openDm(bob, alice);
    await bobPage.getByText('Say hello to Alice').waitFor(SEEN);
    await waitFor(() => hasDeviceKeys(alice, bob), "Bob's browser published its keys");
    await bobPage.goto('about:blank');

    // Alice has used the site on another browser before: her account's cross-signing identity was made there,
    // so this new browser's device is not signed by it (until she verifies it).
    const oldAlicePage = await openDm(alice, bob);
    await oldAlicePage.getByText('Say hello to Bob').waitFor(SEEN);
    await waitFor(() => hasIdentity(bob, alice), "Alice's first browser made her cross-signing identity", 60_000);
    await oldAlicePage.context().close();

    const alicePage = await openDm(alice, bob);
    await alicePage.getByText('Say hello to Bob').waitFor(SEEN);
    const first = 'Hi Bob, this is our first message';
    await send(alicePage, first);
    await expectMessage(alicePage, first, 'Alice');

    // Alice's own message, sent from this very browser, carries no warning: she is using this device.
    // The trust of an encrypted message is looked up once it is sent (the tile then carries data-trust).
    await waitFor(
      async () => (await messagesIn(alicePage, first).first().getAttribute('data-trust')) !== null,
      'the trust of the message is known',
    );
    const shields = messagesIn(alicePage, first).locator('[part="trust-warning"]');
    const shown = await shields.count();
    const label = shown > 0 ? await shields.first().getAttribute('aria-label') : '';
    assert.equal(shown, 0, `Alice sees a shield on her own message: ${label ?? ''}`);

    // Bob comes back to the page (a new page load of his stored session).
    await goToDm(bobPage, alice);
    await expectMessage(bobPage, first, 'Bob, back after the first message,');
    assert.equal(await bobPage.getByText('Waiting for the keys').count(), 0);

    await Promise.all([alicePage.context().close(), bobPage.context().close()]);
  });

  test('the receiver with the conversation open sees the first message without a reload', async () => {
    const { dave, carolPage, davePage } = await carolAndDave();

    const first = 'Dave, are you there?';
    await send(carolPage, first);
    await expectMessage(davePage, first, 'Dave, who had the conversation open,');

    // He answers in the same conversation: Carol reads it, and there is one room between them.
    const answer = 'Yes, here!';
    await send(davePage, answer);
    await expectMessage(carolPage, answer, 'Carol');
    assert.equal((await joined(dave)).length, 1);
    await Promise.all([carolPage.context().close(), davePage.context().close()]);
  });

  test('both starting the conversation at once end in one conversation with both messages, after a reload too', async () => {
    const [erin, frank] = await Promise.all([hs.registerUser({ displayName: 'Erin' }), hs.registerUser({ displayName: 'Frank' })]);
    const [erinPage, frankPage] = await Promise.all([openDm(erin, frank), openDm(frank, erin)]);
    await erinPage.getByText('Say hello to Frank').waitFor(SEEN);
    await frankPage.getByText('Say hello to Erin').waitFor(SEEN);
    await waitFor(
      async () => (await hasDeviceKeys(erin, frank)) && (await hasDeviceKeys(frank, erin)),
      'both browsers published their keys',
    );

    const fromErin = 'Erin writes first';
    const fromFrank = 'Frank writes first too';
    await Promise.all([send(erinPage, fromErin), send(frankPage, fromFrank)]);

    for (const [page, who] of [
      [erinPage, 'Erin'],
      [frankPage, 'Frank'],
    ] as const) {
      await expectMessage(page, fromErin, who);
      await expectMessage(page, fromFrank, who);
    }
    await waitFor(
      async () => {
        const [e, f] = await Promise.all([joined(erin), joined(frank)]);
        return e.length === 1 && f.length === 1 && e[0] === f[0];
      },
      'Erin and Frank are in one room, the same',
      60_000,
    );

    await Promise.all([goToDm(erinPage, frank), goToDm(frankPage, erin)]);
    for (const [page, who] of [
      [erinPage, 'Erin after a reload'],
      [frankPage, 'Frank after a reload'],
    ] as const) {
      await expectMessage(page, fromErin, who);
      await expectMessage(page, fromFrank, who);
      assert.equal(await messagesIn(page, fromErin).count(), 1, `${who} sees Erin's message once`);
      assert.equal(await messagesIn(page, fromFrank).count(), 1, `${who} sees Frank's message once`);
    }
    await Promise.all([erinPage.context().close(), frankPage.context().close()]);
  });

  test('each reads the other’s encrypted thread reply decrypted in the thread panel, never in the main timeline', async () => {
    const { carol, carolPage, davePage } = await carolAndDave();

    const root = 'Where shall we meet on Friday?';
    await send(carolPage, root);
    await expectIn(davePage.locator('body'), root, 'Dave');

    // Carol answers herself in a thread: "Reply in thread" in her message's toolbar, then its own composer.
    const carolReply = 'How about the station café at six?';
    const rootOnCarol = await expectIn(carolPage.locator('body'), root, 'Carol');
    await rootOnCarol.hover();
    await rootOnCarol.getByRole('button', { name: 'Reply in thread' }).click();
    await carolPage.getByRole('region', { name: 'Thread' }).waitFor(SEEN);
    await send(threadOf(carolPage), carolReply);
    await expectIn(threadOf(carolPage), carolReply, 'Carol, in her thread,');

    // Dave sees the summary under the root, not the reply in the conversation; he opens the thread and reads it.
    await waitFor(
      async () => /\b1 reply\b/u.test((await summaryUnder(davePage, root).textContent()) ?? ''),
      'Dave sees "1 reply" under the root',
    );
    assert.equal(await messagesIn(davePage, carolReply).count(), 0, "Carol's thread reply shows in Dave's main timeline");
    await summaryUnder(davePage, root).click();
    await davePage.getByRole('region', { name: 'Thread' }).waitFor(SEEN);
    await expectIn(threadOf(davePage), carolReply, 'Dave, in the thread,');
    assert.equal(await threadOf(davePage).getByText('Waiting for the keys').count(), 0);
    assert.equal(await inMainTimeline(davePage, carolReply), 0, "Carol's thread reply also shows in Dave's main timeline");

    // He answers in the thread; Carol, with the thread open, reads it there decrypted.
    const daveReply = 'Six works, see you at the café';
    await send(threadOf(davePage), daveReply);
    await expectIn(threadOf(davePage), daveReply, 'Dave, in his thread,');
    await expectIn(threadOf(carolPage), daveReply, 'Carol, in the thread,');
    assert.equal(await threadOf(carolPage).getByText('Waiting for the keys').count(), 0);
    assert.equal(await inMainTimeline(carolPage, daveReply), 0, "Dave's thread reply shows in Carol's main timeline");
    await threadOf(carolPage).getByRole('button', { name: 'Close thread' }).click();
    await waitFor(
      async () => /\b2 replies\b/u.test((await summaryUnder(carolPage, root).textContent()) ?? ''),
      'Carol sees "2 replies" under the root',
    );
    assert.equal(await messagesIn(carolPage, daveReply).count(), 0, "Dave's thread reply shows in Carol's main timeline");

    // On the wire: both replies encrypted, each related to the root in the clear.
    const [roomId] = await joined(carol);
    const events = await carol.roomMessages(roomId ?? '', { limit: 30 });
    const threaded = events.filter(
      (event) => (event.content['m.relates_to'] as { rel_type?: string } | undefined)?.rel_type === 'm.thread',
    );
    assert.equal(threaded.length, 2, `two thread replies on the server, got ${threaded.length}`);
    for (const event of threaded) {
      assert.equal(event.type, 'm.room.encrypted');
      assert.equal(event.content['body'], undefined, 'no plain body on the server');
    }
    await Promise.all([carolPage.context().close(), davePage.context().close()]);
  });
});
