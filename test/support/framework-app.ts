/**
 * What test/node/pack-vue.test.ts and test/node/pack-svelte.test.ts check of a framework's app in Chromium: signed
 * in, its `<omni-room>` shows the room's message with the props the app gave it, and the app's own handler
 * receives `omni-unread-change` and shows the counts on the page.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Homeserver, Peer } from '@omnisocial/testing';

export interface FrameworkApp {
  readonly browser: Browser;
  /** The app's page, with `?homeserver=…&room=…` for it to read. */
  readonly url: string;
  readonly hs: Homeserver;
  readonly member: Peer;
  readonly roomId: string;
  /** A message already in the room. */
  readonly message: string;
  /** The framework's name, as the app prints it: `Unread counts received by <framework>: …`. */
  readonly framework: string;
  /** The prefix of the framework's own console warnings (an element it failed to treat as one). */
  readonly warning: string;
}

/** The app's window: its bundle gives the page the package's `signIn`. */
interface AppWindow {
  omniChat: { signIn(options: object): Promise<unknown> };
}

export async function checkFrameworkApp(app: FrameworkApp): Promise<void> {
  const { hs, member, roomId } = app;
  const context = await app.browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // The package's own errors and the framework's warnings. js-sdk's probes of endpoints Synapse refuses show on
      // the console too, and are not the page's concern.
      const text = message.text();
      if (text.includes(app.warning) || (message.type() === 'error' && text.includes('OmniSocial'))) errors.push(text);
    });
    await page.goto(app.url);
    await page.waitForFunction(() => 'omniChat' in window);
    await page.evaluate(
      async ([homeserver, username, password]) => {
        await (window as unknown as AppWindow).omniChat.signIn({ homeserver, username, password });
      },
      [hs.baseUrl, member.username, member.password] as const,
    );
    await page.getByText(`Unread counts received by ${app.framework}: none`).waitFor();
    await page.locator('omni-room').getByRole('log').getByText(app.message).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('omni-room').getAttribute('theme'), 'dark', 'the theme reached the element');
    assert.equal(await page.locator('omni-room').evaluate((room) => (room as HTMLElement & { room: string }).room), roomId);
    await member.sendMessage(roomId, 'one more from Alice');
    const bob = await hs.registerUser({ displayName: 'Bob again' });
    await bob.joinRoom(roomId);
    await bob.sendMessage(roomId, 'and one from Bob');
    await page.getByText(new RegExp(`^Unread counts received by ${app.framework}: \\d`)).waitFor({ timeout: 30_000 });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}
