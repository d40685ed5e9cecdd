/**
 * Encrypted history for newcomers (MSC4268, docs/encryption.md "History for newcomers"), each member in
 * their own browser context against a real Synapse. In a members-only (encrypted) post discussion, Alice
 * writes, Bob joins later and reads her message, Bob writes, then Carol joins and reads both earlier
 * messages as text: the keys came as key bundles from the members online (their widgets shared them),
 * and Synapse's database holds none of the words. In an encrypted room whose history is visible only
 * from joining (`joined`), the same steps give Carol nothing: no bundle, no key to any earlier message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { messagesIn, sendWithEnter } from '../support/page.ts';
import { databaseContains, storedRoomEvents } from '../support/synapse-db.ts';
import { quietWindow, until } from '../support/wait.ts';

const TIMEOUT = 120_000;

interface HistoryWindow {
  omni: {
    signedIn: Promise<void>;
    heldSessions(roomId: string): Promise<string[]>;
    joinedRoomId(): Promise<string | undefined>;
    bundles: { sender: string; roomId: unknown }[];
  };
}

const started = Date.now();
const step = (what: string): void => console.error(`# ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);

describe('encrypted history for members who join later', { timeout: 900_000 }, () => {
  let hs: Homeserver;
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof servePages>>;
  let alice: Peer;
  let bob: Peer;
  let carol: Peer;
  let dave: Peer;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const tag = crypto.randomUUID().slice(0, 8);
  /** How long the newcomer waited for the members' keys in the shared room (the negative case waits longer). */
  let bundleDelayMs = 0;

  before(async () => {
    [hs, browser, pages] = await Promise.all([startSynapse(), launchChromium(), servePages()]);
    [alice, bob, carol, dave] = await Promise.all([
      hs.registerUser({ displayName: 'Alice' }),
      hs.registerUser({ displayName: 'Bob' }),
      hs.registerUser({ displayName: 'Carol' }),
      hs.registerUser({ displayName: 'Dave' }),
    ]);
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser.close();
    await pages.close();
    await hs.stop();
  });

  /** A member's own browser (own IndexedDB crypto store) on the test page, signed in as it loads. */
  async function open(member: Peer, query: Record<string, string>): Promise<{ page: Page; log: Locator }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`${member.username}: ${error.message}`));
    if (process.env['OMNI_TEST_VERBOSE']) page.on('console', (message) => console.error(`# [${member.username}] ${message.text()}`));
    const search = new URLSearchParams({ hs: hs.baseUrl, user: member.username, password: member.password, ...query });
    await page.goto(pages.url(`/test/pages/history.html?${search.toString()}`));
    await page.waitForFunction(() => 'omni' in window, undefined, { timeout: TIMEOUT });
    await page.evaluate(async () => (window as unknown as HistoryWindow).omni.signedIn);
    step(`${member.username}: signed in`);
    return { page, log: page.getByRole('log') };
  }

  const send = (page: Page, body: string): Promise<void> => sendWithEnter(page, body, TIMEOUT);
  const sent = (page: Page, body: string): Promise<void> => messagesIn(page, body).locator('time.sent').waitFor({ timeout: TIMEOUT });
  const heldSessions = (page: Page, roomId: string): Promise<string[]> =>
    page.evaluate(async (id) => (window as unknown as HistoryWindow).omni.heldSessions(id), roomId);
  const bundles = (page: Page): Promise<{ sender: string; roomId: unknown }[]> =>
    page.evaluate(() => [...(window as unknown as HistoryWindow).omni.bundles]);

  /** The megolm session of each stored message of the room (Synapse keeps only the ciphertext). */
  async function storedSessions(roomId: string): Promise<string[]> {
    const events = await storedRoomEvents(hs.configDir, roomId);
    return events
      .filter((event) => event.type === 'm.room.encrypted')
      .map((event) => (JSON.parse(event.json) as { content: { session_id?: string } }).content.session_id ?? '');
  }

  test('in a members-only post, a newcomer reads what Alice and Bob wrote before; Synapse stores no plaintext', async () => {
    const post = `history-${tag}`;
    const fromAlice = `alice wrote this first ${tag}`;
    const fromBob = `bob answered before carol came ${tag}`;

    const a = await open(alice, { post });
    await send(a.page, fromAlice);
    await sent(a.page, fromAlice);
    const roomId = await until(
      () => a.page.evaluate(() => (window as unknown as HistoryWindow).omni.joinedRoomId()),
      "Alice's post room",
      TIMEOUT,
    );
    step('Alice wrote; the post room exists');

    // Bob joins after Alice wrote: his device never got her key, Alice's widget shares it with him.
    const b = await open(bob, { post });
    await messagesIn(b.page, fromAlice).waitFor({ timeout: TIMEOUT });
    step('Bob, who joined later, reads Alice');
    await send(b.page, fromBob);
    await messagesIn(a.page, fromBob).waitFor({ timeout: TIMEOUT });

    // Carol comes last, while both are online.
    const carolArrives = Date.now();
    const c = await open(carol, { post });
    await messagesIn(c.page, fromAlice).waitFor({ timeout: TIMEOUT });
    await messagesIn(c.page, fromBob).waitFor({ timeout: TIMEOUT });
    bundleDelayMs = Date.now() - carolArrives;
    step(`Carol reads both earlier messages (${bundleDelayMs} ms after her page opened)`);

    // As text in the element, with their senders, not as a placeholder.
    assert.match((await messagesIn(c.page, fromAlice).textContent()) ?? '', /Alice/u);
    assert.match((await messagesIn(c.page, fromBob).textContent()) ?? '', /Bob/u);
    assert.equal(await c.log.getByText('Waiting for the keys to this message').count(), 0);
    // Read on a member's word (MSC4268): each says who shared its keys; Alice read Bob's first-hand.
    for (const words of [fromAlice, fromBob]) {
      await messagesIn(c.page, words)
        .getByText(/Shared by (Alice|Bob)/u)
        .waitFor({ timeout: TIMEOUT });
      step(`Carol: "${words}" has trust ${(await messagesIn(c.page, words).getAttribute('data-trust')) ?? 'none'}`);
      assert.notEqual(await messagesIn(c.page, words).getAttribute('data-trust'), 'verified');
    }
    assert.equal(await messagesIn(a.page, fromBob).getByText('Shared by').count(), 0);

    // The keys came as MSC4268 key bundles from the members, for this room, and Carol holds every session used.
    const received = await bundles(c.page);
    assert.ok(received.length > 0, 'a key bundle reached Carol');
    assert.ok(
      received.every((bundle) => bundle.roomId === roomId && [alice.userId, bob.userId].includes(bundle.sender)),
      JSON.stringify(received),
    );
    const used = await storedSessions(roomId);
    assert.ok(used.length >= 2, 'the messages are stored encrypted');
    const held = new Set(await heldSessions(c.page, roomId));
    for (const session of used) assert.ok(held.has(session), `Carol holds session ${session}`);

    // And she can answer; the others read her.
    await send(c.page, `carol is here ${tag}`);
    await messagesIn(a.page, `carol is here ${tag}`).waitFor({ timeout: TIMEOUT });

    for (const words of [fromAlice, fromBob, `carol is here ${tag}`]) {
      assert.equal(await databaseContains(hs.configDir, words), false, `Synapse's database holds "${words}"`);
    }
    assert.deepEqual(errors, []);
  });

  test('in a room whose history is visible only from joining, the newcomer gets no earlier keys', async () => {
    const before1 = `said before dave joined ${tag}`;
    const before2 = `also before dave ${tag}`;
    const { roomId } = await alice.createRoom({
      name: 'Joined-only history',
      preset: 'public_chat',
      encrypted: true,
      initialState: [{ type: 'm.room.history_visibility', content: { history_visibility: 'joined' } }],
    });
    const a = await open(alice, { room: roomId });
    await send(a.page, before1);
    await sent(a.page, before1);
    const b = await open(bob, { room: roomId });
    await send(b.page, before2);
    await messagesIn(a.page, before2).waitFor({ timeout: TIMEOUT });
    step('Alice and Bob wrote in the joined-only room');

    const d = await open(dave, { room: roomId });
    const afterwards = `dave writes after joining ${tag}`;
    await send(d.page, afterwards);
    await messagesIn(a.page, afterwards).waitFor({ timeout: TIMEOUT });
    await messagesIn(b.page, afterwards).waitFor({ timeout: TIMEOUT });
    // Alice and Bob have seen Dave join and write; give a share at least twice the time it took in the shared room.
    await quietWindow(Math.max(15_000, 2 * bundleDelayMs));

    assert.deepEqual(await bundles(d.page), [], 'no key bundle was sent to Dave');
    const earlier = (await storedSessions(roomId)).slice(0, 2);
    const held = new Set(await heldSessions(d.page, roomId));
    for (const session of earlier) assert.equal(held.has(session), false, `Dave holds the earlier session ${session}`);
    assert.equal(await messagesIn(d.page, before1).count(), 0);
    assert.equal(await messagesIn(d.page, before2).count(), 0);
    for (const words of [before1, before2, afterwards]) {
      assert.equal(await databaseContains(hs.configDir, words), false, `Synapse's database holds "${words}"`);
    }
    assert.deepEqual(errors, []);
  });
});
