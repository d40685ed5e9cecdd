/**
 * Emoji a member sees on a machine without an emoji font (this one: `fc-list | grep -i emoji` is
 * empty): the built `omni-chat.js` on a page with the strict policy of docs/security.md draws a
 * big-emoji message and the emoji picker in colour, with the font it ships loaded relative to the
 * module, and only once an emoji needs it. In dark mode the picker is dark too.
 */
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { dist, ensureBuild } from '../support/build.ts';
import { launchChromium, serveStatic } from '../support/chromium.ts';
import { settled } from '../support/wait.ts';

const TIMEOUT = 60_000;
/** How long the page is watched for an emoji font request it must not make yet (nothing to wait for). */
const NO_FONT_WINDOW_MS = 500;
/** How long a drawing is re-measured while the font's glyphs reach the screen. */
const PAINT_TIMEOUT_MS = 10_000;

/**
 * Fonts and everything else from the page's own origin only. Not the whole strict policy of
 * test/node/csp.test.ts: the emoji picker (emoji-picker-element) writes its shadow DOM through
 * `innerHTML` and a `<style>` element, which Trusted Types and `style-src 'self'` refuse.
 */
const policy = (homeserver: string): string =>
  [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "img-src 'self' blob:",
    `connect-src 'self' ${homeserver}`,
  ].join('; ');

/** The page: signs the member in through the public API, then shows the room. */
const pageHtml = '<!doctype html><html lang="en"><body><script type="module" src="/page.js"></script></body></html>';
const pageScript = `
import { signIn } from '/dist/omni-chat.js';
const query = new URLSearchParams(location.search);
await signIn({ homeserver: query.get('hs'), username: query.get('user'), password: query.get('password') });
const room = document.createElement('omni-room');
room.setAttribute('homeserver', query.get('hs'));
room.setAttribute('room', query.get('room'));
document.body.append(room);
`;

interface Pixels {
  /** Pixels whose channels differ by more than 60 (a grey glyph or an empty box has none). */
  colourful: number;
  /** Mean luminance, 0 (black) to 1 (white). */
  luminance: number;
}

/** What a screenshot of `element` shows, measured in the page (a blob, which the policy allows). */
async function pixels(page: Page, element: Locator): Promise<Pixels> {
  const png = await element.screenshot();
  return page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    let colourful = 0;
    let light = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r = 0, g = 0, b = 0] = [data[i], data[i + 1], data[i + 2]];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) colourful += 1;
      light += (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    }
    return { colourful, luminance: light / (data.length / 4) };
  }, png.toString('base64'));
}

describe('emoji on a machine without an emoji font', () => {
  let hs: Homeserver;
  let alice: Peer;
  let bob: Peer;
  let roomId: string;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveStatic>>;

  before(async () => {
    await ensureBuild();
    hs = await startSynapse();
    alice = await hs.registerUser({ displayName: 'Alice' });
    bob = await hs.registerUser({ displayName: 'Bob' });
    ({ roomId } = await bob.createRoom({ name: 'Party', preset: 'public_chat' }));
    await alice.joinRoom(roomId);
    await bob.sendMessage(roomId, 'Plain words first');
    site = await serveStatic(
      path.dirname(dist),
      { '/page.html': pageHtml, '/page.js': pageScript },
      { 'content-security-policy': policy(hs.baseUrl) },
    );
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await site.close();
    await hs.stop();
  });

  test(
    'a big-emoji message and the picker are drawn in colour with the shipped font, loaded only when needed; the picker is dark in dark mode',
    { timeout: 5 * TIMEOUT },
    async () => {
      const page = await (await browser.newContext({ viewport: { width: 800, height: 900 } })).newPage();
      const errors: string[] = [];
      const violations: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (/Content Security Policy|Trusted Type/iu.test(message.text())) violations.push(message.text());
      });
      const fonts: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('.woff2')) fonts.push(request.url());
      });
      const query = new URLSearchParams({ hs: hs.baseUrl, room: roomId, user: alice.username, password: alice.password });
      await page.goto(site.url(`/page.html?${query.toString()}`));
      const room = page.locator('omni-room');
      await room.getByRole('article').filter({ hasText: 'Plain words first' }).waitFor({ timeout: TIMEOUT });
      await page.waitForTimeout(NO_FONT_WINDOW_MS);
      assert.equal(fonts.length, 0, `an emoji font before an emoji needs it: ${fonts.join(', ')}`);

      await bob.sendMessage(roomId, '🎉🐙');
      const big = room.locator('.body.emoji-only').first();
      await big.waitFor({ timeout: TIMEOUT });
      await page.waitForFunction(() => document.fonts.status === 'loaded', undefined, { timeout: TIMEOUT });
      const message = await settled(
        () => pixels(page, big),
        (drawn) => drawn.colourful > 100,
        PAINT_TIMEOUT_MS,
      );
      assert.ok(message.colourful > 100, `the big emoji has ${String(message.colourful)} colour pixels: drawn as boxes?`);
      assert.equal(fonts.length, 1, `the emoji font, once: ${fonts.join(', ')}`);
      for (const url of fonts) assert.ok(url.startsWith(site.url('/dist/assets/')), `${url} is not served beside the module`);

      await room.evaluate((element) => element.setAttribute('theme', 'dark'));
      await room.getByRole('button', { name: 'Emoji' }).click();
      const picker = room.locator('emoji-picker');
      await picker.locator('button[role="menuitem"]').first().waitFor({ timeout: TIMEOUT });
      await page.waitForFunction(() => document.fonts.status === 'loaded', undefined, { timeout: TIMEOUT });
      const shown = await settled(
        () => pixels(page, picker),
        (drawn) => drawn.colourful > 500 && drawn.luminance < 0.35,
        PAINT_TIMEOUT_MS,
      );
      if (process.env['OMNI_SHOTS']) await page.screenshot({ path: path.join(process.env['OMNI_SHOTS'], 'emoji-picker-dark.png') });
      assert.ok(shown.colourful > 500, `the picker has ${String(shown.colourful)} colour pixels: emoji drawn as boxes?`);
      assert.ok(shown.luminance < 0.35, `the picker is light (luminance ${shown.luminance.toFixed(2)}) in dark mode`);
      const box = await picker.boundingBox();
      const roomBox = await room.boundingBox();
      assert.ok(box && roomBox, 'the picker and the room have boxes');
      assert.ok(box.x >= roomBox.x && box.x + box.width <= roomBox.x + roomBox.width + 0.5, 'the picker fits the room’s width');
      assert.ok(box.y >= roomBox.y, 'the picker’s top (its search field) is inside the room');
      assert.deepEqual(violations, []);
      assert.deepEqual(errors, []);
    },
  );
});
