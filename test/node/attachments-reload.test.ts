/**
 * A file being uploaded survives a reload: kept in IndexedDB, uploaded again after the reload (the first
 * upload never reached the server: the reload cut it), and sent as one event. A real Synapse behind the
 * fault proxy, the page driven as a member would (pick a file, Send, reload).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { signInThroughPage } from '../support/page.ts';
import { quietWindow, until } from '../support/wait.ts';

const TIMEOUT = { timeout: 30_000 };
const UPLOAD = { method: 'POST', path: '/media/v3/upload' };
const NO_DUPLICATE_WINDOW_MS = 1_000;

let browser: Browser;
let pages: Awaited<ReturnType<typeof servePages>>;
let hs: Homeserver;
let proxy: FaultProxy;
let alice: Peer;
let bob: Peer;
let roomId: string;
let alias: string;

before(async () => {
  [browser, pages, hs] = await Promise.all([launchChromium(), servePages(), startSynapse()]);
  proxy = await startFaultProxy(hs.baseUrl);
  [alice, bob] = await Promise.all([hs.registerUser({ displayName: 'Alice' }), hs.registerUser({ displayName: 'Bob' })]);
  const created = await bob.createRoom({ alias: 'files', name: 'Files', preset: 'public_chat' });
  roomId = created.roomId;
  alias = created.alias ?? '';
  await alice.joinRoom(roomId);
  await bob.sendMessage(roomId, 'hello from bob');
});

after(async () => {
  await browser.close();
  await pages.close();
  await proxy.close();
  await hs.stop();
});

/** Records in the outbox's IndexedDB store (entries lists and kept files). */
function storedRecords(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('omni-chat-outbox');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('no database'));
    });
    if (!db.objectStoreNames.contains('outbox')) return 0;
    const count = await new Promise<number>((resolve) => {
      const request = db.transaction('outbox').objectStore('outbox').count();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return count;
  });
}

describe('attachments across reloads (real Synapse behind a fault proxy)', () => {
  test('a reload during an upload keeps the file, uploads it again and sends it once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
    await page.goto(pages.url(`/test/pages/session.html?hs=${encodeURIComponent(proxy.baseUrl)}&room=${encodeURIComponent(alias)}`));
    await page.getByRole('button', { name: 'Sign in' }).waitFor(TIMEOUT);
    await signInThroughPage(page, proxy.baseUrl, alice);
    await page.getByRole('log').getByText('hello from bob').waitFor(TIMEOUT);

    // The upload is held at the proxy: it never reaches the server before the reload cuts it.
    proxy.set({ delay: { ...UPLOAD, ms: 60_000 } });
    const bytes = Buffer.from('kept across the reload\n'.repeat(1_000));
    await page.locator('input.file-picker').setInputFiles({ name: 'kept.txt', mimeType: 'text/plain', buffer: bytes });
    await page.getByRole('list', { name: 'Files to send' }).getByText('kept.txt').waitFor(TIMEOUT);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('progressbar', { name: 'Uploading kept.txt' }).waitFor(TIMEOUT);
    // The entry and its file are stored before anything else happens.
    await until(async () => (await storedRecords(page)) === 2, 'the entry and its file stored locally', 30_000, 100);

    await page.reload();
    await page.getByRole('log').getByText('hello from bob').waitFor(TIMEOUT);
    proxy.set({ delay: undefined });
    const fromAlice = async (): Promise<Record<string, unknown>[]> =>
      (await bob.roomMessages(roomId, { limit: 100 }))
        .filter((e) => e.sender === alice.userId && e.type === 'm.room.message')
        .map((e) => e.content);
    await until(async () => (await fromAlice()).length >= 1, 'the file is sent after the reload', 30_000, 100);
    await until(async () => (await storedRecords(page)) === 0, 'the outbox and its file are let go once sent', 30_000, 100);
    await quietWindow(NO_DUPLICATE_WINDOW_MS);

    const events = await fromAlice();
    assert.equal(events.length, 1, 'one event');
    const [content] = events as [Record<string, unknown>];
    assert.equal(content['msgtype'], 'm.file');
    assert.equal(content['filename'], 'kept.txt');
    const [serverName, mediaId] = String(content['url']).slice('mxc://'.length).split('/');
    const response = await fetch(`${hs.baseUrl}/_matrix/client/v1/media/download/${serverName}/${mediaId}`, {
      headers: { Authorization: `Bearer ${bob.accessToken}` },
    });
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes, 'the file arrived whole');
    assert.equal(proxy.log(UPLOAD).filter((entry) => entry.outcome === 'forwarded').length, 1, 'one upload reached the server');
    await context.close();
  });
});
