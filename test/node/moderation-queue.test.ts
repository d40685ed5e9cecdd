/**
 * The moderation queue a site embeds (`<omni-moderation-queue>` on the demo's moderators' page), used as people
 * use it, in Chromium against a real Synapse and the companion: a member's report reaches the queue, the
 * moderator deletes the message from it (keyboard only) and the member sees "Message deleted by a moderator";
 * another report, and a site-wide ban from the queue, and the member sees they are banned. The browser holds
 * only the short-lived moderator token the site's backend (scripts/demo-moderation.ts) minted; a member who is
 * not a moderator is refused, and a refusal (already handled, network) is said in words and loses nothing.
 * axe finds nothing; screenshots at 390 and 1280 px, light and dark, go to .cache/shots/moderation-queue-*.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { dendriteSkip, homeserverImplementation, startSite, type Peer, type Site } from '@omnisocial/testing';
import { MODERATION_PREFIX, postRoomAlias, signSiteRequest } from '@omnisocial/server';
import { launchChromium, servePages } from '../support/chromium.ts';
import { demoModeration } from '../../scripts/demo-moderation.ts';

const shots = fileURLToPath(new URL('../../.cache/shots/', import.meta.url));
const SEEN = { timeout: 60_000 };
const enc = encodeURIComponent;
/** "Already handled" is the report admin API's 404 for a report that is gone; Dendrite answers 500. */
const GONE_REPORTS = { skip: dendriteSkip('eventReportAdmin', homeserverImplementation()) };
/** New accounts are told by the admin user look-up, which Dendrite lacks. */
const NEW_ACCOUNTS = { skip: dendriteSkip('adminUserLookup', homeserverImplementation()) };
/** A member's password: eight characters at least, which Dendrite requires. */
const passwordOf = (user: string): string => `pw-${user}-secret`;

/** axe's findings on the page, or on `selector` only (a test page that is not a whole site). */
async function axeViolations(page: Page, selector?: string): Promise<string[]> {
  let require = createRequire(import.meta.url);
  require = createRequire(require.resolve('@open-wc/testing'));
  require = createRequire(require.resolve('chai-a11y-axe'));
  await page.addScriptTag({ content: await readFile(require.resolve('axe-core/axe.min.js'), 'utf8') });
  return page.evaluate(async (within) => {
    const axe = (window as unknown as { axe: { run(context: Node): Promise<{ violations: { id: string; help: string }[] }> } }).axe;
    const result = await axe.run(within ? (document.querySelector(within) ?? document) : document);
    return result.violations.map((v) => `${v.id}: ${v.help}`);
  }, selector);
}

interface ModerationSite {
  readonly site: Site;
  readonly pages: { close(): Promise<void> };
  /** The page server's base URL: the demo's moderators' page and the test pages, the moderation API proxied. */
  readonly base: string;
}

/** A site with its companion, and the demo's own backend for its moderators' page (alice moderates). */
async function moderationSite(moderation?: Record<string, unknown>): Promise<ModerationSite> {
  const site = await startSite({
    posts: [
      { id: 'queue-post', title: 'Queue post', open: true, moderators: ['@alice:localhost'] },
      { id: 'other-post', title: 'Other post', open: true, moderators: ['@alice:localhost'] },
      // Members only: encrypted.
      { id: 'secret-post', title: 'Secret post', moderators: ['@alice:localhost'] },
    ],
    ...(moderation ? { moderation } : {}),
  });
  const members = ['alice', 'bob', 'carol', 'dana', 'erin', 'frank'].map((username) => ({ username, displayName: username }));
  // The companion's moderation API on the pages' origin, as the site's reverse proxy exposes it.
  const pages = await servePages({
    entries: ['test/pages/post.html', 'demo/moderation.html'],
    proxy: { [MODERATION_PREFIX]: site.companion.siteApiUrl },
    plugins: [demoModeration({ siteSecret: site.siteSecret, members, moderators: ['alice'] })],
  });
  return { site, pages, base: pages.base };
}

