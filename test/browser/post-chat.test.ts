/**
 * <omni-chat post="…"> against a real Synapse: post ids become aliases Synapse accepts, opening a post
 * creates nothing, the first message creates the room (binding, name, encryption or world-readable,
 * moderators in power and a creator who is not admin), an alias pointing elsewhere is not trusted, two
 * members racing end in one room, refusals keep the message, and visitors read open posts as guests.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import {
  homeserver,
  peer,
  registerUser,
  resetProxy,
  setProxy,
  startHomeserver,
  startProxy,
  stopProxy,
  type MatrixEvent,
  type TestUser,
} from '@omnisocial/testing/browser';
import { POST_BINDING_EVENT, postRoomAlias, sessionFor, signIn, signOut, type RoomSnapshot } from '@omnisocial/core';
import { outboxStorage, postRoomCreateRequest } from '@omnisocial/core/internal';
import { login, startSession } from '@omnisocial/core/internal/engine';
import '../../packages/elements/src/components/chat/define.ts';
import type { OmniChatView as OmniChat } from '../../packages/elements/src/components/chat/omni-chat.ts';
import type { OmniRoomCreatedEvent, OmniErrorEvent } from '../../packages/elements/src/events.ts';
import { articleWith, quietWindow, shadow as root, textbox, typeAndSend as sendMessage } from './dom.ts';
import { watchEngineFetch } from './engine-network.ts';
import { skipOnDendrite } from './homeserver.ts';

const TIMEOUT = 30_000;
/** How long a stray second copy of a sent message (a retry that also landed) is given to show up before counting. */
const NO_DUPLICATE_WINDOW_MS = 1_000;
/** How long the view is watched after the guest session took over from the light read, for a second notice that must not appear. */
const HAND_OVER_WINDOW_MS = 1_000;
let baseUrl: string;
let serverName: string;

const text = (el: OmniChat): string => root(el).textContent.replace(/\s+/gu, ' ');
const unique = (): string => crypto.randomUUID().slice(0, 8);

const typeAndSend = (el: OmniChat, body: string): Promise<void> => sendMessage(el, body, TIMEOUT);

