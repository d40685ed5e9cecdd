/**
 * Emoji (SAS) verification and trust between browser sessions, in Debian's Chromium against real
 * Synapse: Alice and Bob, each in their own browser context (own IndexedDB crypto store), get their
 * cross-signing identity from the session itself at sign-in and write in an encrypted DM (<omni-dm>).
 * Alice verifies Bob from the DM header: both see the same seven emoji; a mismatch cancels on both
 * sides and verifies nothing; a second attempt where both confirm verifies Bob: his user is verified
 * for Alice and his messages carry `verified` trust with no warning shield. The dialog passes axe.
 * Then the bad cases: Bob writes from a second browser he never verified (its message carries the
 * unverified-device shield), and Bob resets his identity (his new message carries the
 * identity-changed shield and the DM header says "Identity changed").
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { messagesIn, sendWithEnter } from '../support/page.ts';

const TIMEOUT = { timeout: 90_000 };

interface OmniWindow {
  omni: {
    signIn(options: object): Promise<unknown>;
    mount(): void;
    crossSigningReady(): Promise<boolean>;
    resetIdentity(password: string): Promise<void>;
    userTrust(userId: string): Promise<string>;
  };
}

/** axe-core as @open-wc/testing's chai-a11y-axe resolves it (the browser tests' accessibility checks). */
async function axeSource(): Promise<string> {
  let require = createRequire(import.meta.url);
  require = createRequire(require.resolve('@open-wc/testing'));
  require = createRequire(require.resolve('chai-a11y-axe'));
  return readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
}

async function axeViolations(page: Page, axe: string): Promise<string[]> {
  await page.addScriptTag({ content: axe });
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: { run(context: Element): Promise<{ violations: { id: string; help: string }[] }> } }).axe;
    const result = await run.run(document.body);
    return result.violations.map((v) => `${v.id}: ${v.help}`);
  });
}

