/**
 * The elements on Synapse as large deployments run it (docs/deploy.md): PostgreSQL, Redis replication, a /sync
 * worker and a read worker behind nginx, every config file from docs/deploy/. Two members, each in a browser of
 * their own, hold an encrypted `<omni-dm>` through the proxy; the requests land where the guide says they do.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSynapseCluster, type Peer, type SynapseCluster } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { messagesIn, send, signInThroughPage } from '../support/page.ts';

const SEEN = { timeout: 60_000 };

let browser: Browser;
let pages: Awaited<ReturnType<typeof servePages>>;
let cluster: SynapseCluster;

before(async () => {
  [browser, pages, cluster] = await Promise.all([launchChromium(), servePages(), startSynapseCluster()]);
  process.stderr.write(`omni: scaled-out Synapse (PostgreSQL, Redis, 2 workers, nginx) started in ${cluster.startupMs} ms\n`);
});

after(async () => {
  await browser.close();
  await pages.close();
  await cluster.stop();
});

async function openDm(member: Peer, other: Peer): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => assert.fail(`page error for ${member.userId}: ${error.message}`));
  await page.goto(pages.url(`/test/pages/dm.html?hs=${encodeURIComponent(cluster.baseUrl)}&user=${encodeURIComponent(other.userId)}`));
  await page.getByRole('button', { name: 'Sign in' }).waitFor(SEEN);
  await signInThroughPage(page, cluster.baseUrl, member);
  return page;
}

describe('Synapse with workers, PostgreSQL and Redis behind nginx', () => {
  test('two members hold an encrypted conversation; /sync is served by the sync worker, key queries by the read worker', async () => {
    const [alice, bob] = await Promise.all([cluster.registerUser({ displayName: 'Alice' }), cluster.registerUser({ displayName: 'Bob' })]);
    const bobPage = await openDm(bob, alice);
    await bobPage.getByText('Say hello to Alice').waitFor(SEEN);
    const alicePage = await openDm(alice, bob);
    await alicePage.getByText('Say hello to Bob').waitFor(SEEN);

    const first = 'Hello Bob, through the workers';
    await send(alicePage, first);
    await messagesIn(bobPage, first).waitFor(SEEN);
    const answer = 'Hello Alice, read from PostgreSQL';
    await send(bobPage, answer);
    await messagesIn(alicePage, answer).waitFor(SEEN);
    // Encrypted on the server: the room holds no plaintext.
    assert.equal(await bobPage.getByText('Waiting for the keys').count(), 0);

    const syncs = await cluster.requestCounts('sync');
    assert.ok((syncs['sync1'] ?? 0) > 0, `the sync worker served /sync: ${JSON.stringify(syncs)}`);
    assert.equal(syncs['main'], 0, `the main process served no /sync: ${JSON.stringify(syncs)}`);
    const keys = await cluster.requestCounts('/keys/query');
    assert.ok((keys['client1'] ?? 0) > 0, `the read worker answered key queries: ${JSON.stringify(keys)}`);
    assert.equal(keys['main'], 0, `the main process answered no key query: ${JSON.stringify(keys)}`);
    const sends = await cluster.requestCounts('/send/m.room.encrypted/');
    assert.ok((sends['main'] ?? 0) >= 2, `the main process took the sends: ${JSON.stringify(sends)}`);
    await Promise.all([alicePage.context().close(), bobPage.context().close()]);
  });

  test('the sync worker crashing and coming back: messages sent meanwhile arrive once, in order', async () => {
    const [carol, dave] = await Promise.all([
      cluster.registerUser({ displayName: 'Carol' }),
      cluster.registerUser({ displayName: 'Dave' }),
    ]);
    const davePage = await openDm(dave, carol);
    await davePage.getByText('Say hello to Carol').waitFor(SEEN);
    const carolPage = await openDm(carol, dave);
    await carolPage.getByText('Say hello to Dave').waitFor(SEEN);
    await send(carolPage, 'Before the crash');
    await messagesIn(davePage, 'Before the crash').waitFor(SEEN);

    const restarted = cluster.crashAndRestart('sync1');
    const during = ['Sent while sync was down 1', 'Sent while sync was down 2'];
    for (const text of during) await send(carolPage, text);
    await restarted;
    for (const text of during) await messagesIn(davePage, text).waitFor(SEEN);
    const shown = await messagesIn(davePage).allInnerTexts();
    const order = during.map((text) => shown.findIndex((tile) => tile.includes(text)));
    assert.ok(order[0] !== undefined && order[1] !== undefined && order[0] < order[1], `in order: ${JSON.stringify(shown)}`);
    for (const text of during) assert.equal(await messagesIn(davePage, text).count(), 1, `"${text}" shown once`);
    await Promise.all([carolPage.context().close(), davePage.context().close()]);
  });
});
