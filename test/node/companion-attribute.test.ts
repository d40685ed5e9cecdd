/**
 * `companion-bot` names the site's companion bot on the page, before (and instead of) the homeserver's
 * `.well-known`. Here the homeserver advertises no companion at all (plain Synapse, no application
 * service), so only the attribute can make the difference: a post room bound by the named bot is read, a
 * room bound to the same post by anyone else is a mismatch whose messages are never shown — and the same
 * page without the attribute shows that room, as the fallback without a companion does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { postRoomAlias } from '@omnisocial/core/posts';
import { launchChromium, servePages } from '../support/chromium.ts';

const SEEN = { timeout: 60_000 };
const MISMATCH = "This discussion's address points to another room.";

describe('the companion-bot attribute (real Synapse without a well-known companion, Chromium)', () => {
  let homeserver: Homeserver;
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;
  let bot: Peer;
  let squatter: Peer;
  const contexts: BrowserContext[] = [];

  /** A room for `post`, bound to it and with a message, made by `owner`, the post's alias pointing to it. */
  async function postRoom(owner: Peer, post: string, message: string): Promise<void> {
    const alias = postRoomAlias(post, { serverName: homeserver.serverName });
    const { roomId } = await owner.createRoom({
      alias: alias.slice(1, alias.indexOf(':')),
      preset: 'public_chat',
      worldReadable: true,
      initialState: [{ type: 'org.omnisocial.post', content: { id: post, title: post } }],
    });
    await owner.sendMessage(roomId, message);
  }

  async function open(post: string, companionBot?: string): Promise<Locator> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const query = new URLSearchParams({
      hs: homeserver.baseUrl,
      post,
      title: post,
      open: '',
      ...(companionBot ? { bot: companionBot } : {}),
    });
    await page.goto(pages.url(`/test/pages/post.html?${query.toString()}`));
    return page.locator('omni-chat').first();
  }

  before(async () => {
    [homeserver, browser, pages] = await Promise.all([startSynapse(), launchChromium(), servePages()]);
    [bot, squatter] = await Promise.all([
      homeserver.registerUser({ username: 'omni', displayName: 'Site bot' }),
      homeserver.registerUser({ username: 'squatter', displayName: 'Squatter' }),
    ]);
    await postRoom(bot, 'bound-by-the-bot', 'the site opened this discussion');
    await postRoom(squatter, 'bound-by-a-member', 'not the site speaking');
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser.close();
    await pages.close();
    await homeserver.stop();
  });

  test('a binding sent by the named bot is accepted: its discussion is read', async () => {
    const chat = await open('bound-by-the-bot', bot.userId);
    await chat.getByRole('article').filter({ hasText: 'the site opened this discussion' }).waitFor(SEEN);
    assert.equal(await chat.getByText(MISMATCH).count(), 0);
  });

  test('a binding sent by anyone else is refused: a mismatch, never its messages', async () => {
    const chat = await open('bound-by-a-member', bot.userId);
    await chat.getByText(MISMATCH).waitFor(SEEN);
    assert.equal(await chat.getByRole('article').filter({ hasText: 'not the site speaking' }).count(), 0);
  });

  test('without the attribute (and no well-known companion) the same room is read: the attribute made the difference', async () => {
    const chat = await open('bound-by-a-member');
    await chat.getByRole('article').filter({ hasText: 'not the site speaking' }).waitFor(SEEN);
  });
});