/** Progress on stderr: the steps are slow on a loaded machine, and a stuck one should say where it is. */
const started = Date.now();
const step = (what: string): void => console.error(`# ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);

/** Waits until `userId`'s identity has this trust in the page's session (signatures upload asynchronously). */
async function waitForUserTrust(page: Page, userId: string, trust: string): Promise<void> {
  await page.waitForFunction(
    async ([id, expected]) => (await (window as unknown as OmniWindow).omni.userTrust(id)) === expected,
    [userId, trust] as const,
    { ...TIMEOUT, polling: 500 },
  );
}

const emojiNames = async (dialog: Locator): Promise<string[]> => dialog.locator('.emoji .label').allTextContents();

describe('emoji verification between two browser sessions', { timeout: 600_000 }, () => {
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;
  let hs: Homeserver;
  let alice: Peer;
  let bob: Peer;
  let pageA: Page;
  let pageB: Page;
  let open: (member: Peer, other: Peer, firstDevice?: boolean) => Promise<Page>;
  const errors: string[] = [];

  before(async () => {
    [browser, pages, hs] = await Promise.all([launchChromium(), servePages(), startSynapse()]);
    step('browser, pages and Synapse started');
    [alice, bob] = await Promise.all([hs.registerUser({ displayName: 'Alice' }), hs.registerUser({ displayName: 'Bob' })]);
    open = async (member: Peer, other: Peer, firstDevice = true): Promise<Page> => {
      const page = await (await browser.newContext()).newPage();
      page.on('pageerror', (error) => errors.push(`${member.username}: ${error.message}`));
      if (process.env['OMNI_TEST_VERBOSE']) page.on('console', (message) => console.error(`# [${member.username}] ${message.text()}`));
      const query = `hs=${encodeURIComponent(hs.baseUrl)}&user=${encodeURIComponent(other.userId)}`;
      await page.goto(pages.url(`/test/pages/verification.html?${query}`));
      // Vite may reload the page once after optimising a dependency it discovered late.
      await page.waitForFunction(() => 'omni' in window, undefined, TIMEOUT);
      step(`${member.username}: page loaded`);
      await page.evaluate(
        async ([homeserver, username, password]) => (window as unknown as OmniWindow).omni.signIn({ homeserver, username, password }),
        [hs.baseUrl, member.username, member.password] as const,
      );
      step(`${member.username}: signed in`);
      // The session made the member's identity itself when crypto first ran; a later device finds it and leaves it alone.
      const ready = await page.evaluate(async () => (window as unknown as OmniWindow).omni.crossSigningReady());
      assert.equal(ready, firstDevice, `${member.username}: this device holds the cross-signing identity`);
      step(`${member.username}: cross-signing ${ready ? 'set up at sign-in' : 'found, not this device’s'}`);
      return page;
    };
    pageA = await open(alice, bob);
    pageB = await open(bob, alice);
  });

  after(async () => {
    await browser.close();
    await pages.close();
    await hs.stop();
  });

  const send = (page: Page, body: string): Promise<void> => sendWithEnter(page, body, TIMEOUT.timeout);

  test('Alice and Bob write in their encrypted DM; Bob is not verified yet and nothing nags', async () => {
    await pageA.evaluate(() => (window as unknown as OmniWindow).omni.mount());
    await send(pageA, 'hello bob');
    // Sent: the DM exists and Bob is invited; Bob opens his side, finds the invitation and joins.
    await messagesIn(pageA, 'hello bob').locator('time.sent').waitFor(TIMEOUT);
    await pageB.evaluate(() => (window as unknown as OmniWindow).omni.mount());
    // Bob's composer takes text once he joined (the first message may still wait for its keys there).
    await send(pageB, 'hi alice, from bob');
    const fromBob = messagesIn(pageA, 'hi alice, from bob');
    await fromBob.waitFor(TIMEOUT);
    // Bob's device is cross-signed by Bob; his identity is not verified by Alice: no shield.
    await fromBob.and(pageA.locator('[data-trust="unverified"]')).waitFor(TIMEOUT);
    assert.equal(await fromBob.locator('[part="trust-warning"]').count(), 0);
    assert.equal(await pageA.evaluate((id) => (window as unknown as OmniWindow).omni.userTrust(id), bob.userId), 'unverified');
    await pageA.getByRole('button', { name: 'Verify Bob' }).waitFor(TIMEOUT);
  });

  test('a mismatch cancels the verification on both sides and verifies nothing', async () => {
    await pageA.getByRole('button', { name: 'Verify Bob' }).click();
    await pageA.getByRole('dialog', { name: 'Verify Bob' }).waitFor(TIMEOUT);
    const request = pageB.getByRole('dialog', { name: 'Alice wants to verify' });
    await request.waitFor(TIMEOUT);
    await request.getByRole('button', { name: 'Accept' }).click();

    const dialogA = pageA.getByRole('dialog', { name: 'Compare emoji with Bob' });
    const dialogB = pageB.getByRole('dialog', { name: 'Compare emoji with Alice' });
    await Promise.all([dialogA.waitFor(TIMEOUT), dialogB.waitFor(TIMEOUT)]);
    const [namesA, namesB] = await Promise.all([emojiNames(dialogA), emojiNames(dialogB)]);
    assert.equal(namesA.length, 7, `seven emoji, got ${namesA.join(', ')}`);
    assert.deepEqual(namesA, namesB, 'both sides show the same emoji in the same order');

    await dialogB.getByRole('button', { name: "They don't match" }).click();
    const failedA = pageA.getByRole('dialog', { name: "The emoji didn't match" });
    const failedB = pageB.getByRole('dialog', { name: "The emoji didn't match" });
    await Promise.all([failedA.waitFor(TIMEOUT), failedB.waitFor(TIMEOUT)]);
    assert.equal(await pageA.evaluate((id) => (window as unknown as OmniWindow).omni.userTrust(id), bob.userId), 'unverified');
    await failedA.getByRole('button', { name: 'Close' }).click();
    // Escape closes a finished verification too (keyboard).
    await failedB.getByRole('button', { name: 'Close' }).focus();
    await pageB.keyboard.press('Escape');
    await Promise.all([failedA.waitFor({ state: 'detached', ...TIMEOUT }), failedB.waitFor({ state: 'detached', ...TIMEOUT })]);
  });

  test('both confirm the same seven emoji: Bob is verified and his messages show no warning', async () => {
    await pageA.getByRole('button', { name: 'Verify Bob' }).click();
    const request = pageB.getByRole('dialog', { name: 'Alice wants to verify' });
    await request.waitFor(TIMEOUT);
    await request.getByRole('button', { name: 'Accept' }).click();

    const dialogA = pageA.getByRole('dialog', { name: 'Compare emoji with Bob' });
    const dialogB = pageB.getByRole('dialog', { name: 'Compare emoji with Alice' });
    await Promise.all([dialogA.waitFor(TIMEOUT), dialogB.waitFor(TIMEOUT)]);
    const [namesA, namesB] = await Promise.all([emojiNames(dialogA), emojiNames(dialogB)]);
    assert.equal(namesA.length, 7);
    assert.deepEqual(namesA, namesB);
    const symbolsA = await dialogA.locator('.emoji .symbol').allTextContents();
    assert.deepEqual(symbolsA, await dialogB.locator('.emoji .symbol').allTextContents());
    assert.deepEqual(await axeViolations(pageA, await axeSource()), [], 'the emoji dialog passes axe');

    // Alice answers with the keyboard: focus followed her into the dialog, on "They match".
    await dialogA.getByRole('button', { name: 'They match' }).focus();
    await pageA.keyboard.press('Enter');
    await pageA.getByRole('dialog', { name: 'Compare emoji with Bob' }).getByText('Waiting for Bob to confirm…').waitFor(TIMEOUT);
    await dialogB.getByRole('button', { name: 'They match' }).click();

    const doneA = pageA.getByRole('dialog', { name: 'Bob is verified' });
    const doneB = pageB.getByRole('dialog', { name: 'Alice is verified' });
    await Promise.all([doneA.waitFor(TIMEOUT), doneB.waitFor(TIMEOUT)]);
    await Promise.all([waitForUserTrust(pageA, bob.userId, 'verified'), waitForUserTrust(pageB, alice.userId, 'verified')]);
    await doneA.getByRole('button', { name: 'Done' }).click();
    await doneB.getByRole('button', { name: 'Done' }).click();
    await pageA.locator('[part="verified"]').getByText('Verified').waitFor(TIMEOUT);

    // Bob's earlier message and a new one: verified, no shield.
    await messagesIn(pageA, 'hi alice, from bob').and(pageA.locator('[data-trust="verified"]')).waitFor(TIMEOUT);
    await send(pageB, 'after verification');
    await messagesIn(pageA, 'after verification').and(pageA.locator('[data-trust="verified"]')).waitFor(TIMEOUT);
    assert.equal(await pageA.locator('[part="trust-warning"]').count(), 0, 'no warning shield on verified messages');
    assert.deepEqual(errors, []);
  });

  test('a message from a device Bob has not verified carries the unverified-device shield', async () => {
    // Bob signs in on a second browser: his identity exists, this device cannot open it, nothing signs it.
    const pageC = await open(bob, alice, false);
    try {
      await pageC.evaluate(() => (window as unknown as OmniWindow).omni.mount());
      await send(pageC, 'from a new browser of bob');
      const fromNewDevice = messagesIn(pageA, 'from a new browser of bob');
      await fromNewDevice.and(pageA.locator('[data-trust="unverified-device"]')).waitFor(TIMEOUT);
      await fromNewDevice.getByRole('img', { name: 'Sent from a device Bob has not verified' }).waitFor(TIMEOUT);
      // Bob himself stays verified, and his verified device's messages carry no warning.
      assert.equal(await pageA.evaluate((id) => (window as unknown as OmniWindow).omni.userTrust(id), bob.userId), 'verified');
      assert.equal(await messagesIn(pageA, 'after verification').locator('[part="trust-warning"]').count(), 0);
    } finally {
      await pageC.context().close();
    }
  });

  test('Bob’s identity changes after Alice verified him: his new messages and the DM header say so', async () => {
    await pageB.evaluate(async (password) => (window as unknown as OmniWindow).omni.resetIdentity(password), bob.password);
    step('bob: identity reset');
    await waitForUserTrust(pageA, bob.userId, 'identity-changed');
    await send(pageB, 'after my identity changed');
    const changed = messagesIn(pageA, 'after my identity changed');
    await changed.and(pageA.locator('[data-trust="identity-changed"]')).waitFor(TIMEOUT);
    await changed.getByRole('img', { name: "Bob's identity changed since you verified them" }).waitFor(TIMEOUT);
    await pageA.locator('[part="verified"]').getByText('Identity changed').waitFor(TIMEOUT);
    assert.deepEqual(errors, []);
  });
});
