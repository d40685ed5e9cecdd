/**
 * A tab closed while recovery set-up is uploading the member's room keys loses nothing, in Debian's
 * Chromium against real Synapse: Alice writes in an encrypted DM, starts setting up recovery, and
 * the page is closed while the key upload (`PUT /room_keys/keys`) is on its way (the test holds that
 * request, so the close lands exactly there). The next page in the same browser profile resumes the
 * session from IndexedDB, starts encryption, and the backup completes: the server's backup holds the
 * DM's room key, the Security status says the backup is on, and no page error was thrown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { until as poll } from '../support/wait.ts';

const TIMEOUT = { timeout: 90_000 };

interface SecurityStatus {
  crossSigning: boolean;
  backup: 'off' | 'on' | 'restoring';
  recoveryKeyStored: boolean;
  thisDeviceVerified: boolean;
}

interface OmniWindow {
  omni: {
    signIn(options: object): Promise<unknown>;
    mount(): void;
    resume(): Promise<boolean>;
    setUpRecovery(): Promise<string>;
    securityStatus(): Promise<SecurityStatus>;
  };
}

const started = Date.now();
const step = (what: string): void => console.error(`# ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);

interface BackupVersion {
  version: string;
  count: number;
}

/** The account's current key backup as the server has it, or undefined when there is none. */
async function backupVersion(hs: Homeserver, member: Peer): Promise<BackupVersion | undefined> {
  const response = await fetch(`${hs.baseUrl}/_matrix/client/v3/room_keys/version`, {
    headers: { Authorization: `Bearer ${member.accessToken}` },
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`/room_keys/version: HTTP ${response.status}`);
  return (await response.json()) as BackupVersion;
}

async function backedUpRooms(hs: Homeserver, member: Peer, version: string): Promise<string[]> {
  const response = await fetch(`${hs.baseUrl}/_matrix/client/v3/room_keys/keys?version=${encodeURIComponent(version)}`, {
    headers: { Authorization: `Bearer ${member.accessToken}` },
  });
  if (!response.ok) throw new Error(`/room_keys/keys: HTTP ${response.status}`);
  return Object.keys(((await response.json()) as { rooms: Record<string, unknown> }).rooms);
}

const until = <T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 90_000): Promise<T> =>
  poll(check, what, timeoutMs, 500);

describe('a tab closed in the middle of the key backup upload', { timeout: 600_000 }, () => {
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;
  let hs: Homeserver;
  let alice: Peer;
  let bob: Peer;
  let context: BrowserContext;
  const errors: string[] = [];

  const open = async (): Promise<Page> => {
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    if (process.env['OMNI_TEST_VERBOSE']) page.on('console', (message) => console.error(`# [page] ${message.text()}`));
    const query = `hs=${encodeURIComponent(hs.baseUrl)}&user=${encodeURIComponent(bob.userId)}`;
    await page.goto(pages.url(`/test/pages/verification.html?${query}`));
    await page.waitForFunction(() => 'omni' in window, undefined, TIMEOUT);
    return page;
  };

  before(async () => {
    [browser, pages, hs] = await Promise.all([launchChromium(), servePages(), startSynapse()]);
    [alice, bob] = await Promise.all([hs.registerUser({ displayName: 'Alice' }), hs.registerUser({ displayName: 'Bob' })]);
    // One profile for both pages: the second finds the first one's session and crypto store.
    context = await browser.newContext();
  });

  after(async () => {
    await browser.close();
    await pages.close();
    await hs.stop();
  });

  test('the page closes while the keys upload; the next page in the profile completes the backup', async () => {
    const first = await open();
    await first.evaluate(
      async ([homeserver, username, password]) => (window as unknown as OmniWindow).omni.signIn({ homeserver, username, password }),
      [hs.baseUrl, alice.username, alice.password] as const,
    );
    await first.evaluate(() => (window as unknown as OmniWindow).omni.mount());
    const box = first.getByRole('textbox', { name: 'Message' });
    await box.waitFor(TIMEOUT);
    await box.fill('a secret worth backing up');
    await box.press('Enter');
    await first
      .getByRole('log')
      .getByRole('article')
      .filter({ hasText: 'a secret worth backing up' })
      .locator('time.sent')
      .waitFor(TIMEOUT);
    step('alice wrote in the encrypted DM');

    // Hold the first key upload: the page closes while it is in flight.
    let held: Route | undefined;
    const uploading = new Promise<void>((resolve) => {
      void first.route(/\/_matrix\/client\/v3\/room_keys\/keys/u, (route) => {
        if (route.request().method() !== 'PUT') return route.continue();
        held = route;
        resolve();
        return Promise.resolve();
      });
    });
    void first.evaluate(() => (window as unknown as OmniWindow).omni.setUpRecovery().catch(() => undefined));
    await Promise.race([
      uploading,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no key upload started')), TIMEOUT.timeout)),
    ]);
    assert.ok(held, 'the key upload was caught');
    const version = await backupVersion(hs, alice);
    assert.ok(version, 'the backup version exists on the server');
    assert.equal(version.count, 0, 'no key reached the backup before the page closed');
    await first.close();
    step('page closed during the key upload');

    const second = await open();
    assert.equal(await second.evaluate(() => (window as unknown as OmniWindow).omni.resume()), true, 'the session resumed');
    const status = await second.evaluate(() => (window as unknown as OmniWindow).omni.securityStatus());
    step(`security status after the reload: ${JSON.stringify(status)}`);
    assert.equal(status.crossSigning, true);
    assert.equal(status.backup, 'on', 'the backup is still on for this device');
    const done = await until(async () => {
      const current = await backupVersion(hs, alice);
      return current && current.count > 0 ? current : undefined;
    }, 'the backup to receive the room key after the reload');
    assert.equal(done.version, version.version, 'the same backup, not a new one');
    const rooms = await backedUpRooms(hs, alice, done.version);
    assert.equal(rooms.length, 1, `the DM's room key is backed up (rooms: ${rooms.join(', ')})`);
    assert.deepEqual(errors, [], 'no page error');
  });
});