/** Pages in their own browser contexts, closed together. */
function pagesOf(
  browser: () => Browser,
  base: () => string,
): {
  newPage(): Promise<Page>;
  moderatorsPage(label: string): Promise<{ page: Page; queue: Locator }>;
  memberPage(hs: string, user: string, theme?: string, post?: string): Promise<{ page: Page; chat: Locator }>;
  close(): Promise<void>;
} {
  const contexts: BrowserContext[] = [];
  const newPage = async (): Promise<Page> => {
    const context = await browser().newContext();
    contexts.push(context);
    return context.newPage();
  };
  return {
    newPage,
    /** The demo's moderators' page, signed in to the site with the button `label`. */
    async moderatorsPage(label) {
      const page = await newPage();
      await page.goto(new URL('/demo/moderation.html', base()).href);
      await page.getByRole('button', { name: label }).click();
      return { page, queue: page.locator('omni-moderation-queue') };
    },
    /** The post as `user` sees it, signed in with their password. */
    async memberPage(hs, user, theme = 'light', post = 'queue-post') {
      const page = await newPage();
      const title = post === 'queue-post' ? 'Queue post' : 'Secret post';
      const query = new URLSearchParams({
        hs,
        post,
        title,
        user,
        password: passwordOf(user),
        theme,
        ...(post === 'queue-post' ? { open: '' } : {}),
      });
      await page.goto(new URL(`/test/pages/post.html?${query.toString()}`, base()).href);
      return { page, chat: page.locator('omni-chat') };
    },
    async close() {
      for (const context of contexts) await context.close();
    },
  };
}

