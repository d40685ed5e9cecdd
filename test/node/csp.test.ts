/**
 * The built `omni-chat.js` on a host page with the strictest Content-Security-Policy we promise to work
 * under (see docs/security.md): no inline script or style, no eval beyond WebAssembly compilation,
 * Trusted Types required for every DOM sink, connections only to the page's origin and the homeserver.
 * A member signs in through the element's own form, talks in an encrypted room (the crypto wasm loads)
 * and in an open post chat, and reads what a peer sends in each. Zero violations, in the page's own
 * `securitypolicyviolation` events and in Chromium's console.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { postRoomAlias } from '@omnisocial/core/internal';
import { dist, ensureBuild } from '../support/build.ts';
import { launchChromium, serveStatic } from '../support/chromium.ts';
import { NioPeer } from '../support/nio.ts';
import { articles, send } from '../support/page.ts';
import { until } from '../support/wait.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pages = path.join(root, 'test/pages/csp');
const TIMEOUT = 90_000;

/**
 * The policy of docs/security.md with the test's homeserver, and the Trusted Types policy names the
 * documentation lists (which makes the page stricter still: no other policy may be created).
 */
const strictPolicy = (homeserver: string): string =>
  [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' blob:",
    "media-src 'self' blob:",
    `connect-src 'self' ${homeserver}`,
    "require-trusted-types-for 'script'",
    'trusted-types lit-html dompurify',
  ].join('; ');

/** The site: `/dist/…` from the build, its pages from test/pages/csp/, every response with `policy`. */
async function serveStrictSite(policy: string): ReturnType<typeof serveStatic> {
  const files = await readdir(pages);
  const sitePages = Object.fromEntries(
    await Promise.all(files.map(async (name) => [`/${name}`, await readFile(path.join(pages, name), 'utf8')] as const)),
  );
  return serveStatic(path.dirname(dist), sitePages, { 'content-security-policy': policy });
}

interface Violation {
  directive: string;
  blocked: string;
  source: string;
  line: number;
  sample: string;
}

const shown = (element: Locator, text: string): Promise<void> => articles(element, text).first().waitFor({ timeout: TIMEOUT });

/** What the page shows (through shadow roots) and the violations it recorded, for a failure message. */
const pageState = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const text = (node: Node): string =>
      node instanceof Element && node.shadowRoot
        ? text(node.shadowRoot)
        : node.nodeType === Node.TEXT_NODE
          ? (node.textContent ?? '')
          : [...node.childNodes].map(text).join(' ');
    const violations = (window as unknown as { cspViolations: unknown[] }).cspViolations;
    return `page: ${text(document.body).replace(/\s+/gu, ' ')}\nviolations: ${JSON.stringify(violations)}`;
  });

