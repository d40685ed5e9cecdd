/**
 * What test/node/pack-vue.test.ts and test/node/pack-svelte.test.ts check of a framework's app in Chromium: signed
 * in, its `<omni-room>` shows the room's message with the props the app gave it, and the app's own handler
 * receives `omni-unread-change` and shows the counts on the page.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { ensureBuild } from './build.ts';
import { launchChromium } from './chromium.ts';
import { packProject, run, toolVersion } from './packed-project.ts';

/** A framework's site made from the packed tarballs, a real Synapse with a room Bob wrote in, and Chromium. */
export interface FrameworkSite {
  readonly project: string;
  readonly hs: Homeserver;
  /** A member of the room, who signs in to the app. */
  readonly alice: Peer;
  readonly roomId: string;
  readonly browser: Browser;
  stop(): Promise<void>;
}

/**
 * Packs the public packages into an empty project, writes the site's `files`, installs the tarballs with Vite,
 * TypeScript and the framework's `packages` from npm, and meanwhile starts Synapse with Bob's `message` in a public
 * room Alice joined. A file's name may hold folders (`app/page.tsx`).
 */
export async function frameworkSite(options: {
  readonly prefix: string;
  readonly files: Readonly<Record<string, string>>;
  readonly packages: readonly string[];
  readonly roomName: string;
  readonly message: string;
}): Promise<FrameworkSite> {
  const synapse = startSynapse();
  await ensureBuild();
  const { project, tarballs } = await packProject(options.prefix);
  for (const [name, text] of Object.entries(options.files)) {
    await mkdir(path.dirname(path.join(project, name)), { recursive: true });
    await writeFile(path.join(project, name), text);
  }
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      ...tarballs,
      `vite@${toolVersion('vite')}`,
      `typescript@${toolVersion('typescript')}`,
      ...options.packages,
    ],
    project,
  );
  const hs = await synapse;
  const bob = await hs.registerUser({ displayName: 'Bob' });
  const alice = await hs.registerUser({ displayName: 'Alice' });
  const { roomId } = await bob.createRoom({ name: options.roomName, preset: 'public_chat' });
  await alice.joinRoom(roomId);
  await bob.sendMessage(roomId, options.message);
  const browser = await launchChromium();
  return {
    project,
    hs,
    alice,
    roomId,
    browser,
    async stop() {
      await browser.close();
      await hs.stop();
      await rm(project, { recursive: true, force: true });
    },
  };
}

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