describe('the embedded moderation queue (Chromium, real Synapse, the companion)', () => {
  let site: Site;
  let browser: Browser;
  let served: ModerationSite['pages'];
  let base: string;
  let alice: Peer;
  let bob: Peer;
  let carol: Peer;
  let dave: Peer;
  let room: string;
  const pages = pagesOf(
    () => browser,
    () => base,
  );

  before(async () => {
    [{ site, pages: served, base }, browser] = await Promise.all([moderationSite(), launchChromium()]);
    [alice, bob, carol, dave] = (await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((username) => site.homeserver.registerUser({ username, password: passwordOf(username) })),
    )) as [Peer, Peer, Peer, Peer];
    room = await alice.resolveAlias(postRoomAlias('queue-post', { serverName: site.homeserver.serverName }));
    for (const peer of [alice, bob, carol]) await peer.joinRoom(room);
  });

  after(async () => {
    await pages.close();
    await browser.close();
    await served.close();
    await site.stop();
  });

  const memberPage = async (user: string): Promise<Locator> => (await pages.memberPage(site.homeserver.baseUrl, user)).chat;

  const report = (reporter: Peer, eventId: string, reason: string): Promise<unknown> =>
    reporter.request('POST', `/_matrix/client/v3/rooms/${enc(room)}/report/${enc(eventId)}`, { reason });

  test('a member who is not a moderator gets no token, and the queue says so', async () => {
    const { queue } = await pages.moderatorsPage('Sign in as Bob');
    await queue
      .getByRole('alert')
      .filter({ hasText: "The queue is only for the site's moderators: bob is not one of the site's moderators." })
      .waitFor(SEEN);
    assert.equal(await queue.getByRole('listitem').count(), 0);
    // Nor does the API answer without a token, or with a forged one.
    const forged = await fetch(new URL(`${MODERATION_PREFIX}queue`, base), { headers: { authorization: 'Bearer omod1.e30.AAAA' } });
    assert.equal(forged.status, 401);
  });

  test('reported, deleted from the queue by keyboard; the member sees it deleted by a moderator', async () => {
    const rude = await bob.sendMessage(room, 'you are all clowns');
    await report(carol, rude, 'insults');
    const member = await memberPage('carol');
    await member.getByRole('article').filter({ hasText: 'you are all clowns' }).waitFor(SEEN);

    const { page, queue } = await pages.moderatorsPage('Sign in as Alice (moderator)');
    const item = queue.getByRole('listitem').filter({ hasText: 'you are all clowns' });
    await item.waitFor(SEEN);
    const text = (await item.textContent()) ?? '';
    assert.match(text, /Report/u);
    assert.match(text, /@bob:localhost in Queue post, reported by @carol:localhost/u);
    assert.match(text, /Reason: insults/u);
    assert.deepEqual(await axeViolations(page), []);
    await mkdir(shots, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 720 });
        await page.screenshot({ path: `${shots}moderation-queue-${String(width)}-${scheme}.png`, fullPage: true });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await item.getByRole('button', { name: 'Delete message' }).focus();
    await page.keyboard.press('Enter');
    const reason = item.getByRole('textbox', { name: 'Reason (optional)' });
    await reason.waitFor();
    assert.ok(await reason.evaluate((node) => node.matches(':focus')), 'the reason field has focus');
    // Escape cancels and gives focus back to the button.
    await page.keyboard.press('Escape');
    await item.getByRole('button', { name: 'Delete message' }).waitFor();
    assert.ok(await item.getByRole('button', { name: 'Delete message' }).evaluate((node) => node.matches(':focus')));
    await page.keyboard.press('Enter');
    await page.keyboard.type('insulting other members');
    await page.keyboard.press('Enter');
    await queue.getByRole('status').filter({ hasText: 'The message was deleted and the report closed.' }).waitFor(SEEN);
    await item.waitFor({ state: 'detached' });

    await member.getByText('Message deleted by a moderator (insulting other members)').waitFor(SEEN);
    const event = await alice.request<{ content: Record<string, unknown> }>(
      'GET',
      `/_matrix/client/v3/rooms/${enc(room)}/event/${enc(rude)}`,
    );
    assert.deepEqual(event.content, {});
  });

  test('a refusal is said in words and loses nothing: network down, then already handled by another moderator', GONE_REPORTS, async () => {
    const spam = await bob.sendMessage(room, 'buy cheap watches');
    await report(carol, spam, 'spam');
    const { page, queue } = await pages.moderatorsPage('Sign in as Alice (moderator)');
    const item = queue.getByRole('listitem').filter({ hasText: 'buy cheap watches' });
    await item.waitFor(SEEN);

    await page.route('**/dismiss', (route) => route.abort('internetdisconnected'));
    await item.getByRole('button', { name: 'Dismiss report' }).click();
    await item
      .getByRole('alert')
      .filter({ hasText: 'Dismiss report did not reach the moderation service: nothing was changed.' })
      .waitFor(SEEN);
    await page.unroute('**/dismiss');

    // Another moderator (the site's backend, signed) dismisses it meanwhile.
    const listing = await fetch(`${site.companion.siteApiUrl}${MODERATION_PREFIX}queue`, {
      headers: { ...signSiteRequest(site.siteSecret, 'GET', `${MODERATION_PREFIX}queue`, '') },
    });
    const { items } = (await listing.json()) as { items: { id: string; eventId: string }[] };
    const id = items.find((candidate) => candidate.eventId === spam)?.id ?? '';
    const path = `${MODERATION_PREFIX}queue/${enc(id)}/dismiss`;
    const dismissed = await fetch(site.companion.siteApiUrl + path, {
      method: 'POST',
      headers: { ...signSiteRequest(site.siteSecret, 'POST', path, '') },
      body: '',
    });
    assert.equal(dismissed.status, 200);

    await item.getByRole('button', { name: 'Dismiss report' }).click();
    await queue
      .getByRole('status')
      .filter({ hasText: 'Another moderator already handled this item: it has left the queue.' })
      .waitFor(SEEN);
    await item.waitFor({ state: 'detached' });
  });

  test('banned site-wide from the queue: the member sees they are banned, in every post', async () => {
    const troll = await bob.sendMessage(room, 'I will keep trolling');
    await report(carol, troll, 'trolling');
    const bobsView = await memberPage('bob');
    await bobsView.getByRole('textbox', { name: 'Message' }).waitFor(SEEN);

    const { page, queue } = await pages.moderatorsPage('Sign in as Alice (moderator)');
    const item = queue.getByRole('listitem').filter({ hasText: 'I will keep trolling' });
    await item.getByRole('button', { name: 'Ban sender site-wide' }).click();
    await item.getByRole('textbox', { name: 'Reason (optional)' }).fill('repeated trolling');
    await item.getByRole('button', { name: 'Ban', exact: true }).click();
    await queue.getByRole('status').filter({ hasText: '@bob:localhost is banned from every discussion of the site.' }).waitFor(SEEN);
    assert.equal(await page.getByRole('alert').count(), 0);

    await bobsView.getByText(/You are banned from this discussion/u).waitFor(SEEN);
    const other = await alice.resolveAlias(postRoomAlias('other-post', { serverName: site.homeserver.serverName }));
    const membership = await alice.request<{ membership: string }>(
      'GET',
      `/_matrix/client/v3/rooms/${enc(other)}/state/m.room.member/${enc(bob.userId)}`,
    );
    assert.equal(membership.membership, 'ban', 'banned in the other post too');
  });
  test("an encrypted message reported with its text, by the reporter's consent: the queue shows it as the reporter read it", async () => {
    const secret = await alice.resolveAlias(postRoomAlias('secret-post', { serverName: site.homeserver.serverName }));
    for (const peer of [dave, carol]) await peer.joinRoom(secret);
    const [writer, reporter] = await Promise.all([
      pages.memberPage(site.homeserver.baseUrl, 'dave', 'light', 'secret-post'),
      pages.memberPage(site.homeserver.baseUrl, 'carol', 'light', 'secret-post'),
    ]);
    const box = writer.chat.getByRole('textbox', { name: 'Message' });
    await box.waitFor(SEEN);
    await reporter.chat.getByRole('textbox', { name: 'Message' }).waitFor(SEEN);
    await box.fill('a secret insult');
    await box.press('Enter');
    const article = reporter.chat.getByRole('article').filter({ hasText: 'a secret insult' });
    await article.waitFor(SEEN);
    await article.hover();
    await article.getByRole('button', { name: 'More actions' }).click();
    await article.getByRole('button', { name: 'Report…' }).click();
    const dialog = reporter.chat.getByRole('dialog');
    const consent = dialog.getByRole('checkbox', { name: "Include the message's text" });
    assert.equal(await consent.isChecked(), false, 'nothing is sent without consent');
    assert.deepEqual(await axeViolations(reporter.page, 'omni-chat'), []);
    await consent.check();
    await dialog.getByRole('textbox', { name: 'Reason (optional)' }).fill('insult');
    await dialog.getByRole('button', { name: 'Report', exact: true }).click();
    await reporter.chat.getByText(/Message reported/u).waitFor(SEEN);

    const { queue } = await pages.moderatorsPage('Sign in as Alice (moderator)');
    const item = queue.getByRole('listitem').filter({ hasText: 'a secret insult' });
    await item.waitFor(SEEN);
    const text = (await item.textContent()) ?? '';
    assert.match(text, /Encrypted\. As the reporter read it \(it cannot be checked\):/u);
    assert.match(text, /Reason: insult(?!.*Reported message)/su);
  });
});

