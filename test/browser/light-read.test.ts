/**
 * The light read path against a real Synapse: a visitor's `<omni-chat open>` paints an open post's
 * latest messages from a guest token and one `/messages` before the engine chunk (engine.ts and
 * matrix-js-sdk) is requested, then hands over to the engine without re-mounting or duplicating tiles,
 * and the engine's live sync shows a new message. A post bound elsewhere shows nothing from the light read.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { lightRead, lightReadCredentials, postRoomAlias, sessionFor, signOut } from '@omnisocial/core';
import { postRoomCreateRequest } from '@omnisocial/core/internal';
import '../../packages/elements/src/components/chat/define.ts';
import type { OmniChatView as OmniChat } from '../../packages/elements/src/components/chat/omni-chat.ts';
import { articles, articleWith, shadow as root } from './dom.ts';

const TIMEOUT = 45_000;
const ENGINE = /\/engine\.ts|matrix-js-sdk/u;

const unique = (): string => crypto.randomUUID().slice(0, 8);
/** When the page started fetching the engine chunk's modules (Infinity while it has not). */
const engineRequestedAt = (): number =>
  Math.min(Infinity, ...performance.getEntriesByType('resource').flatMap((entry) => (ENGINE.test(entry.name) ? [entry.startTime] : [])));

describe('the light read path of <omni-chat open> against a real Synapse', function () {
  this.timeout(180_000);
  let baseUrl: string;
  let serverName: string;
  let bob: TestUser;
  let carol: TestUser;

  before(async () => {
    ({ baseUrl, serverName } = await homeserver());
    bob = await registerUser({ displayName: 'Bob' });
    carol = await registerUser({ displayName: 'Bob' });
    await signOut();
  });

  async function openPost(post: string, messages: readonly [TestUser, string][]): Promise<string> {
    const alias = postRoomAlias(post, { serverName });
    const { room_id: roomId } = (await peer(bob).request(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, alias, bob.userId),
    )) as { room_id: string };
    await peer(carol).joinRoom(roomId);
    for (const [user, body] of messages) await peer(user).sendMessage(roomId, body);
    return roomId;
  }

  it('paints the latest messages before the engine chunk is requested, then hands over to the live engine', async () => {
    expect(engineRequestedAt(), 'the engine was loaded before the test').to.equal(Infinity);
    const post = `light-${unique()}`;
    const roomId = await openPost(post, [
      [bob, 'first light message'],
      [carol, 'a reply from the other Bob'],
      [bob, 'latest light message'],
    ]);

    let paintedAt = Infinity;
    const el = await fixture<OmniChat>(html`<omni-chat-view homeserver=${baseUrl} post=${post} post-title="Light" open></omni-chat-view>`);
    // The view renders into its shadow root: note the moment the latest message's tile is in it.
    const check = (): void => {
      if (paintedAt === Infinity && articleWith(el, 'latest light message')) paintedAt = performance.now();
    };
    const observer = new MutationObserver(check);
    observer.observe(root(el), { childList: true, subtree: true, characterData: true });
    check();
    await waitUntil(() => paintedAt < Infinity, 'the light read painted nothing', { timeout: TIMEOUT });
    observer.disconnect();
    expect(engineRequestedAt(), 'the engine chunk was requested before the first paint').to.be.greaterThan(paintedAt);

    // Same names as the engine shows: two members called Bob are told apart.
    expect(articleWith(el, 'a reply from the other Bob')?.textContent).to.include(`Bob (${carol.userId})`);
    expect(articleWith(el, 'first light message')?.textContent).to.include(`Bob (${bob.userId})`);
    const firstTile = articleWith(el, 'first light message');
    const keysBefore = articles(el).map((a) => a.dataset['key']);
    expect(keysBefore.every((key) => key?.startsWith('$'))).to.equal(true);
    expect(root(el).querySelector('[part="sign-in-prompt"]')?.textContent).to.include('guest');

    // The engine starts after the paint with the same guest account, and takes over the tiles.
    await waitUntil(() => engineRequestedAt() < Infinity && sessionFor(baseUrl)?.info.guest === true, 'the engine never started', {
      timeout: TIMEOUT,
    });
    const guestId = sessionFor(baseUrl)?.info.userId ?? '';
    const credentials = await lightReadCredentials(baseUrl);
    expect(credentials?.userId, 'the engine registered a second guest').to.equal(guestId);

    await peer(bob).sendMessage(roomId, 'live after the hand-over');
    await waitUntil(() => articleWith(el, 'live after the hand-over'), 'the engine did not show a live message', { timeout: TIMEOUT });
    const keys = articles(el).map((a) => a.dataset['key'] ?? '');
    expect(new Set(keys).size, 'duplicate tiles').to.equal(keys.length);
    for (const body of ['first light message', 'a reply from the other Bob', 'latest light message', 'live after the hand-over']) {
      expect(articles(el).filter((a) => a.textContent.includes(body)).length, body).to.equal(1);
    }
    expect(articleWith(el, 'first light message'), 'the tile was re-mounted at the hand-over').to.equal(firstTile);
    await expect(el).to.be.accessible();
  });

  it('reads nothing from a room whose binding names another post, and reports a post nobody wrote about as absent', async () => {
    const post = `bound-elsewhere-${unique()}`;
    const alias = postRoomAlias(post, { serverName });
    // A room made for another post, given this post's alias.
    const { room_id: roomId } = (await peer(bob).request(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: `other-${unique()}`, open: true }, alias, bob.userId),
    )) as { room_id: string };
    await peer(bob).sendMessage(roomId, 'not about this post');
    const credentials = await lightReadCredentials(baseUrl);
    if (!credentials) throw new Error('no guest credentials');
    const mismatch = await lightRead(baseUrl, { id: post, open: true }, credentials);
    expect(mismatch.status).to.equal('mismatch');
    expect('items' in mismatch).to.equal(false);

    const absent = await lightRead(baseUrl, { id: `nobody-${unique()}`, open: true }, credentials);
    expect(absent.status).to.equal('absent');

    const readablePost = `readable-${unique()}`;
    const readableRoom = await openPost(readablePost, [[bob, 'hello, guest']]);
    const ready = await lightRead(baseUrl, { id: readablePost, open: true }, credentials);
    if (ready.status !== 'ready') throw new Error(`expected the post to be read, got ${ready.status}`);
    expect(ready.roomId).to.equal(readableRoom);
    expect(ready.items.flatMap((item) => (item.kind === 'message' ? [item.body] : []))).to.deep.equal(['hello, guest']);
  });
});