describe('omni-chat.js on a page with a strict Content-Security-Policy', () => {
  let hs: Homeserver;
  let alice: Peer;
  let bob: Peer;
  let carol: Peer;
  let nio: NioPeer;
  let roomId: string;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveStrictSite>>;
  const tag = crypto.randomUUID().slice(0, 8);
  const post = `csp-post-${tag}`;

  before(async () => {
    await ensureBuild();
    hs = await startSynapse();
    alice = await hs.registerUser({ displayName: 'Alice' });
    bob = await hs.registerUser({ displayName: 'Bob' });
    carol = await hs.registerUser({ displayName: 'Carol' });
    ({ roomId } = await bob.createRoom({ name: 'Strict DM', preset: 'private_chat', encrypted: true, invite: [alice.userId] }));
    await alice.joinRoom(roomId);
    nio = new NioPeer();
    await nio.call('login', { homeserver: hs.baseUrl, user: bob.userId, password: bob.password, device: `CSP${tag}` });
    await nio.call('join', { room: roomId });
    site = await serveStrictSite(strictPolicy(hs.baseUrl));
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await site.close();
    await nio.close();
    await hs.stop();
  });

  test('sign-in, an encrypted room, a post chat and an encrypted DM, with zero violations', { timeout: 5 * TIMEOUT }, async (t) => {
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    const consoleViolations: string[] = [];
    const errors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text());
      if (/Content Security Policy|Trusted Type|TrustedHTML|TrustedScript/iu.test(message.text())) consoleViolations.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));

    const query = new URLSearchParams({ hs: hs.baseUrl, room: roomId, post, moderators: bob.userId, dm: carol.userId });
    const response = await page.goto(site.url(`/index.html?${query.toString()}`));
    assert.equal(response?.headers()['content-security-policy'], strictPolicy(hs.baseUrl), 'the page is served with the policy');

    // Signed out, the encrypted room offers the element's own sign-in form.
    const room = page.locator('omni-room');
    await room.getByRole('textbox', { name: 'Username' }).fill(alice.username, { timeout: TIMEOUT });
    await room.getByRole('textbox', { name: 'Password' }).fill(alice.password);
    await room.getByRole('button', { name: 'Sign in' }).click();

    // The encrypted room: the crypto wasm is compiled under 'wasm-unsafe-eval', a message goes out
    // encrypted and nio (libolm) decrypts it; nio's encrypted answer is shown.
    await room.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: TIMEOUT });
    assert.ok(
      requested.some((url) => url.startsWith(site.url('/dist/')) && url.endsWith('.wasm')),
      'the crypto wasm was fetched from dist/',
    );
    await nio.call('wait_member', { room: roomId, user: alice.userId, timeout: 60 });
    await send(room, `encrypted hello ${tag}`);
    const received = await nio.call('wait_message', { room: roomId, body: `encrypted hello ${tag}`, timeout: 60 });
    assert.equal(received.decrypted, true, 'the room message was sent encrypted');
    await nio.call('trust', { user: alice.userId, timeout: 60 });
    await nio.call('send', { room: roomId, body: `encrypted answer ${tag}` });
    await shown(room, `encrypted answer ${tag}`);

    // The open post chat, added by the page once the member signed in: the first message creates the
    // post's room with the site's moderator (bob) invited; bob joins it and answers.
    const chat = page.locator('omni-chat');
    await chat
      .getByRole('textbox', { name: 'Message' })
      .waitFor({ timeout: TIMEOUT })
      .catch(async (error: unknown) => {
        throw new Error(`the post chat never offered its composer\n${await pageState(page)}\nconsole: ${consoleErrors.join('\n')}`, {
          cause: error,
        });
      });
    await send(chat, `post comment ${tag}`);
    // Sent once the room exists with all its initial state (the alias resolves earlier, while it is being created).
    await chat
      .getByRole('article')
      .filter({ hasText: `post comment ${tag}` })
      .filter({ hasNotText: 'Sending' })
      .waitFor({ timeout: TIMEOUT });
    const alias = postRoomAlias(post, { serverName: bob.serverName });
    const postRoom = await until(() => bob.resolveAlias(alias).catch(() => ''), `the post room ${alias} to be created`, TIMEOUT);
    await bob.joinRoom(postRoom);
    await bob.waitForMessage(postRoom, (e) => e.sender === alice.userId && e.content['body'] === `post comment ${tag}`, TIMEOUT);
    await bob.sendMessage(postRoom, `post answer ${tag}`);
    await shown(chat, `post answer ${tag}`);
    await shown(chat, `post comment ${tag}`);
    // The room's log now fills its box (the page's display: block no longer shrinks it): bring it back on
    // screen, where its virtualised log renders its messages.
    await room.scrollIntoViewIfNeeded();
    await shown(room, `encrypted hello ${tag}`);

    // The DM: the first message creates an encrypted direct chat with Carol invited; the server
    // holds it only as m.room.encrypted.
    const dm = page.locator('omni-dm');
    await dm.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: TIMEOUT });
    await send(dm, `dm hello ${tag}`);
    await dm
      .getByRole('article')
      .filter({ hasText: `dm hello ${tag}` })
      .filter({ hasNotText: 'Sending' })
      .waitFor({ timeout: TIMEOUT });
    const invites = await carol.request<{ rooms?: { invite?: Record<string, unknown> } }>('GET', '/_matrix/client/v3/sync?timeout=0');
    const dmRoom = Object.keys(invites.rooms?.invite ?? {})[0] ?? '';
    assert.ok(dmRoom, 'Carol is invited to the DM');
    await carol.joinRoom(dmRoom);
    const dmEvents = await carol.roomMessages(dmRoom, { limit: 50 });
    assert.ok(
      dmEvents.some((e) => e.sender === alice.userId && e.type === 'm.room.encrypted'),
      'the DM message is stored encrypted',
    );
    assert.ok(!dmEvents.some((e) => e.sender === alice.userId && e.type === 'm.room.message'), 'nothing in the clear');

    const violations = await page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations);
    t.diagnostic(`requests: ${requested.length}, to the homeserver: ${requested.filter((u) => u.startsWith(hs.baseUrl)).length}`);
    assert.deepEqual(violations, [], 'securitypolicyviolation events in the page');
    assert.deepEqual(consoleViolations, [], 'CSP or Trusted Types errors in the console');
    assert.deepEqual(errors, [], 'uncaught errors in the page');
    assert.deepEqual(
      requested.filter((url) => !url.startsWith(site.url('/')) && !url.startsWith(hs.baseUrl) && !url.startsWith('blob:')),
      [],
      'requests to other origins',
    );
    await context.close();
  });
});
