/**
 * Files as the first message of a conversation that does not exist yet, against the real Synapse: a new
 * post discussion (`<omni-chat-view>`) and a new DM (`<omni-dm-view>`) are created by the file exactly as
 * by a first text (the file kept meanwhile, one room, one event), and a file in a post discussion another
 * member started. The other member is a second, independent engine session in the same page, and sees the
 * image: downloaded (decrypted in the DM) and drawn at its size.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import {
  homeserver,
  peer,
  registerUser,
  resetProxy,
  setProxy,
  startProxy,
  stopProxy,
  type MatrixEvent,
  type TestUser,
} from '@omnisocial/testing/browser';
import { postRoomAlias, signIn, signOut, type MessageItem, type RoomHandle } from '@omnisocial/core';
import { outboxStorage } from '@omnisocial/core/internal';
import { login, startSession, type EngineSession } from '@omnisocial/core/internal/engine';
import '../../packages/elements/src/components/chat/define.ts';
import '../../packages/elements/src/components/dm/define.ts';
import type { OmniChatView } from '../../packages/elements/src/components/chat/omni-chat.ts';
import type { OmniDmView } from '../../packages/elements/src/components/dm/omni-dm.ts';
import type { OmniDmCreatedEvent, OmniRoomCreatedEvent } from '../../packages/elements/src/events.ts';
import { articleWith, pickFiles, pngBytes, quietWindow, shadow, textbox, typeAndSend } from './dom.ts';

const TIMEOUT = 60_000;
/** How long a stray second copy of the file's message is given to show up before counting. */
const NO_DUPLICATE_WINDOW_MS = 1_000;
const WIDTH = 640;
const HEIGHT = 480;
const unique = (): string => crypto.randomUUID().slice(0, 8);
const hooks = { onTokens: () => undefined, onLoggedOut: () => undefined };

const tray = (el: Element): HTMLElement | null => shadow(el).querySelector<HTMLElement>('[aria-label="Files to send"]');

async function png(name: string): Promise<File> {
  return new File([new Uint8Array(await pngBytes(WIDTH, HEIGHT, '#cc6633'))], name, { type: 'image/png' });
}

/** Picks `file` in the composer of `el` and sends it with `caption`, as the member does; resolves once it is sent. */
async function attachAndSend(el: Element, file: File, caption: string): Promise<void> {
  await waitUntil(() => textbox(el) && !textbox(el)?.disabled, 'the composer is not enabled', { timeout: TIMEOUT });
  pickFiles(el, [file]);
  await waitUntil(() => tray(el)?.textContent.includes(file.name), 'the file is not in the tray', { timeout: TIMEOUT });
  await typeAndSend(el, caption, TIMEOUT);
  await waitUntil(() => tray(el) === null, 'the tray did not empty', { timeout: TIMEOUT });
  await waitUntil(() => articleWith(el, caption)?.dataset['eventId'], 'the file was not sent', { timeout: TIMEOUT });
}

/** The image message `caption` as the other member's session shows it, once it is there. */
async function imageIn(handle: RoomHandle, caption: string): Promise<MessageItem> {
  const find = (): MessageItem | undefined =>
    handle.snapshot.items.find((i): i is MessageItem => i.kind === 'message' && i.msgtype === 'image' && i.body === caption);
  await waitUntil(() => find()?.media?.mxc, `the other member does not have “${caption}”`, { timeout: TIMEOUT }).catch((error: unknown) => {
    const shown = handle.snapshot.items.map((i) => (i.kind === 'message' ? `${i.msgtype}:${i.body}` : i.kind));
    throw new Error(`${String(error)}; the other member's view (${handle.snapshot.status}) shows: ${JSON.stringify(shown)}`);
  });
  const item = find();
  if (!item) throw new Error('unreachable');
  return item;
}

/** Loads the image as the other member's session does and draws it: resolves to its natural size. */
async function seen(handle: RoomHandle, item: MessageItem): Promise<{ width: number; height: number; bytes: Uint8Array }> {
  const media = item.media;
  if (!media) throw new Error('no media');
  const url = await handle.loadMedia({
    mxc: media.mxc,
    kind: 'image',
    ...(media.encryption ? { encryption: media.encryption } : {}),
    ...(media.mimetype ? { mimetype: media.mimetype } : {}),
  });
  const image = new Image();
  image.src = url;
  await image.decode();
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  return { width: image.naturalWidth, height: image.naturalHeight, bytes };
}

/**
 * Checks that the other member's session shows the image `caption` as the member sent it: `file`'s bytes
 * (decrypted, and encrypted on the wire when `encrypted`), drawn at its size.
 */