describe('a first message held for approval (Chromium, real Synapse, the companion)', NEW_ACCOUNTS, () => {
  let site: Site;
  let browser: Browser;
  let served: ModerationSite['pages'];
  let base: string;
  const pages = pagesOf(
    () => browser,
    () => base,
  );

  before(async () => {
    // Every account here is new, so every member's first message waits for a moderator.
    [{ site, pages: served, base }, browser] = await Promise.all([
      moderationSite({ abuse: { firstMessageApproval: true, newAccountHours: 24 } }),
      launchChromium(),
    ]);
    for (const username of ['alice', 'dana', 'erin', 'frank']) {
      const member = await site.homeserver.registerUser({ username, password: passwordOf(username) });
      await member.joinRoom(await member.resolveAlias(postRoomAlias('queue-post', { serverName: site.homeserver.serverName })));
    }
  });

  after(async () => {
    await pages.close();
    await browser.close();
    await served.close();
    await site.stop();
  });

  test('its author sees it waiting, others do not; released, it shows once for everyone; rejected, its author is told', async () => {
    const dana = await pages.memberPage(site.homeserver.baseUrl, 'dana', 'auto');
    const erin = await pages.memberPage(site.homeserver.baseUrl, 'erin');
    const box = dana.chat.getByRole('textbox', { name: 'Message' });
    await box.waitFor(SEEN);
    await erin.chat.getByRole('textbox', { name: 'Message' }).waitFor(SEEN);
    await box.fill('hello from a newcomer');
    await box.press('Enter');
    const pending = dana.chat.getByRole('article').filter({ hasText: 'hello from a newcomer' });
    await pending.filter({ hasText: "Waiting for a moderator's approval" }).waitFor(SEEN);

    const { page, queue } = await pages.moderatorsPage('Sign in as Alice (moderator)');
    const item = queue.getByRole('listitem').filter({ hasText: 'hello from a newcomer' });
    await item.waitFor(SEEN);
    assert.match((await item.textContent()) ?? '', /Held first message\s*From @dana:localhost in Queue post/u);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(await axeViolations(dana.page, 'omni-chat'), []);
    await mkdir(shots, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await dana.page.emulateMedia({ colorScheme: scheme });
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [390, 1280]) {
        await dana.page.setViewportSize({ width, height: 720 });
        await pending.scrollIntoViewIfNeeded();
        await dana.page.screenshot({ path: `${shots}moderation-pending-${String(width)}-${scheme}.png` });
        await page.setViewportSize({ width, height: 720 });
        await page.screenshot({ path: `${shots}moderation-queue-held-${String(width)}-${scheme}.png`, fullPage: true });
      }
    }
    // The marker reached the room long ago (the queue lists it): erin's view never showed the message.
    assert.equal(await erin.chat.getByRole('article').filter({ hasText: 'hello from a newcomer' }).count(), 0);
    // The post's moderator sees it in the discussion, marked (how an encrypted one is read before acting on it).
    const moderator = await pages.memberPage(site.homeserver.baseUrl, 'alice');
    await moderator.chat
      .getByRole('article')
      .filter({ hasText: 'hello from a newcomer' })
      .filter({ hasText: 'Held for approval: only its author and moderators see it' })
      .waitFor(SEEN);

    await item.getByRole('button', { name: 'Release' }).click();
    await queue.getByRole('status').filter({ hasText: 'The message was approved and is shown in its discussion.' }).waitFor(SEEN);
    await erin.chat.getByRole('article').filter({ hasText: 'hello from a newcomer' }).waitFor(SEEN);
    await dana.chat.getByText("Waiting for a moderator's approval").waitFor({ state: 'detached', ...SEEN });
    assert.equal(await dana.chat.getByRole('article').filter({ hasText: 'hello from a newcomer' }).count(), 1, 'once for its author');
    assert.equal(await erin.chat.getByRole('article').filter({ hasText: 'hello from a newcomer' }).count(), 1, 'once for the others');

    const frank = await pages.memberPage(site.homeserver.baseUrl, 'frank');
    const frankBox = frank.chat.getByRole('textbox', { name: 'Message' });
    await frankBox.waitFor(SEEN);
    await frankBox.fill('cheap pills here');
    await frankBox.press('Enter');
    await frank.chat.getByRole('article').filter({ hasText: "Waiting for a moderator's approval" }).waitFor(SEEN);
    const spam = queue.getByRole('listitem').filter({ hasText: 'cheap pills here' });
    await queue.getByRole('button', { name: 'Refresh' }).click();
    await spam.getByRole('button', { name: 'Reject' }).click();
    await queue.getByRole('status').filter({ hasText: 'The message was rejected' }).waitFor(SEEN);
    await frank.chat.getByText('Not approved by a moderator: only you saw this message.').waitFor(SEEN);
    // Others see no trace of it: no message, no "deleted" placeholder. (A screen reader may have heard it announced
    // in the moment between its arrival and the companion's marker: the trade-off docs/moderation.md describes.)
    assert.equal(await erin.chat.getByRole('article').filter({ hasText: 'cheap pills here' }).count(), 0);
    assert.equal(
      await erin.chat
        .getByRole('article')
        .filter({ hasText: /Message deleted|Not approved/u })
        .count(),
      0,
      'others never knew of it',
    );
  });
});
