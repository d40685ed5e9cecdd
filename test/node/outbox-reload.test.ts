/**
 * Unsent messages survive a reload: typed while the homeserver is unreachable (a fault proxy in front of
 * a real Synapse), kept in IndexedDB across the reload, sent once when the connection returns.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { sendWithEnter as type, signInThroughPage } from '../support/page.ts';
import { quietWindow, until } from '../support/wait.ts';

const TIMEOUT = { timeout: 30_000 };
const SEND = { method: 'PUT', path: '/send/m.room.message/' };
/** How long a stray second copy of a sent message (a retry that also landed) is given to reach the server before counting. */
const NO_DUPLICATE_WINDOW_MS = 1_000;

let browser: Browser;
let pages: Awaited<ReturnType<typeof servePages>>;
let hs: Homeserver;
let proxy: FaultProxy;
let alice: Peer;
let bob: Peer;
let roomId: string;
let alias: string;
let encryptedRoomId: string;
let encryptedAlias: string;

before(async () => {
  [browser, pages, hs] = await Promise.all([launchChromium(), servePages(), startSynapse()]);
  proxy = await startFaultProxy(hs.baseUrl);
  [alice, bob] = await Promise.all([hs.registerUser({ displayName: 'Alice' }), hs.registerUser({ displayName: 'Bob' })]);
  const created = await bob.createRoom({ alias: 'outbox', name: 'Outbox', preset: 'public_chat' });
  roomId = created.roomId;
  alias = created.alias ?? '';
  await alice.joinRoom(roomId);
  await bob.sendMessage(roomId, 'hello from bob');
  const encrypted = await bob.createRoom({ alias: 'outbox-e2ee', name: 'Outbox encrypted', preset: 'public_chat', encrypted: true });
  encryptedRoomId = encrypted.roomId;
  encryptedAlias = encrypted.alias ?? '';
  await alice.joinRoom(encryptedRoomId);
  await bob.sendMessage(encryptedRoomId, 'hello in the encrypted room');
});

after(async () => {
  await browser.close();
  await pages.close();
  await proxy.close();
  await hs.stop();
});

/** Bodies of Alice's messages starting with `prefix`, as the server stores them, oldest first. */
async function onServer(prefix: string): Promise<string[]> {
  const events = await bob.roomMessages(roomId, { limit: 100 });
  return events
    .filter((e) => e.type === 'm.room.message' && e.sender === alice.userId)
    .map((e) => String(e.content['body']))
    .filter((body) => body.startsWith(prefix));
}

/** Entries in the outbox's IndexedDB store. */
function storedEntries(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('omni-chat-outbox');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('no database'));
    });
    if (!db.objectStoreNames.contains('outbox')) return 0;
    const all = await new Promise<unknown[]>((resolve) => {
      const request = db.transaction('outbox').objectStore('outbox').getAll();
      request.onsuccess = () => resolve(request.result as unknown[]);
    });
    db.close();
    return all.flat().length;
  });
}

const waitFor = async (condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> => {
  await until(condition, what, timeoutMs, 100);
};

async function openSignedIn(page: Page, room = alias, marker = 'hello from bob'): Promise<void> {
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(pages.url(`/test/pages/session.html?hs=${encodeURIComponent(proxy.baseUrl)}&room=${encodeURIComponent(room)}`));
  await page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
  await signInThroughPage(page, proxy.baseUrl, alice);
  await page.getByRole('log').getByText(marker).waitFor(TIMEOUT);
}

describe('the outbox across reloads (real Synapse behind a fault proxy)', () => {
  test('messages typed offline survive a reload and are sent once, in order, when the server is back', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openSignedIn(page);

    proxy.set({ offline: true });
    await type(page, 'reload 1');
    await type(page, 'reload 2');
    await waitFor(async () => (await storedEntries(page)) === 2, 'both messages stored locally');

    assert.deepEqual(await onServer('reload'), [], 'nothing reached the server while offline');
    // The server is reachable again, but this page's retry never gets through: the reload cuts it.
    // (The page must load while the server is up: a session or room whose first load fails shows an error
    // until opened again, which is the session's and room's start, not the outbox.)
    proxy.set({ offline: false, delay: { ...SEND, ms: 60_000 } });
    await page.reload();
    await page.getByRole('log').getByText('hello from bob').waitFor(TIMEOUT);
    proxy.set({ delay: undefined });
    await waitFor(async () => (await onServer('reload')).length >= 2, 'messages arrive after the reload');
    await page.getByRole('log').getByText('reload 2').waitFor(TIMEOUT);
    await waitFor(async () => (await storedEntries(page)) === 0, 'the outbox empties once sent');
    await quietWindow(NO_DUPLICATE_WINDOW_MS);
    assert.deepEqual(await onServer('reload'), ['reload 1', 'reload 2']);
    await context.close();
  });

  test('in an encrypted room too: messages typed offline survive a reload and are sent once, encrypted, in order', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const marker = 'hello in the encrypted room';
    await openSignedIn(page, encryptedAlias, marker);

    proxy.set({ offline: true });
    await type(page, 'e2ee reload 1');
    await type(page, 'e2ee reload 2');
    await waitFor(async () => (await storedEntries(page)) === 2, 'both messages stored locally');
    const SEND_ENCRYPTED = { method: 'PUT', path: '/send/m.room.encrypted/' };
    proxy.set({ offline: false, delay: { ...SEND_ENCRYPTED, ms: 60_000 } });
    await page.reload();
    await page.getByRole('log').getByText(marker).waitFor(TIMEOUT);
    proxy.set({ delay: undefined });
    const fromAlice = async (): Promise<{ type: string }[]> =>
      (await bob.roomMessages(encryptedRoomId, { limit: 100 })).filter((e) => e.sender === alice.userId && e.type.startsWith('m.room.'));
    const sent = async (): Promise<number> => (await fromAlice()).filter((e) => e.type === 'm.room.encrypted').length;
    await waitFor(async () => (await sent()) >= 2, 'both messages reach the server after the reload', 60_000);
    await page.getByRole('log').getByText('e2ee reload 2').waitFor(TIMEOUT);
    await waitFor(async () => (await storedEntries(page)) === 0, 'the outbox empties once sent');
    await quietWindow(NO_DUPLICATE_WINDOW_MS);
    // Exactly two, both encrypted: nothing in the clear, nothing twice.
    assert.equal(await sent(), 2);
    assert.equal((await fromAlice()).filter((e) => e.type === 'm.room.message').length, 0);
    await context.close();
  });

  test('a message whose response was lost before a reload is stored once (same transaction id after the reload)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openSignedIn(page);

    proxy.clearLog();
    proxy.set({ dropResponse: { ...SEND, count: 1 } });
    await type(page, 'lost then reload');
    // The server has it, the page does not know: cut the connection before the page's retry.
    await waitFor(() => Promise.resolve(proxy.log(SEND).some((e) => e.outcome === 'dropped')), 'the response was dropped', 10_000);
    proxy.set({ offline: true });
    await page.reload();
    proxy.set({ offline: false });

    await waitFor(async () => (await storedEntries(page)) === 0, 'the outbox empties once confirmed');
    const attempts = proxy.log(SEND).filter((e) => e.outcome === 'dropped' || e.outcome === 'forwarded');
    const paths = new Set(attempts.map((e) => e.path));
    assert.equal(paths.size, 1, `every attempt used the same transaction id: ${[...paths].join(', ')}`);
    await quietWindow(NO_DUPLICATE_WINDOW_MS);
    assert.deepEqual(await onServer('lost then reload'), ['lost then reload']);
    await context.close();
  });
});