async function mount(
  post: string,
  attributes: { open?: boolean; moderators?: string; title?: string; server?: string } = {},
): Promise<OmniChat> {
  return fixture<OmniChat>(
    html`<omni-chat-view
      homeserver=${attributes.server ?? baseUrl}
      post=${post}
      post-title=${attributes.title ?? `Post ${post}`}
      post-url=${`https://blog.example/${encodeURIComponent(post)}`}
      moderators=${attributes.moderators ?? ''}
      ?open=${attributes.open === true}
    ></omni-chat-view>`,
  );
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

type StateEvent = MatrixEvent & { state_key: string };
const stateOf = (events: StateEvent[], type: string): Record<string, unknown> | undefined => events.find((e) => e.type === type)?.content;

describe('<omni-chat-view> (the view of <omni-chat post>) against a real Synapse', function () {
  // Creating rooms (and encrypted ones) on a loaded two-core machine takes a while.
  this.timeout(120_000);
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    ({ baseUrl, serverName } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    await signOut();
  });

  it('maps hostile post ids to aliases Synapse accepts, one room each', async () => {
    const ids = [
      `with spaces ${unique()}`,
      `a/b/c?d=e&f#g ${unique()}`,
      `@user:evil.example #room:x ${unique()}`,
      `Ünïcödé 日本語 🎉 ${unique()}`,
      `${unique()} ${'long '.repeat(2_000)}`,
    ];
    const aliases = ids.map((id) => postRoomAlias(id, { serverName }));
    expect(new Set(aliases).size).to.equal(ids.length);
    expect(ids[4]?.length).to.be.greaterThan(10_000);
    for (const [i, alias] of aliases.entries()) {
      const { roomId } = await peer(bob).createRoom({ alias: alias.slice(1, alias.indexOf(':')) });
      expect(await peer(bob).resolveAlias(alias), ids[i]).to.equal(roomId);
    }
  });

  it('opening a post creates nothing; the first message creates the bound, encrypted room with the moderators in power', async () => {
    const post = `first-${unique()}`;
    const alias = postRoomAlias(post, { serverName });
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await mount(post, { moderators: bob.userId, title: 'A first post' });
    await waitUntil(() => text(el).includes('No messages yet — start the discussion'), 'no inviting empty state', { timeout: TIMEOUT });
    expect(root(el).querySelector('[part="empty-state"]')).to.not.equal(null);
    await expect(el).to.be.accessible();
    // Nothing exists yet on the server.
    const missing = await rejection(peer(bob).resolveAlias(alias));
    expect(missing.message).to.include('M_NOT_FOUND');

    const created = new Promise<OmniRoomCreatedEvent>((resolve) => el.addEventListener('omni-room-created', resolve, { once: true }));
    await typeAndSend(el, 'the very first comment');
    const event = await created;
    expect(event.alias).to.equal(alias);
    expect(event.postId).to.equal(post);
    const roomId = await peer(bob).resolveAlias(alias);
    expect(event.roomId).to.equal(roomId);
    await waitUntil(() => articleWith(el, 'the very first comment')?.dataset['eventId'], 'the first message was not sent', {
      timeout: TIMEOUT,
    });

    // The moderator joins (the room is public to members of the site) and reads what the room was made with.
    await peer(bob).joinRoom(roomId);
    const state = (await peer(bob).request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`)) as StateEvent[];
    expect(stateOf(state, POST_BINDING_EVENT)).to.deep.equal({ id: post, url: `https://blog.example/${post}`, title: 'A first post' });
    expect(stateOf(state, 'm.room.name')?.['name']).to.equal('A first post');
    expect(stateOf(state, 'm.room.topic')?.['topic']).to.equal(`https://blog.example/${post}`);
    expect(stateOf(state, 'm.room.encryption')?.['algorithm']).to.equal('m.megolm.v1.aes-sha2');
    expect(stateOf(state, 'm.room.history_visibility')?.['history_visibility']).to.not.equal('world_readable');
    const levels = stateOf(state, 'm.room.power_levels') as { users: Record<string, number>; users_default?: number };
    expect(levels.users[bob.userId]).to.equal(100);
    expect(levels.users[alice.userId] ?? levels.users_default ?? 0).to.equal(0);
    // The message went out encrypted.
    const messages = await peer(bob).roomMessages(roomId);
    expect(messages.some((e) => e.sender === alice.userId && e.type === 'm.room.encrypted')).to.equal(true);
    expect(messages.some((e) => e.content['body'] === 'the very first comment')).to.equal(false);
  });

  it('an open post gets a world-readable, unencrypted room that guests may join', async () => {
    const post = `open-${unique()}`;
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await mount(post, { open: true, moderators: bob.userId });
    await typeAndSend(el, 'an open comment');
    await waitUntil(() => articleWith(el, 'an open comment')?.dataset['eventId'], 'not sent', { timeout: TIMEOUT });
    const roomId = await peer(bob).resolveAlias(postRoomAlias(post, { serverName }));
    // World-readable: a non-member reads it.
    const state = (await peer(bob).request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`)) as StateEvent[];
    expect(stateOf(state, 'm.room.history_visibility')?.['history_visibility']).to.equal('world_readable');
    expect(stateOf(state, 'm.room.guest_access')?.['guest_access']).to.equal('can_join');
    expect(stateOf(state, 'm.room.encryption')).to.equal(undefined);
    const levels = stateOf(state, 'm.room.power_levels') as { users: Record<string, number> };
    expect(levels.users).to.deep.equal({ [bob.userId]: 100 });
    await peer(bob).waitForMessage(roomId, { sender: alice.userId, body: 'an open comment' });
  });

  it('tells the host when the unread count changes', async () => {
    const post = `unread-${unique()}`;
    const alias = postRoomAlias(post, { serverName });
    const { room_id: roomId } = (await peer(bob).request(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, alias, bob.userId),
    )) as { room_id: string };
    const read = await peer(bob).sendMessage(roomId, 'read already');
    // Alice read up to there, then Bob wrote two more.
    await peer(alice).joinRoom(roomId);
    await peer(alice).request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/read_markers`, {
      'm.fully_read': read,
      'm.read': read,
    });
    await peer(bob).sendMessage(roomId, 'new one');
    await peer(bob).sendMessage(roomId, 'new two');

    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const counts: number[] = [];
    const el = document.createElement('omni-chat-view');
    el.addEventListener('omni-unread-change', (e) => counts.push(e.count));
    Object.assign(el, { homeserver: baseUrl, post, open: true });
    await fixture<OmniChat>(el);
    await waitUntil(() => counts.includes(2), `no omni-unread-change with 2 (saw ${counts.join(', ')})`, { timeout: TIMEOUT });
    // Shown at the bottom of a visible timeline, they are read: the count drops back to 0.
    await waitUntil(() => counts.at(-1) === 0, `the count never went back to 0 (saw ${counts.join(', ')})`, { timeout: TIMEOUT });
  });

  it('shows an alias re-pointed to a room bound to another post as a mismatch, never its messages', async () => {
    const post = `victim-${unique()}`;
    const alias = postRoomAlias(post, { serverName });
    // The genuine room, then another room bound to another post, then the alias moved to the latter.
    const genuine = (await peer(bob).request(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, alias, bob.userId),
    )) as { room_id: string };
    const other = await peer(bob).createRoom({
      preset: 'public_chat',
      worldReadable: true,
      initialState: [{ type: POST_BINDING_EVENT, content: { id: `other-${unique()}` } }],
    });
    await peer(bob).sendMessage(other.roomId, 'a message from the wrong room');
    await peer(bob).request('DELETE', `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`);
    await peer(bob).request('PUT', `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, { room_id: other.roomId });
    expect(await peer(bob).resolveAlias(alias)).to.not.equal(genuine.room_id);

    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const errors: OmniErrorEvent[] = [];
    const el = await mount(post);
    el.addEventListener('omni-error', (e) => errors.push(e));
    await waitUntil(() => text(el).includes("This discussion's address points to another room."), 'no mismatch', { timeout: TIMEOUT });
    expect(root(el).querySelector('[role="log"]')).to.equal(null);
    expect(textbox(el)).to.equal(null);
    expect(text(el)).to.not.include('a message from the wrong room');
    await waitUntil(() => errors.some((e) => e.error.code === 'binding-mismatch'), 'no omni-error');

    // An encrypted (members-only) room without any binding: the member joins to check, then leaves.
    const unboundPost = `unbound-${unique()}`;
    const unboundAlias = postRoomAlias(unboundPost, { serverName });
    const unbound = await peer(bob).createRoom({
      alias: unboundAlias.slice(1, unboundAlias.indexOf(':')),
      preset: 'public_chat',
      encrypted: true,
    });
    const el2 = await mount(unboundPost);
    await waitUntil(() => text(el2).includes("This discussion's address points to another room."), 'no mismatch for an unbound room', {
      timeout: TIMEOUT,
    });
    await waitUntil(
      async () => {
        const members = (await peer(bob).request(
          'GET',
          `/_matrix/client/v3/rooms/${encodeURIComponent(unbound.roomId)}/joined_members`,
        )) as { joined: Record<string, unknown> };
        return !(alice.userId in members.joined);
      },
      'the member stayed in a room that is not the post’s',
      { timeout: TIMEOUT },
    );
  });

  it('two members writing first at the same time end in one room with both messages', async function () {
    await skipOnDendrite(this, 'createRoomAliasRace');
    const carol = await registerUser({ displayName: 'Carol' });
    const dave = await registerUser({ displayName: 'Dave' });
    const post = `race-${unique()}`;
    const alias = postRoomAlias(post, { serverName });
    const joined = async (user: TestUser): Promise<string[]> =>
      ((await peer(user).request('GET', '/_matrix/client/v3/joined_rooms')) as { joined_rooms: string[] }).joined_rooms;

    // Dave in the element (the page's session), Carol in a second, independent engine session.
    await signIn({ homeserver: baseUrl, username: dave.username, password: dave.password });
    const el = await mount(post, { open: true, moderators: bob.userId });
    const stored = await login({ homeserver: baseUrl, username: carol.username, password: carol.password });
    const second = startSession(stored, { onTokens: () => undefined, onLoggedOut: () => undefined });
    try {
      const handle = second.openPostRoom({ id: post, open: true, moderators: [bob.userId] });
      const status = (): RoomSnapshot['status'] => handle.snapshot.status;
      await waitUntil(() => status() === 'absent', 'the second session never saw the absent room', { timeout: TIMEOUT });
      await waitUntil(() => textbox(el) && !textbox(el)?.disabled, 'the composer is not enabled', { timeout: TIMEOUT });

      await Promise.all([typeAndSend(el, 'dave was first'), handle.send('carol was first')]);

      await waitUntil(() => articleWith(el, 'carol was first') && articleWith(el, 'dave was first'), 'both messages are not in the room', {
        timeout: TIMEOUT,
      });
      const roomId = await peer(bob).resolveAlias(alias);
      await peer(bob).waitForMessage(roomId, { sender: carol.userId, body: 'carol was first' }, TIMEOUT);
      await peer(bob).waitForMessage(roomId, { sender: dave.userId, body: 'dave was first' }, TIMEOUT);
      // Exactly one room: each member is in that room and in no other.
      expect(await joined(carol)).to.deep.equal([roomId]);
      expect(await joined(dave)).to.deep.equal([roomId]);
      handle.release();
    } finally {
      second.stop();
    }
  });

  it('keeps the message and says why when the homeserver refuses to create the room', async function () {
    await skipOnDendrite(this, 'roomCreationPolicy');
    const closed = await startHomeserver({ roomCreation: 'forbidden' });
    const erin = await registerUser({ server: closed.baseUrl });
    await signIn({ homeserver: closed.baseUrl, username: erin.username, password: erin.password });
    const el = await mount(`refused-${unique()}`, { server: closed.baseUrl });
    await typeAndSend(el, 'please keep me');
    await waitUntil(() => text(el).includes('does not let you start the discussion'), 'no refusal shown', { timeout: TIMEOUT });
    const kept = articleWith(el, 'please keep me');
    expect(kept, 'the message was lost').to.not.equal(undefined);
    expect(kept?.textContent).to.match(/not sent|failed/iu);
    expect([...(kept?.querySelectorAll('button') ?? [])].some((b) => b.textContent.trim() === 'Retry')).to.equal(true);
  });

  it('keeps the message while rate-limited and creates the room once the limit allows', async function () {
    await skipOnDendrite(this, 'roomCreationPolicy');
    const limited = await startHomeserver({ roomCreation: { rateLimited: { perSecond: 0.2, burstCount: 1 } } });
    const fay = await registerUser({ server: limited.baseUrl });
    await signIn({ homeserver: limited.baseUrl, username: fay.username, password: fay.password });
    const first = await mount(`limited-a-${unique()}`, { server: limited.baseUrl, open: true });
    await typeAndSend(first, 'uses the burst');
    await waitUntil(() => articleWith(first, 'uses the burst')?.dataset['eventId'], 'first room not created', { timeout: TIMEOUT });
    const el = await mount(`limited-b-${unique()}`, { server: limited.baseUrl, open: true });
    await typeAndSend(el, 'wait for me');
    await waitUntil(() => text(el).includes('busy starting discussions'), 'no rate-limit notice', { timeout: TIMEOUT });
    expect(articleWith(el, 'wait for me')).to.not.equal(undefined);
    await waitUntil(() => articleWith(el, 'wait for me')?.dataset['eventId'], 'never created after the limit', { timeout: 45_000 });
  });

  it('lets a visitor read an open post as a guest, and invites them to sign in', async () => {
    const post = `guest-${unique()}`;
    const alias = postRoomAlias(post, { serverName });
    const { room_id: roomId } = (await peer(bob).request(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, alias, bob.userId),
    )) as { room_id: string };
    await peer(bob).sendMessage(roomId, 'welcome, readers');
    const el = await mount(post, { open: true });
    await waitUntil(() => articleWith(el, 'welcome, readers'), 'the guest cannot read the open post', { timeout: TIMEOUT });
    const prompt = root(el).querySelector('[part="sign-in-prompt"]');
    expect(prompt?.textContent).to.include('guest');
    const signInButton = [...(prompt?.querySelectorAll('button') ?? [])].find((b) => b.textContent.trim() === 'Sign in');
    // "reading" until the guest's session can send, then "writing": both lines share one cell, the other hidden, so
    // the line is as wide as the wider of them and Sign in stays where it is when one replaces the other.
    const line = prompt?.querySelector<HTMLElement>('.guest-line');
    const [shown, reserved] = [...(line?.children ?? [])] as HTMLElement[];
    if (!line || !shown || !reserved || !signInButton) throw new Error('no guest line with Sign in');
    const lines = ['You are reading as a guest.', 'You are writing as a guest.'];
    expect([shown.textContent, reserved.dataset['text']].sort()).to.deep.equal(lines);
    expect(reserved.textContent, 'the reserved line is drawn, not text').to.equal('');
    expect(reserved.getAttribute('aria-hidden')).to.equal('true');
    expect(getComputedStyle(reserved).visibility).to.equal('hidden');
    expect(line.getBoundingClientRect().width).to.be.at.least(
      Math.max(shown.getBoundingClientRect().width, reserved.getBoundingClientRect().width) - 0.5,
    );
    const left = signInButton.getBoundingClientRect().left;
    await waitUntil(() => shown.textContent === 'You are writing as a guest.', 'the guest cannot write', { timeout: TIMEOUT });
    expect(signInButton.getBoundingClientRect().left).to.equal(left);
    signInButton.click();
    await waitUntil(() => root(el).querySelector('omni-sign-in'), 'no sign-in form on demand');
    await expect(el).to.be.accessible();

    // A members-only post asks visitors to sign in.
    await signOut();
    const closed = await mount(`closed-${unique()}`);
    await waitUntil(() => text(closed).includes('Sign in to read and join the discussion.'), 'no sign-in invitation', { timeout: TIMEOUT });
    expect(closed.shadowRoot?.querySelector('omni-sign-in')).to.not.equal(null);
  });

  it('shows a guest on an empty open post one notice, and a members-only post its title with a sign-in that offers no guest access', async () => {
    const el = await mount(`quiet-${unique()}`, { open: true, title: 'A quiet post' });
    await waitUntil(() => text(el).includes('No messages yet. Sign in to start the discussion.'), 'no notice for the guest', {
      timeout: TIMEOUT,
    });
    // Once the guest session has taken over from the light read too.
    await waitUntil(() => sessionFor(baseUrl)?.info.guest === true, 'no guest session', { timeout: TIMEOUT });
    await quietWindow(HAND_OVER_WINDOW_MS);
    expect(text(el).match(/start the discussion/gu)?.length).to.equal(1);
    expect(text(el)).to.not.include('as a guest');
    expect(textbox(el)).to.equal(null);
    await expect(el).to.be.accessible();

    await signOut();
    const closed = await mount(`members-${unique()}`, { title: 'Members talk' });
    await waitUntil(() => root(closed).querySelector('omni-sign-in'), 'no sign-in form', { timeout: TIMEOUT });
    expect(text(closed)).to.include('Members talk');
    expect(text(closed)).to.include('Sign in to read and join the discussion.');
    expect(root(closed).querySelector('omni-sign-in')?.hasAttribute('no-guest')).to.equal(true);
    await expect(closed).to.be.accessible();
  });

  it('a member reads an open post without joining it, and joins when they react', async () => {
    const post = `react-${unique()}`;
    const alias = postRoomAlias(post, { serverName });
    const { room_id: roomId } = (await peer(bob).request(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, alias, bob.userId),
    )) as { room_id: string };
    const eventId = await peer(bob).sendMessage(roomId, 'react to me');
    const joined = async (): Promise<string[]> =>
      Object.keys(
        (
          (await peer(bob).request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`)) as {
            joined: Record<string, unknown>;
          }
        ).joined,
      );
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const handle = sessionFor(baseUrl)?.openPostRoom({ id: post, open: true });
    if (!handle) throw new Error('no session');
    try {
      const shown = (): boolean => handle.snapshot.items.some((item) => item.kind === 'message' && item.body === 'react to me');
      await waitUntil(shown, 'the member cannot read the open post', { timeout: TIMEOUT });
      expect(await joined()).to.deep.equal([bob.userId]);
      await handle.toggleReaction(eventId, '👍');
      await peer(bob).waitForMessage(roomId, { sender: alice.userId, type: 'm.reaction' }, TIMEOUT);
      expect(await joined()).to.include(alice.userId);
    } finally {
      handle.release();
    }
  });

  it("a member's open post never long-polls /events, so their other rooms' messages arrive at once", async () => {
    // Synapse answers a member's `/events?room_id=` from the member's own notifier stream and, when the member
    // has none yet, creates it with that one room: their sync would then wait out its long-poll for the rest.
    const carol = await registerUser({ displayName: 'Carol' });
    const post = `member-${unique()}`;
    const { room_id: postRoomId } = (await peer(bob).request(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest({ id: post, open: true }, postRoomAlias(post, { serverName }), bob.userId),
    )) as { room_id: string };
    await peer(bob).sendMessage(postRoomId, 'on the post');
    const { roomId: communityId } = await peer(bob).createRoom({ name: 'Community', preset: 'public_chat' });
    await peer(carol).joinRoom(postRoomId);
    await peer(carol).joinRoom(communityId);

    const polls: string[] = [];
    let syncing = 0;
    // The engine's requests, on the page or in its worker (engine-network.ts).
    const stopWatching = await watchEngineFetch((phase, url) => {
      if (phase === 'start' && url.includes('/_matrix/client/v3/events')) polls.push(url);
      // Sliding sync, or classic `/sync` on a homeserver without it (Dendrite).
      if (/simplified_msc3575\/sync|\/v3\/sync\?/u.test(url)) syncing += phase === 'start' ? 1 : -1;
    });
    await signIn({ homeserver: baseUrl, username: carol.username, password: carol.password });
    const session = sessionFor(baseUrl);
    if (!session) throw new Error('no session');
    const postHandle = session.openPostRoom({ id: post, open: true });
    const community = session.openRoom(communityId);
    const shows = (handle: typeof community, body: string) => (): boolean =>
      handle.snapshot.items.some((item) => item.kind === 'message' && item.body === body);
    try {
      await waitUntil(shows(postHandle, 'on the post'), 'the member cannot read the post', { timeout: TIMEOUT });
      await waitUntil(() => community.snapshot.status === 'ready', 'the community room did not open', { timeout: TIMEOUT });
      // With the sync in its long-poll, a message in the other room must wake it, well before its 30 s end.
      await waitUntil(() => syncing > 0, 'no sync in flight', { timeout: TIMEOUT });
      await peer(bob).sendMessage(communityId, 'in the community');
      await waitUntil(shows(community, 'in the community'), 'the message waited for the long-poll to end', { timeout: 10_000 });
      expect(polls, 'a member long-polled /events').to.deep.equal([]);
    } finally {
      stopWatching();
      postHandle.release();
      community.release();
    }
  });

  it('keeps messages typed before the room exists across a reload and sends them once, in order, when creation is allowed', async () => {
    const gina = await registerUser({ displayName: 'Gina' });
    const post = `reload-${unique()}`;
    const alias = postRoomAlias(post, { serverName });
    const { baseUrl: proxy } = await startProxy();
    const hooks = { onTokens: () => undefined, onLoggedOut: () => undefined };
    // Two engine sessions of one stored session, one after the other, as a page and its reload.
    const stored = await login({ homeserver: proxy, username: gina.username, password: gina.password });
    const kept = outboxStorage(gina.userId, alias);
    const bodies = (snapshot: RoomSnapshot): string[] => snapshot.items.flatMap((item) => (item.kind === 'message' ? [item.body] : []));
    const before = startSession(stored, hooks);
    try {
      const handle = before.openPostRoom({ id: post, open: true });
      await waitUntil(() => handle.snapshot.status === 'absent', 'the post room is not absent', { timeout: TIMEOUT });
      // The homeserver refuses to create rooms for a while (rate limit far longer than the test).
      await setProxy(proxy, { rateLimit: { method: 'POST', path: '/createRoom', count: 1_000, retryAfterMs: 600_000 } });
      await handle.send('kept 1');
      await handle.send('kept 2');
      await waitUntil(() => handle.snapshot.error?.code === 'rate-limited', 'creation was not refused', { timeout: TIMEOUT });
      expect(bodies(handle.snapshot)).to.deep.equal(['kept 1', 'kept 2']);
      await waitUntil(async () => (await kept.load()).length === 2, 'the messages are not stored', { timeout: TIMEOUT });
      handle.release();
    } finally {
      before.stop();
    }
    expect((await kept.load()).map((entry) => entry.echo?.body)).to.deep.equal(['kept 1', 'kept 2']);
    let roomExists = true;
    await peer(gina)
      .resolveAlias(alias)
      .catch(() => (roomExists = false));
    expect(roomExists, 'no room may exist before the reload').to.equal(false);

    // The reload: a fresh engine session, nothing in memory; the homeserver allows creation again.
    await resetProxy(proxy);
    const after = startSession(stored, hooks);
    try {
      const handle = after.openPostRoom({ id: post, open: true });
      let shownBeforeSent = false;
      handle.subscribe((snapshot) => {
        if (snapshot.status !== 'ready' && bodies(snapshot).join() === 'kept 1,kept 2') shownBeforeSent = true;
      });
      await waitUntil(() => handle.snapshot.status === 'ready', 'the room was not created after the reload', { timeout: TIMEOUT });
      const roomId = await peer(gina).resolveAlias(alias);
      await peer(gina).waitForMessage(roomId, { sender: gina.userId, body: 'kept 2' }, TIMEOUT);
      await waitUntil(async () => (await kept.load()).length === 0, 'the kept messages were not forgotten once handed over', {
        timeout: TIMEOUT,
      });
      // Sent messages stay in the room's timeline, once each, in the order typed.
      await quietWindow(NO_DUPLICATE_WINDOW_MS);
      const sent = (await peer(gina).roomMessages(roomId, { limit: 50, dir: 'f' }))
        .filter((event) => event.type === 'm.room.message' && event.sender === gina.userId)
        .map((event) => event.content['body']);
      expect(sent).to.deep.equal(['kept 1', 'kept 2']);
      expect(shownBeforeSent, 'the kept messages were not shown after the reload').to.equal(true);
      await waitUntil(() => bodies(handle.snapshot).filter((body) => body.startsWith('kept')).length === 2, 'not shown once each', {
        timeout: TIMEOUT,
      });
      handle.release();
    } finally {
      after.stop();
      await stopProxy(proxy);
    }
  });
});
