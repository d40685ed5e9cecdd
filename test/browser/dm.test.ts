/**
 * <omni-dm user="…"> (its view, omni-dm-view) against a real Synapse: opening a conversation creates
 * nothing; the first message creates an encrypted trusted private chat with `is_direct`, the other
 * member invited and `m.direct` updated; an independent client (matrix-nio + libolm) as the other member
 * accepts, reads the decrypted message and replies, and the reply shows decrypted; reopening finds the
 * same room; an invitation from the other member is found and accepted; bad user ids are refused
 * without creating anything; messages typed before the DM exists survive a reload and are sent once.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import {
  homeserver,
  peer,
  registerUser,
  resetProxy,
  setProxy,
  startNioPeer,
  startProxy,
  stopProxy,
  type MatrixEvent,
  type RemoteNioPeer,
  type TestUser,
} from '@omnisocial/testing/browser';
import { signIn, signOut, type RoomSnapshot } from '@omnisocial/core';
import { outboxStorage } from '@omnisocial/core/internal';
import { directRoomCreateRequest } from '@omnisocial/core/internal/dm';
import { login, startSession } from '@omnisocial/core/internal/engine';
import '../../packages/elements/src/components/dm/define.ts';
import type { OmniDmView } from '../../packages/elements/src/components/dm/omni-dm.ts';
import type { OmniDmCreatedEvent, OmniErrorEvent } from '../../packages/elements/src/events.ts';
import { articleWith, deepText, quietWindow, shadow, textbox, typeAndSend as sendMessage } from './dom.ts';

const TIMEOUT = 60_000;
/** How long a stray second copy of a sent message (a retry that also landed) is given to show up before counting. */
const NO_DUPLICATE_WINDOW_MS = 1_000;
let baseUrl: string;
let serverName: string;

const root = shadow;
const unique = (): string => crypto.randomUUID().slice(0, 8);
const e = encodeURIComponent;

const typeAndSend = (el: OmniDmView, body: string): Promise<void> => sendMessage(el, body, TIMEOUT);

function mount(user: string): Promise<OmniDmView> {
  return fixture<OmniDmView>(html`<omni-dm-view homeserver=${baseUrl} user=${user}></omni-dm-view>`);
}

/** A client-server call as `user`, its answer typed by the caller. */
async function call<T>(user: TestUser, method: string, path: string, body?: unknown): Promise<T> {
  return (await (body === undefined ? peer(user).request(method, path) : peer(user).request(method, path, body))) as T;
}

/** The member's `m.direct` as the server holds it, or undefined when it was never written. */
async function directOf(user: TestUser): Promise<Record<string, string[]> | undefined> {
  try {
    return await call<Record<string, string[]>>(user, 'GET', `/_matrix/client/v3/user/${e(user.userId)}/account_data/m.direct`);
  } catch (error) {
    if (error instanceof Error && error.message.includes('M_NOT_FOUND')) return undefined;
    throw error;
  }
}

async function joinedRooms(user: TestUser): Promise<string[]> {
  const { joined_rooms: rooms } = await call<{ joined_rooms: string[] }>(user, 'GET', '/_matrix/client/v3/joined_rooms');
  return rooms;
}

type StateEvent = MatrixEvent & { state_key: string };

