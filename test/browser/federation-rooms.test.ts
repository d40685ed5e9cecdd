/**
 * Rooms across federation (two Synapses over loopback TLS, the harness's `startFederation()`), driven in the
 * element: a member of server B reads and writes in server A's post discussion, open and encrypted (opened
 * by the post's alias on A, joined over federation); remote members' display names and avatars (served by
 * their own server, fetched through the member's server as authenticated media); server B going down
 * while a member of A writes, and coming back: every message arrives on B once, in order; a server ACL
 * (`m.room.server_acl`) set on A shutting B's member out.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import {
  killHomeserver,
  peer,
  registerUser,
  restartHomeserver,
  startFederation,
  startNioPeer,
  type FederatedHomeserver,
  type RemoteNioPeer,
  type TestUser,
} from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/core';
import { postRoomAlias, postRoomCreateRequest } from '@omnisocial/core/internal';
import '../../packages/elements/src/components/room/define.ts';
import type { OmniRoomView } from '../../packages/elements/src/components/room/omni-room.ts';
import { articles, articleWith, decoded, deepText, pngBytes, quietWindow, typeAndSend } from './dom.ts';

const TIMEOUT = 90_000;
/** How long a message B's server queued for A is given to arrive before its absence counts. */
const ACL_DELIVERY_WINDOW_MS = 5_000;
const unique = (): string => crypto.randomUUID().slice(0, 8);

/** Creates a post's discussion room on A as its creator would, with its alias on A. */
async function postRoomOnA(creator: TestUser, a: FederatedHomeserver, open: boolean): Promise<{ roomId: string; alias: string }> {
  const post = `fed-${open ? 'open' : 'closed'}-${unique()}`;
  const alias = postRoomAlias(post, { serverName: a.serverName });
  const { room_id: roomId } = (await peer(creator).request(
    'POST',
    '/_matrix/client/v3/createRoom',
    postRoomCreateRequest({ id: post, open, title: `Post ${post}` }, alias, creator.userId),
  )) as { room_id: string };
  return { roomId, alias };
}

function mount(baseUrl: string, room: string): Promise<OmniRoomView> {
  return fixture<OmniRoomView>(html`<omni-room-view homeserver=${baseUrl} room=${room}></omni-room-view>`);
}

