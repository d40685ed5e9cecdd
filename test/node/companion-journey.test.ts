/**
 * A site with its companion, as its members and visitors use it (real Synapse, the companion beside it,
 * Chromium): the site's backend signs a member in with one call to the companion, the member writes under
 * a post whose room the companion's bot created when the post was first opened, a visitor reads it; a
 * discussion whose binding the bot did not send is refused; with the companion down the element says the
 * discussion is unavailable and no member's client creates the room.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { dendriteSkip, homeserverImplementation, MatrixError, startSite, type Site } from '@omnisocial/testing';
import { postRoomAlias, signSiteRequest, SIGN_IN_PATH, type MemberLogin } from '@omnisocial/server';
import { launchChromium, servePages } from '../support/chromium.ts';

const SEEN = { timeout: 60_000 };

describe('a site with its companion (real Synapse, application service, Chromium)', () => {
  let site: Site;
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;
  const contexts: BrowserContext[] = [];

  before(async () => {
    [site, browser, pages] = await Promise.all([
      startSite({
        posts: [
          { id: 'launch', title: 'We launched', open: true },
          { id: 'while-away', title: 'Written while the companion was away', open: true },
        ],
      }),
      launchChromium(),
      servePages(),
    ]);
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser.close();
    await pages.close();
    await site.stop();
  });

  /** What the site's backend does when one of its users opens a page: one signed call to the companion. */
  async function loginTokenFor(user: string, displayName: string): Promise<MemberLogin> {
    const body = JSON.stringify({ user, displayName });
    const response = await fetch(site.companion.siteApiUrl + SIGN_IN_PATH, {
      method: 'POST',
      headers: { ...signSiteRequest(site.siteSecret, 'POST', SIGN_IN_PATH, body), 'content-type': 'application/json' },
      body,
    });
    assert.equal(response.status, 200);
    return (await response.json()) as MemberLogin;
  }

  async function open(query: Record<string, string>): Promise<{ page: Page; chat: Locator }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    // Dendrite serves no extra content in its `/.well-known/matrix/client`: the page names the companion's bot
    // (`companion-bot`), as a site whose well-known does not name it does (docs/server.md).
    const bot: Record<string, string> = site.homeserver.implementation === 'dendrite' ? { bot: site.companion.botUserId } : {};
    await page.goto(
      pages.url(`/test/pages/post.html?${new URLSearchParams({ hs: site.homeserver.baseUrl, open: '', ...bot, ...query }).toString()}`),
    );
    return { page, chat: page.locator('omni-chat').first() };
  }

  const alias = (id: string): string => postRoomAlias(id, { serverName: site.homeserver.serverName });

  // The member is signed in with the companion's one-time login token, which Dendrite cannot mint.
  test(
    "the site's member writes under a post the companion opened, and a visitor reads it",
    { skip: dendriteSkip('loginToken', homeserverImplementation()) },
    async () => {
      const login = await loginTokenFor('dana', 'Dana Site');
      const member = await open({ post: 'launch', title: 'We launched', token: login.loginToken });
      const box = member.chat.getByRole('textbox', { name: 'Message' });
      await box.waitFor(SEEN);
      await box.fill('First comment from the site');
      await box.press('Enter');
      await member.chat.getByRole('article').filter({ hasText: 'First comment from the site' }).waitFor(SEEN);
      await member.chat.getByRole('article').filter({ hasText: 'Dana Site' }).first().waitFor(SEEN);

      // The room is the bot's: created and bound by it.
      const reader = await site.homeserver.registerUser();
      const roomId = await reader.resolveAlias(alias('launch'));
      const state = await reader.request<Array<{ type: string; sender: string }>>(
        'GET',
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`,
      );
      assert.equal(state.find((e) => e.type === 'm.room.create')?.sender, site.companion.botUserId);
      assert.equal(state.find((e) => e.type === 'org.omnisocial.post')?.sender, site.companion.botUserId);

      const visitor = await open({ post: 'launch', title: 'We launched' });
      await visitor.chat.getByRole('article').filter({ hasText: 'First comment from the site' }).waitFor(SEEN);
    },
  );

  test('a discussion whose binding was not sent by the bot is shown as linked elsewhere, never its messages', async () => {
    const squatter = await site.homeserver.registerUser();
    const { roomId } = await squatter.createRoom({
      preset: 'public_chat',
      worldReadable: true,
      initialState: [{ type: 'org.omnisocial.post', content: { id: 'fake' } }],
    });
    await squatter.sendMessage(roomId, 'not the site speaking');
    // Only the application service may point a post alias anywhere: this one points at the member's room.
    await fetch(`${site.homeserver.baseUrl}/_matrix/client/v3/directory/room/${encodeURIComponent(alias('fake'))}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${site.companion.registration.as_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ room_id: roomId }),
    });
    const visitor = await open({ post: 'fake', title: 'Fake' });
    await visitor.chat.getByText("This discussion's address points to another room.").waitFor(SEEN);
    assert.equal(await visitor.chat.getByRole('article').filter({ hasText: 'not the site speaking' }).count(), 0);
  });

  test(
    'with the companion down the discussion says it is unavailable, and no client creates the room',
    { skip: dendriteSkip('aliasQueryUnreachable', homeserverImplementation()) },
    async () => {
      await site.stopCompanion();
      const login = await loginTokenFor('erin', 'Erin').catch(() => undefined);
      assert.equal(login, undefined, 'the companion is down');
      const member = await open({ post: 'while-away', title: 'Written while the companion was away' });
      await member.chat.getByText('This discussion is not available right now').waitFor(SEEN);
      const probe = await site.homeserver.registerUser();
      const lookup = await probe.resolveAlias(alias('while-away')).catch((error: unknown) => error);
      assert.ok(lookup instanceof MatrixError && lookup.status === 404, 'no room was created');
    },
  );
});