describe('<omni-dm-view> (the view of <omni-dm user>) against a real Synapse', function () {
  // Creating encrypted rooms and starting crypto on a loaded two-core machine takes a while.
  this.timeout(240_000);
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let nio: RemoteNioPeer;
  let dmRoom: string;
  const tag = unique();

  before(async () => {
    ({ baseUrl, serverName } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    carol = await registerUser({ displayName: 'Carol' });
    nio = await startNioPeer();
    // Bob's nio device exists before Alice writes, so her room key is shared with it.
    await nio.login({ homeserver: baseUrl, user: bob.userId, password: bob.password, device: `NIODM${tag}` });
  });

  after(async () => {
    await nio.close();
    await signOut();
  });

  it('creates nothing on opening; the first message creates the encrypted DM (is_direct, Bob invited, m.direct); nio accepts, reads and replies', async () => {
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await mount(bob.userId);
    await waitUntil(() => deepText(el).includes('Say hello to Bob — messages are end-to-end encrypted'), 'no inviting empty state', {
      timeout: TIMEOUT,
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}; the view shows: ${deepText(el)}`);
    });
    const header = root(el).querySelector('[part="header"]');
    expect(header?.textContent).to.include('Bob');
    expect(root(el).querySelector('[part="encryption"]')?.textContent).to.include('End-to-end encrypted');
    await expect(el).to.be.accessible();
    // Looking created nothing.
    expect(await joinedRooms(alice)).to.deep.equal([]);
    expect(await directOf(alice)).to.equal(undefined);

    const created = new Promise<OmniDmCreatedEvent>((resolve) => el.addEventListener('omni-dm-created', resolve, { once: true }));
    const first = `hello bob ${tag}`;
    await typeAndSend(el, first);
    const event = await created;
    dmRoom = event.roomId;
    expect(event.userId).to.equal(bob.userId);
    expect(await joinedRooms(alice)).to.deep.equal([dmRoom]);
    expect(await directOf(alice)).to.deep.equal({ [bob.userId]: [dmRoom] });

    const state = await call<StateEvent[]>(alice, 'GET', `/_matrix/client/v3/rooms/${e(dmRoom)}/state`);
    const of = (type: string, key = ''): Record<string, unknown> | undefined =>
      state.find((s) => s.type === type && s.state_key === key)?.content;
    expect(of('m.room.encryption')?.['algorithm']).to.equal('m.megolm.v1.aes-sha2');
    expect(of('m.room.join_rules')?.['join_rule']).to.equal('invite');
    expect(of('m.room.member', bob.userId)).to.include({ membership: 'invite', is_direct: true });
    await waitUntil(() => articleWith(el, first)?.dataset['eventId'], 'the first message was not sent', { timeout: TIMEOUT });

    // Bob, in an independent client, accepts and reads the decrypted message, then replies.
    await nio.join({ room: dmRoom });
    const received = await nio.waitMessage({ room: dmRoom, body: first, timeout: 60 });
    expect(received.sender).to.equal(alice.userId);
    expect(received.decrypted, 'nio decrypted it (it was sent encrypted)').to.equal(true);
    expect(await nio.trust({ user: alice.userId })).to.be.greaterThan(0);
    const reply = `hi alice ${tag}`;
    await nio.send({ room: dmRoom, body: reply });
    await waitUntil(() => articleWith(el, reply), 'the element never showed the decrypted reply', { timeout: TIMEOUT });

    // The homeserver holds only ciphertext for both messages.
    const messages = await peer(alice).roomMessages(dmRoom, { limit: 50 });
    const sent = messages.filter((m) => m.type === 'm.room.encrypted' || m.type === 'm.room.message');
    expect(sent.map((m) => m.type)).to.deep.equal(['m.room.encrypted', 'm.room.encrypted']);
    for (const message of messages) {
      expect(JSON.stringify(message)).to.not.include(first);
      expect(JSON.stringify(message)).to.not.include(reply);
    }
  });

  it('reopening finds the same room, in this session and after signing in again', async () => {
    const el = await mount(bob.userId);
    await waitUntil(() => articleWith(el, `hi alice ${tag}`), 'the reopened conversation lacks the reply', { timeout: TIMEOUT });
    el.remove();
    await signOut();
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const again = await mount(bob.userId);
    const more = `again ${tag}`;
    await waitUntil(() => root(again).querySelector('[role="log"]'), 'the conversation did not open', { timeout: TIMEOUT });
    await typeAndSend(again, more);
    const events = async (): Promise<MatrixEvent[]> => peer(alice).roomMessages(dmRoom, { limit: 50 });
    await waitUntil(
      async () => (await events()).filter((m) => m.type === 'm.room.encrypted').length === 3,
      'the message did not reach the same room',
      {
        timeout: TIMEOUT,
      },
    );
    expect(await joinedRooms(alice)).to.deep.equal([dmRoom]);
    expect(await directOf(alice)).to.deep.equal({ [bob.userId]: [dmRoom] });
  });

  it("finds Carol's direct invitation and accepts it, recording it in m.direct", async () => {
    const { room_id: invited } = await call<{ room_id: string }>(
      carol,
      'POST',
      '/_matrix/client/v3/createRoom',
      directRoomCreateRequest(alice.userId),
    );
    const el = await mount(carol.userId);
    await waitUntil(() => root(el).querySelector('[role="log"]'), 'the invitation was not opened', { timeout: TIMEOUT });
    expect(root(el).querySelector('[part="header"]')?.textContent).to.include('Carol');
    expect((await joinedRooms(alice)).sort()).to.deep.equal([dmRoom, invited].sort());
    expect(await directOf(alice)).to.deep.equal({ [bob.userId]: [dmRoom], [carol.userId]: [invited] });
    const body = `to carol ${tag}`;
    await typeAndSend(el, body);
    await waitUntil(() => articleWith(el, body)?.dataset['eventId'], 'the message to Carol was not sent', { timeout: TIMEOUT });
    const messages = await peer(carol).roomMessages(invited, { limit: 20 });
    expect(messages.some((m) => m.sender === alice.userId && m.type === 'm.room.encrypted')).to.equal(true);
    expect(messages.some((m) => JSON.stringify(m).includes(body))).to.equal(false);
  });

  for (const [label, user, code, words] of [
    ['a malformed user id', 'bob', 'bad-user', 'is not a Matrix user id'],
    ['a user id without a server', '@bob', 'bad-user', 'is not a Matrix user id'],
    ['a user who does not exist', '@nobody-here:SERVER', 'unknown-user', 'There is no user @nobody-here:'],
    ['yourself', 'SELF', 'bad-user', 'You cannot start a direct conversation with yourself.'],
  ] as const) {
    it(`refuses ${label} with a clear error and creates nothing`, async () => {
      const before = await joinedRooms(alice);
      const target = user === 'SELF' ? alice.userId : user.replace('SERVER', serverName);
      const el = document.createElement('omni-dm-view');
      const errors: OmniErrorEvent[] = [];
      el.addEventListener('omni-error', (event) => errors.push(event));
      Object.assign(el, { homeserver: baseUrl, user: target });
      await fixture<OmniDmView>(el);
      await waitUntil(() => errors.length > 0, 'no omni-error', { timeout: TIMEOUT });
      expect(errors[0]?.error.code).to.equal(code);
      expect(root(el).querySelector('[role="alert"]')?.textContent).to.include(words);
      expect(textbox(el), 'no composer for a conversation that cannot exist').to.equal(null);
      expect(await joinedRooms(alice)).to.deep.equal(before);
      expect(Object.keys((await directOf(alice)) ?? {}).sort()).to.deep.equal([bob.userId, carol.userId].sort());
    });
  }

  it('keeps messages typed before the DM exists across a reload and sends them once, in order, when creation is allowed', async () => {
    const dana = await registerUser({ displayName: 'Dana' });
    const erin = await registerUser({ displayName: 'Erin' });
    const { baseUrl: proxy } = await startProxy();
    const hooks = { onTokens: () => undefined, onLoggedOut: () => undefined };
    // Two engine sessions of one stored session, one after the other, as a page and its reload.
    const stored = await login({ homeserver: proxy, username: dana.username, password: dana.password });
    const kept = outboxStorage(dana.userId, `dm:${erin.userId}`);
    const bodies = (snapshot: RoomSnapshot): string[] =>
      snapshot.items.flatMap((item) => (item.kind === 'message' && item.body.startsWith('dm kept') ? [item.body] : []));
    const before = startSession(stored, hooks);
    try {
      const handle = before.openDirectRoom(erin.userId);
      await waitUntil(() => handle.snapshot.status === 'absent', 'the DM is not absent', { timeout: TIMEOUT });
      // The homeserver refuses to create rooms for a while (rate limit far longer than the test).
      await setProxy(proxy, { rateLimit: { method: 'POST', path: '/createRoom', count: 1_000, retryAfterMs: 600_000 } });
      await handle.send('dm kept 1');
      await handle.send('dm kept 2');
      await waitUntil(() => handle.snapshot.error?.code === 'rate-limited', 'creation was not refused', { timeout: TIMEOUT });
      expect(bodies(handle.snapshot)).to.deep.equal(['dm kept 1', 'dm kept 2']);
      await waitUntil(async () => (await kept.load()).length === 2, 'the messages are not stored', { timeout: TIMEOUT });
      handle.release();
    } finally {
      before.stop();
    }
    expect(await joinedRooms(dana)).to.deep.equal([]);

    // The reload: a fresh engine session, nothing in memory; the homeserver allows creation again.
    await resetProxy(proxy);
    const after = startSession(stored, hooks);
    try {
      const handle = after.openDirectRoom(erin.userId);
      let shownBeforeSent = false;
      handle.subscribe((snapshot) => {
        if (snapshot.status !== 'ready' && bodies(snapshot).join() === 'dm kept 1,dm kept 2') shownBeforeSent = true;
      });
      await waitUntil(() => handle.snapshot.status === 'ready', 'the DM was not created after the reload', { timeout: TIMEOUT });
      await waitUntil(async () => (await joinedRooms(dana)).length === 1, 'no DM room', { timeout: TIMEOUT });
      const [roomId = ''] = await joinedRooms(dana);
      const sent = async (): Promise<number> =>
        (await peer(dana).roomMessages(roomId, { limit: 50 })).filter((m) => m.type === 'm.room.encrypted' && m.sender === dana.userId)
          .length;
      await waitUntil(async () => (await sent()) >= 2, 'the kept messages were not sent', { timeout: TIMEOUT });
      await waitUntil(async () => (await kept.load()).length === 0, 'the kept messages were not forgotten once handed over', {
        timeout: TIMEOUT,
      });
      await quietWindow(NO_DUPLICATE_WINDOW_MS);
      expect(await sent(), 'each message is stored once').to.equal(2);
      expect(shownBeforeSent, 'the kept messages were not shown after the reload').to.equal(true);
      // Encrypted on the server: the order is checked in the member's own, decrypted timeline.
      await waitUntil(
        () => bodies(handle.snapshot).join() === 'dm kept 1,dm kept 2',
        `not shown once each, in order: ${bodies(handle.snapshot).join()}`,
        {
          timeout: TIMEOUT,
        },
      );
      handle.release();
    } finally {
      after.stop();
      await stopProxy(proxy);
    }
  });
});