async function expectImageSeen(handle: RoomHandle, caption: string, file: File, { encrypted = false } = {}): Promise<void> {
  const item = await imageIn(handle, caption);
  if (encrypted) expect(item.media?.encryption, 'the file is encrypted').to.not.equal(undefined);
  const image = await seen(handle, item);
  expect([image.width, image.height]).to.deep.equal([WIDTH, HEIGHT]);
  expect(image.bytes).to.deep.equal(new Uint8Array(await file.arrayBuffer()));
}

describe('attachments as the first message of a post discussion or a DM (real Synapse)', function () {
  this.timeout(240_000);
  let baseUrl: string;
  let serverName: string;
  let bob: TestUser;
  let bobSession: EngineSession;

  /** Alice's own file messages in `roomId`, as the server stores them (encrypted or not). */
  async function eventsOf(user: TestUser, reader: TestUser, roomId: string): Promise<MatrixEvent[]> {
    const events = await peer(reader).roomMessages(roomId, { limit: 100, dir: 'b' });
    return events.filter((e) => e.sender === user.userId && (e.type === 'm.room.message' || e.type === 'm.room.encrypted'));
  }

  before(async () => {
    ({ baseUrl, serverName } = await homeserver());
    bob = await registerUser({ displayName: 'Bob' });
    // Bob's device exists (with its keys) before anyone writes to him, so encrypted files are readable to him.
    bobSession = startSession(await login({ homeserver: baseUrl, username: bob.username, password: bob.password }), hooks);
    await bobSession.ensureCrypto();
  });

  afterEach(async () => {
    await signOut();
  });

  after(() => {
    bobSession.stop();
  });

  it('a file as the first message of a new post discussion creates the room; another member sees the image', async () => {
    const alice = await registerUser({ displayName: 'Alice' });
    const post = `file-first-${unique()}`;
    const alias = postRoomAlias(post, { serverName });
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await fixture<OmniChatView>(
      html`<omni-chat-view
        homeserver=${baseUrl}
        post=${post}
        post-title="Photos"
        post-url=${`https://blog.example/${post}`}
        open
      ></omni-chat-view>`,
    );
    await waitUntil(() => shadow(el).textContent.includes('No messages yet'), 'no inviting empty state', { timeout: TIMEOUT });
    const created = new Promise<OmniRoomCreatedEvent>((resolve) => el.addEventListener('omni-room-created', resolve, { once: true }));
    const file = await png('harbour.png');
    await attachAndSend(el, file, 'the harbour at dawn');
    const { roomId } = await created;
    expect(await peer(bob).resolveAlias(alias)).to.equal(roomId);
    expect(articleWith(el, 'the harbour at dawn')?.querySelector('[role="alert"]')).to.equal(null);
    await expect(el).to.be.accessible();

    // Bob joins the discussion and, in his own session, opens the same post's discussion and sees the image.
    // (A reader who has not joined reads the post from outside, where attachments are not fetched.)
    await peer(bob).joinRoom(roomId);
    const handle = bobSession.openPostRoom({ id: post, open: true });
    try {
      await expectImageSeen(handle, 'the harbour at dawn', file);
    } finally {
      handle.release();
    }
    // Exactly once: one room for Alice, one message with one file.
    await quietWindow(NO_DUPLICATE_WINDOW_MS);
    const events = await eventsOf(alice, bob, roomId);
    expect(events.length, 'the file is stored once').to.equal(1);
    expect(events[0]?.content['msgtype']).to.equal('m.image');
    expect(events[0]?.content['filename']).to.equal('harbour.png');
    const { joined_rooms: joined } = (await peer(alice).request('GET', '/_matrix/client/v3/joined_rooms')) as { joined_rooms: string[] };
    expect(joined).to.deep.equal([roomId]);
    el.remove();
  });

  it('a file as the first message of a new DM creates the encrypted DM; the other member sees the decrypted image', async () => {
    const alice = await registerUser({ displayName: 'Alice' });
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await fixture<OmniDmView>(html`<omni-dm-view homeserver=${baseUrl} user=${bob.userId}></omni-dm-view>`);
    await waitUntil(() => shadow(el).textContent.includes('Say hello to Bob'), 'no inviting empty state', { timeout: TIMEOUT });
    const created = new Promise<OmniDmCreatedEvent>((resolve) => el.addEventListener('omni-dm-created', resolve, { once: true }));
    const file = await png('secret-map.png');
    await attachAndSend(el, file, 'only for you');
    const { roomId } = await created;

    // The server has ciphertext only: the message is encrypted and the upload is not the image.
    const events = await eventsOf(alice, alice, roomId);
    expect(events.map((e) => e.type)).to.deep.equal(['m.room.encrypted']);

    // Bob accepts the invitation and, in his own session, sees the decrypted image.
    await peer(bob).joinRoom(roomId);
    const handle = bobSession.openRoom(roomId);
    try {
      await expectImageSeen(handle, 'only for you', file, { encrypted: true });
    } finally {
      handle.release();
    }
    await quietWindow(NO_DUPLICATE_WINDOW_MS);
    expect((await eventsOf(alice, alice, roomId)).length, 'the file is stored once').to.equal(1);
    el.remove();
  });

  it('a file in a post discussion another member started joins it and reaches that member', async () => {
    const alice = await registerUser({ displayName: 'Alice' });
    const post = `file-existing-${unique()}`;
    const started = bobSession.openPostRoom({ id: post, open: true });
    try {
      await waitUntil(() => started.snapshot.status === 'absent', 'the discussion is not absent for Bob', { timeout: TIMEOUT });
      await started.send('what do you think of the new bridge?');
      await waitUntil(() => started.snapshot.status === 'ready', 'Bob did not start the discussion', { timeout: TIMEOUT });
      const roomId = started.snapshot.roomId ?? '';

      await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
      const el = await fixture<OmniChatView>(
        html`<omni-chat-view
          homeserver=${baseUrl}
          post=${post}
          post-title="Bridges"
          post-url=${`https://blog.example/${post}`}
          open
        ></omni-chat-view>`,
      );
      await waitUntil(() => articleWith(el, 'what do you think of the new bridge?'), 'Bob’s message is not shown to Alice', {
        timeout: TIMEOUT,
      });
      const file = await png('bridge.png');
      await attachAndSend(el, file, 'here it is');

      await expectImageSeen(started, 'here it is', file);
      await quietWindow(NO_DUPLICATE_WINDOW_MS);
      expect((await eventsOf(alice, bob, roomId)).length, 'the file is stored once').to.equal(1);
      el.remove();
    } finally {
      started.release();
    }
  });

  it('a file kept while the DM could not be created survives a reload and is sent once, encrypted, after it', async () => {
    const dana = await registerUser({ displayName: 'Dana' });
    const { baseUrl: proxy } = await startProxy();
    // Two engine sessions of one stored session, one after the other, as a page and its reload.
    const stored = await login({ homeserver: proxy, username: dana.username, password: dana.password });
    const kept = outboxStorage(dana.userId, `dm:${bob.userId}`);
    const file = await png('kept.png');
    const before = startSession(stored, hooks);
    try {
      const handle = before.openDirectRoom(bob.userId);
      await waitUntil(() => handle.snapshot.status === 'absent', 'the DM is not absent', { timeout: TIMEOUT });
      // The homeserver refuses to create rooms for a while (rate limit far longer than the test).
      await setProxy(proxy, { rateLimit: { method: 'POST', path: '/createRoom', count: 1_000, retryAfterMs: 600_000 } });
      await handle.sendAttachment(file, { caption: 'kept across a reload' });
      await waitUntil(() => handle.snapshot.error?.code === 'rate-limited', 'creation was not refused', { timeout: TIMEOUT });
      const shown = handle.snapshot.items.find((i): i is MessageItem => i.kind === 'message' && i.body === 'kept across a reload');
      expect(shown?.msgtype).to.equal('image');
      expect(shown?.media?.localUrl, 'the kept image shows from the member’s own file').to.match(/^blob:/u);
      await waitUntil(async () => (await kept.load()).length === 1, 'the file’s message is not stored', { timeout: TIMEOUT });
      expect(await kept.loadFile?.((await kept.load())[0]?.txnId ?? ''), 'the file is stored').to.be.instanceOf(Blob);
      handle.release();
    } finally {
      before.stop();
    }
    expect(((await peer(dana).request('GET', '/_matrix/client/v3/joined_rooms')) as { joined_rooms: string[] }).joined_rooms).to.deep.equal(
      [],
    );

    // The reload: a fresh engine session, nothing in memory; the homeserver allows creation again.
    await resetProxy(proxy);
    const after = startSession(stored, hooks);
    try {
      const handle = after.openDirectRoom(bob.userId);
      await waitUntil(() => handle.snapshot.status === 'ready', 'the DM was not created after the reload', { timeout: TIMEOUT });
      const roomId = handle.snapshot.roomId ?? '';
      await waitUntil(async () => (await eventsOf(dana, dana, roomId)).length >= 1, 'the kept file was not sent', { timeout: TIMEOUT });
      await waitUntil(async () => (await kept.load()).length === 0, 'the kept file was not forgotten once handed over', {
        timeout: TIMEOUT,
      });
      await quietWindow(NO_DUPLICATE_WINDOW_MS);
      const events = await eventsOf(dana, dana, roomId);
      expect(
        events.map((e) => e.type),
        'sent once, encrypted',
      ).to.deep.equal(['m.room.encrypted']);

      await peer(bob).joinRoom(roomId);
      const bobs = bobSession.openRoom(roomId);
      try {
        await expectImageSeen(bobs, 'kept across a reload', file, { encrypted: true });
      } finally {
        bobs.release();
      }
      handle.release();
    } finally {
      after.stop();
      await stopProxy(proxy);
    }
  });
});