describe('rooms across federation (two Synapses over loopback TLS)', function () {
  this.timeout(400_000);
  let a: FederatedHomeserver;
  let b: FederatedHomeserver;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    ({ a, b } = await startFederation());
    alice = await registerUser({ server: a.baseUrl, displayName: 'Alice of A' });
    bob = await registerUser({ server: b.baseUrl, displayName: 'Bob of B' });
    // Bob's avatar lives on B; members of A see it through A, which fetches it from B over federation.
    const avatar = await peer(bob).upload(await pngBytes(48, 48, '#2b8a3e'), 'image/png', 'bob.png');
    expect(avatar.startsWith(`mxc://${b.serverName}/`)).to.equal(true);
    await peer(bob).setAvatarUrl(avatar);
  });

  afterEach(async () => {
    await signOut();
  });

  /** An open post room on A that Bob of B joined and wrote `first` in, open in Alice's element on A once it shows `first`. */
  async function aliceWatchingWithBob(first: string): Promise<{ roomId: string; alias: string; el: OmniRoomView }> {
    const { roomId, alias } = await postRoomOnA(alice, a, true);
    await peer(bob).joinRoom(alias);
    await peer(bob).sendMessage(roomId, first);
    await signIn({ homeserver: a.baseUrl, username: alice.username, password: alice.password });
    const el = await mount(a.baseUrl, alias);
    await waitUntil(() => articleWith(el, first), `Bob's "${first}" never showed on A`, { timeout: TIMEOUT });
    return { roomId, alias, el };
  }

  it("a member of B reads and writes in A's open post discussion", async () => {
    const { roomId, alias } = await postRoomOnA(alice, a, true);
    await signIn({ homeserver: b.baseUrl, username: bob.username, password: bob.password });
    const el = await mount(b.baseUrl, alias);
    await typeAndSend(el, 'hello from B', TIMEOUT);
    await waitUntil(() => articleWith(el, 'hello from B')?.dataset['eventId'], 'not sent', { timeout: TIMEOUT });
    const arrived = await peer(alice).waitForMessage(roomId, { sender: bob.userId, body: 'hello from B' }, TIMEOUT);
    expect(arrived.sender.endsWith(`:${b.serverName}`)).to.equal(true);
    await peer(alice).sendMessage(roomId, 'answer from A');
    await waitUntil(() => articleWith(el, 'answer from A'), "A's answer never reached B's member", { timeout: TIMEOUT }).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}; the view shows: ${deepText(el)}`);
      },
    );
    // The remote author's display name, from A's member event.
    expect(articleWith(el, 'answer from A')?.textContent).to.include('Alice of A');
    await expect(el).to.be.accessible();
  });

  it("a member of B who joined A's discussion sees what was written before the join (backfilled from A)", async () => {
    const { roomId, alias } = await postRoomOnA(alice, a, true);
    const before = ['written on A before B came 1', 'written on A before B came 2'];
    for (const body of before) await peer(alice).sendMessage(roomId, body);
    // B's server has the room from the join on; the history lives on A.
    await peer(bob).joinRoom(alias);
    await peer(bob).sendMessage(roomId, 'B has joined');
    await signIn({ homeserver: b.baseUrl, username: bob.username, password: bob.password });
    const el = await mount(b.baseUrl, alias);
    await waitUntil(() => articleWith(el, 'B has joined'), "B's own message never showed", { timeout: TIMEOUT });
    await waitUntil(() => before.every((body) => articleWith(el, body)), 'the history from before the join never showed', {
      timeout: TIMEOUT,
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}; the view shows: ${deepText(el)}`);
    });
    // In the order written, before the member's own message, and each once.
    const order = articles(el)
      .map((x) => x.textContent)
      .filter((text) => text.includes('before B came') || text.includes('B has joined'));
    expect(order.map((text) => (text.includes('came 1') ? 1 : text.includes('came 2') ? 2 : 3))).to.deep.equal([1, 2, 3]);
    expect(articleWith(el, before[0] ?? '')?.textContent).to.include('Alice of A');
  });

  it("a member of B reads and writes in A's encrypted post discussion; a member of A in nio decrypts and answers", async () => {
    const dave = await registerUser({ server: a.baseUrl, displayName: 'Dave of A' });
    const nio: RemoteNioPeer = await startNioPeer();
    try {
      await nio.login({ homeserver: a.baseUrl, user: dave.userId, password: dave.password, device: `NIOA${unique()}` });
      const { roomId, alias } = await postRoomOnA(dave, a, false);
      await nio.join({ room: roomId });
      await signIn({ homeserver: b.baseUrl, username: bob.username, password: bob.password });
      const el = await mount(b.baseUrl, alias);
      await typeAndSend(el, 'encrypted hello from B', TIMEOUT);
      await waitUntil(() => articleWith(el, 'encrypted hello from B')?.dataset['eventId'], 'not sent', { timeout: TIMEOUT });
      let received: Awaited<ReturnType<RemoteNioPeer['waitMessage']>> | undefined;
      // A test-runner command must answer within 20 s; federation may take longer, so the wait is repeated.
      for (let tries = 0; !received && tries < 6; tries++)
        received = await nio.waitMessage({ room: roomId, body: 'encrypted hello from B', timeout: 15 }).catch(() => undefined);
      if (!received) throw new Error('nio on A never received the encrypted message from B');
      expect(received.sender).to.equal(bob.userId);
      expect(received.decrypted).to.equal(true);
      await nio.send({ room: roomId, body: 'encrypted answer from A' });
      await waitUntil(() => articleWith(el, 'encrypted answer from A'), "A's encrypted answer never decrypted on B", { timeout: TIMEOUT });
      expect(articleWith(el, 'encrypted answer from A')?.textContent).to.include('Dave of A');
      // A stores only ciphertext of what B's member wrote.
      const onA = await peer(dave).roomMessages(roomId, { limit: 50 });
      expect(onA.some((m) => m.sender === bob.userId && m.type === 'm.room.encrypted')).to.equal(true);
      expect(JSON.stringify(onA)).to.not.include('encrypted hello from B');
    } finally {
      await nio.close();
    }
  });

  it("shows a remote member's display name and avatar (media from B, fetched through A)", async () => {
    const { el } = await aliceWatchingWithBob('Bob of B, with an avatar');
    const tile = articleWith(el, 'Bob of B, with an avatar');
    expect(tile?.querySelector('.sender')?.textContent).to.equal('Bob of B');
    await waitUntil(() => tile?.querySelector('.avatar img'), "Bob's remote avatar never appeared", { timeout: TIMEOUT });
    const image = await decoded(tile?.querySelector<HTMLImageElement>('.avatar img') as HTMLImageElement, TIMEOUT);
    expect(image.naturalWidth).to.be.greaterThan(0);
    expect(image.src).to.match(/^blob:/);
  });

  it('server B goes down while a member of A writes; when it is back every message arrives once, in order', async () => {
    const { roomId, el } = await aliceWatchingWithBob('B is here');

    await killHomeserver(b.baseUrl);
    const typed = ['while B was down 1', 'while B was down 2', 'while B was down 3'];
    for (const body of typed) {
      await typeAndSend(el, body, TIMEOUT);
      // A accepts each at once: the element sends to its own server, which queues it for B.
      await waitUntil(() => articleWith(el, body)?.dataset['eventId'], `A did not accept "${body}"`, { timeout: TIMEOUT });
    }
    await restartHomeserver(b.baseUrl);

    // B's member sees them all, once each, in the order typed.
    const onB = async (): Promise<string[]> =>
      (await peer(bob).roomMessages(roomId, { limit: 50, dir: 'b' }))
        .filter((m) => m.type === 'm.room.message' && typed.includes(String(m.content['body'])))
        .map((m) => String(m.content['body']));
    await waitUntil(async () => (await onB()).length >= typed.length, 'the messages typed while B was down never reached B', {
      timeout: TIMEOUT,
      interval: 1_000,
    }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; B has ${JSON.stringify(await onB())}`);
    });
    expect(await onB()).to.deep.equal(typed);
    // And B's member is heard again on A, shown once.
    await peer(bob).sendMessage(roomId, 'B is back');
    await waitUntil(() => articleWith(el, 'B is back'), "B's message after the restart never showed on A", { timeout: TIMEOUT });
    expect(articles(el).filter((x) => x.textContent.includes('while B was down')).length).to.equal(typed.length);
  });

  it("a server ACL from A denying B: B's member is no longer heard on A, and still hears A", async () => {
    const { roomId, el } = await aliceWatchingWithBob('B before the ACL');

    // ACLs match server names without their port: B is `127.0.0.1:<port>`, A is `localhost:<port>`.
    const host = b.serverName.slice(0, b.serverName.lastIndexOf(':'));
    expect(a.serverName.startsWith(`${host}:`)).to.equal(false);
    await peer(alice).sendState(roomId, 'm.room.server_acl', '', { allow: ['*'], deny: [host], allow_ip_literals: true });
    await peer(bob).waitForMessage(roomId, { type: 'm.room.server_acl' }, TIMEOUT);
    await peer(bob).sendMessage(roomId, 'B after the ACL');
    await typeAndSend(el, 'A after the ACL', TIMEOUT);
    // B still hears A; A's member never sees what B's member wrote after the ACL.
    await peer(bob).waitForMessage(roomId, { body: 'A after the ACL' }, TIMEOUT);
    await quietWindow(ACL_DELIVERY_WINDOW_MS);
    expect(articleWith(el, 'B after the ACL')).to.equal(undefined);
    expect(articleWith(el, 'B before the ACL')).to.not.equal(undefined);
  });
});
