/**
 * The moderation page the companion serves (`/_omni/v1/moderation/`), used as a moderator would in Chromium
 * against a real Synapse: the moderator key opens the queue, a reported message shows with its reporter and
 * reason, "Delete message" (from the keyboard) removes it from the room and the queue. A wrong key says so.
 * The page passes axe; screenshots at 390 and 1280 px, light and dark, go to .cache/shots/moderation-*.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startSite, type Site } from '@omnisocial/testing';
import { postRoomAlias } from '@omnisocial/server';
import { launchChromium } from '../support/chromium.ts';

const KEY = 'moderator-key-for-the-test-0123456789abcdef';
const shots = fileURLToPath(new URL('../../.cache/shots/', import.meta.url));
const enc = encodeURIComponent;

async function axeSource(): Promise<string> {
  let require = createRequire(import.meta.url);
  require = createRequire(require.resolve('@open-wc/testing'));
  require = createRequire(require.resolve('chai-a11y-axe'));
  return readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: await axeSource() });
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: { run(context: Element): Promise<{ violations: { id: string; help: string }[] }> } }).axe;
    const result = await run.run(document.body);
    return result.violations.map((v) => `${v.id}: ${v.help}`);
  });
}

describe('the moderation page (Chromium, real Synapse)', () => {
  let site: Site;
  let browser: Browser;

  before(async () => {
    site = await startSite({ posts: [{ id: 'page', title: 'A post', open: true }], moderation: { moderatorKey: KEY } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await site.stop();
  });

  test('a moderator opens the queue with the key and deletes a reported message from the keyboard', async () => {
    const alice = await site.homeserver.registerUser({ username: 'alice' });
    const bob = await site.homeserver.registerUser({ username: 'bob' });
    const room = await alice.resolveAlias(postRoomAlias('page', { serverName: 'localhost' }));
    await alice.joinRoom(room);
    await bob.joinRoom(room);
    const rude = await bob.sendMessage(room, 'you are all idiots');
    await alice.request('POST', `/_matrix/client/v3/rooms/${enc(room)}/report/${enc(rude)}`, { reason: 'insults' });

    // axe runs an injected script, which the page's Content-Security-Policy would refuse.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const url = `${site.companion.siteApiUrl}/_omni/v1/moderation/`;
    await page.goto(url);
    await page.getByLabel('Moderator key').fill('not-the-key');
    await page.getByRole('button', { name: 'Open the queue' }).click();
    await page.getByRole('status').filter({ hasText: 'The queue could not be loaded: The request is not signed.' }).waitFor();

    await page.getByLabel('Moderator key').fill(KEY);
    await page.getByLabel('Moderator key').press('Enter');
    const item = page.getByRole('listitem').filter({ hasText: 'you are all idiots' });
    await item.waitFor();
    assert.match((await item.textContent()) ?? '', /Reported by @alice:localhost — "insults"; sent by @bob:localhost in A post/u);
    assert.equal(await page.getByRole('status').textContent(), '', 'the earlier failure is gone');
    assert.deepEqual(await axeViolations(page), []);
    await mkdir(shots, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 600 });
        await page.screenshot({ path: `${shots}moderation-${String(width)}-${scheme}.png` });
      }
    }

    await item.getByRole('button', { name: 'Delete message' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Delete message: done.' }).waitFor();
    await page.getByText('The queue is empty.').waitFor();
    const event = await alice.request<{ content: Record<string, unknown> }>(
      'GET',
      `/_matrix/client/v3/rooms/${enc(room)}/event/${enc(rude)}`,
    );
    assert.deepEqual(event.content, {}, 'the message is deleted in the room');
    await context.close();

    // The page itself is locked down.
    const response = await fetch(url);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'sha256-/u);
  });
});
