/**
 * Browser notifications as a member gets them (real Synapse, Chromium): permission is asked only when the member
 * presses **Notify me**; then, while the page is in the background, a mention and a direct message show a system
 * notification (text for an unencrypted room) and an ordinary message does not; clicking it brings the element
 * forward. Without the browser's permission nothing is shown and the button stays off.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { openNotifyPage } from '../support/notify-page.ts';

const SEEN = { timeout: 60_000 };

describe('browser notifications (real Synapse, Chromium)', () => {
  let homeserver: Homeserver;
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;
  let alice: Peer;
  let bob: Peer;
  let roomId: string;

  before(async () => {
    [homeserver, browser, pages] = await Promise.all([startSynapse(), launchChromium(), servePages()]);
    alice = await homeserver.registerUser({ displayName: 'Alice' });
    bob = await homeserver.registerUser({ displayName: 'Bob' });
    ({ roomId } = await bob.createRoom({ name: 'Notify lobby', preset: 'public_chat' }));
    await alice.joinRoom(roomId);
  });

  after(async () => {
    await browser.close();
    await pages.close();
    await homeserver.stop();
  });

  const url = (): string =>
    pages.url(`/test/pages/session.html?${new URLSearchParams({ hs: homeserver.baseUrl, room: roomId }).toString()}`);

  test('after the member turns them on, a mention in the background shows a notification; clicking it focuses the element', async () => {
    const member = await openNotifyPage(browser, url(), alice.toJSON(), homeserver.baseUrl, { grant: true });
    const room = member.page.locator('omni-room');
    const notify = room.getByRole('button', { name: 'Notify me' });
    await notify.waitFor(SEEN);
    assert.equal(await notify.getAttribute('aria-pressed'), 'false', 'off until the member asks');
    await notify.click();
    await member.page.waitForFunction(
      () =>
        document.querySelector('omni-room')?.shadowRoot?.querySelector('[part="notify-button"]')?.getAttribute('aria-pressed') === 'true',
    );
    await member.hide();
    await bob.sendMessage(roomId, 'Nothing for anyone');
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: 'Alice, look at this',
      'm.mentions': { user_ids: [alice.userId] },
    });
    await member.page.waitForFunction(
      () => (window as unknown as { shownNotifications: unknown[] }).shownNotifications.length > 0,
      null,
      SEEN,
    );
    await room
      .getByRole('article')
      .filter({ hasText: 'Nothing for anyone' })
      .waitFor({ state: 'attached', ...SEEN });
    const shown = await member.shown();
    assert.equal(shown.length, 1, `only the mention notifies: ${JSON.stringify(shown)}`);
    const [first] = shown;
    assert.ok(first);
    assert.equal(first.title, 'Bob · Notify lobby');
    assert.equal(first.body, 'Alice, look at this', 'an unencrypted room shows the text');
    await member.click(0);
    assert.equal(await member.page.evaluate(() => document.activeElement?.localName), 'omni-room', 'the element came forward');
    await member.context.close();
  });

  test('with notifications blocked for the site, the button says so, stays off, and nothing is shown', async () => {
    const member = await openNotifyPage(browser, url(), alice.toJSON(), homeserver.baseUrl, { grant: false });
    const room = member.page.locator('omni-room');
    const notify = room.getByRole('button', { name: 'Notify me' });
    await notify.waitFor(SEEN);
    assert.equal(await member.page.evaluate(() => Notification.permission), 'denied', 'headless Chromium blocks what was not granted');
    assert.equal(await notify.getAttribute('aria-pressed'), 'false');
    assert.equal(await notify.getAttribute('aria-disabled'), 'true');
    await room
      .getByRole('status')
      .filter({ hasText: 'Notifications are blocked for this site' })
      .waitFor({ state: 'attached', ...SEEN });
    await notify.dispatchEvent('click');
    assert.equal(await notify.getAttribute('aria-pressed'), 'false');
    await member.hide();
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'Alice, again', 'm.mentions': { user_ids: [alice.userId] } });
    await member.page
      .locator('omni-room')
      .getByRole('article')
      .filter({ hasText: 'Alice, again' })
      .waitFor({ state: 'attached', ...SEEN });
    assert.deepEqual(await member.shown(), []);
    await member.context.close();
  });
});
