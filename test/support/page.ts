/**
 * What the Node and journey tests do in a Playwright page the way a member does it: write in the composer,
 * find a message, sign in through the test pages' `window.omni`. One place, so every test drives the
 * element through the same accessible names ("Message", "Send").
 */
import type { Locator, Page } from 'playwright-core';

/** Fills the composer of `scope` (its textbox "Message") and presses the button "Send". */
export async function send(scope: Page | Locator, text: string): Promise<void> {
  await scope.getByRole('textbox', { name: 'Message' }).fill(text);
  await scope.getByRole('button', { name: 'Send' }).click();
}

/** Fills the composer of `scope` and presses Enter, as a member sending from the keyboard, once it is there. */
export async function sendWithEnter(scope: Page | Locator, text: string, timeout = 30_000): Promise<void> {
  const box = scope.getByRole('textbox', { name: 'Message' });
  await box.waitFor({ timeout });
  await box.fill(text);
  await box.press('Enter');
}

/** The articles (messages) in `scope`; `text` narrows to those that contain it. */
export function articles(scope: Page | Locator, text?: string | RegExp): Locator {
  const all = scope.getByRole('article');
  return text === undefined ? all : all.filter({ hasText: text });
}

/** The messages of the conversation log in `scope`; `text` narrows to those that contain it. */
export const messagesIn = (scope: Page | Locator, text?: string | RegExp): Locator => articles(scope.getByRole('log'), text);

/** Signs a member in with their password through the test page's `window.omni.signIn` (as a site's own login does). */
export function signInThroughPage(page: Page, homeserver: string, member: { username: string; password: string }): Promise<unknown> {
  return page.evaluate(
    ([url, username, password]) =>
      (window as unknown as { omni: { signIn(o: object): Promise<unknown> } }).omni.signIn({ homeserver: url, username, password }),
    [homeserver, member.username, member.password] as const,
  );
}

/**
 * Opens the session test page (test/pages/session.html) on `roomId` for a screenshot: the page's margin and
 * background set, the `<omni-room>` in `theme`, and `member` signed in through the page.
 */
export async function openRoomForScreenshot(
  page: Page,
  url: (path: string) => string,
  homeserver: string,
  roomId: string,
  theme: string,
  member: { username: string; password: string },
): Promise<void> {
  await page.goto(url(`/test/pages/session.html?${new URLSearchParams({ hs: homeserver, room: roomId }).toString()}`));
  await page.evaluate(() => {
    document.body.style.cssText = 'margin:0;padding:1rem;background:Canvas';
  });
  await page.locator('omni-room').evaluate((room, value) => room.setAttribute('theme', value), theme);
  await signInThroughPage(page, homeserver, member);
}
