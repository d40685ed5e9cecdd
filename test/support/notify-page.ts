/**
 * A member's page with one `<omni-room>` (test/pages/session.html) whose system notifications are recorded: the
 * page's `Notification` is the browser's own, wrapped so each one shown is kept on `window.shownNotifications` with
 * when it was made (`Date.now()`). Browser windows driven by Playwright are never in the background, so `hide()`
 * makes the document report itself hidden (`document.visibilityState`), which is all the element reads.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestUser } from '@omnisocial/testing';

export interface ShownNotification {
  readonly title: string;
  readonly body: string;
  readonly tag: string;
  readonly at: number;
}

export interface NotifyPage {
  readonly context: BrowserContext;
  readonly page: Page;
  hide(): Promise<void>;
  shown(): Promise<ShownNotification[]>;
  /** Clicks the n-th notification shown, as the member would in the system's tray. */
  click(index: number): Promise<void>;
}

export async function openNotifyPage(
  browser: Browser,
  url: string,
  member: TestUser,
  homeserver: string,
  options: { grant: boolean },
): Promise<NotifyPage> {
  const context = await browser.newContext({ permissions: options.grant ? ['notifications'] : [] });
  await context.addInitScript(() => {
    const Real = window.Notification;
    const shown: Array<{ title: string; body: string; tag: string; at: number; notification: Notification }> = [];
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '', at: Date.now(), notification: this });
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
    Object.assign(window, { shownNotifications: shown });
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.evaluate(
    async ({ homeserver, username, password }) =>
      (window as unknown as { omni: { signIn(options: object): Promise<unknown> } }).omni.signIn({ homeserver, username, password }),
    { homeserver, username: member.username, password: member.password },
  );
  return {
    context,
    page,
    hide: () =>
      page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true });
        Object.defineProperty(document, 'hidden', { get: () => true, configurable: true });
      }),
    shown: () =>
      page.evaluate(() =>
        (window as unknown as { shownNotifications: ShownNotification[] }).shownNotifications.map(({ title, body, tag, at }) => ({
          title,
          body,
          tag,
          at,
        })),
      ),
    click: (index) =>
      page.evaluate((at) => {
        const entry = (window as unknown as { shownNotifications: Array<{ notification: Notification }> }).shownNotifications[at];
        entry?.notification.dispatchEvent(new Event('click'));
      }, index),
  };
}
