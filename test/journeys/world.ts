/**
 * The world the journeys happen in: one real Synapse, the built script-tag module on a plain host page
 * served by a tiny static server, one Debian Chromium, and the site's members and rooms as a site would
 * have them (an open post whose room carries its set-up history, a community lobby guests may not join).
 * Shared by the journey suite and `pnpm screenshots`.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startSynapse, type Homeserver, type Peer } from '@omnisocial/testing';
import { postRoomAlias, postRoomCreateRequest } from '@omnisocial/core/internal';
import { dist, ensureBuild } from '../support/build.ts';
import { launchChromium, serveStatic } from '../support/chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pages = path.join(root, 'test/journeys/pages');

export interface Member {
  peer: Peer;
  displayName: string;
}

export interface OpenPost {
  id: string;
  title: string;
  /** The post's URL as a site writes it into `post-url`: its id percent-encoded, `/` as `%2F`. */
  url: string;
  roomId: string;
  /** Bodies of the seeded discussion, oldest first. */
  discussion: readonly string[];
}

export interface World {
  hs: Homeserver;
  browser: Browser;
  /** A URL of the host page or of the built module's files. */
  url: (pathname: string) => string;
  /** Distinguishes this run's rooms and posts from any other on the same server. */
  tag: string;
  alice: Member;
  bob: Member;
  /** Has an account but has never opened the site: the journeys' visitor. */
  carol: Member;
  /** A community room: public for members, closed to guests (Synapse's default for `public_chat`). */
  lobby: { alias: string; roomId: string; name: string };
  /** An open post with a discussion, created as the demo creates it (set-up state included). */
  post: OpenPost;
  /** An open post nobody has written about yet (no room). */
  emptyPost: { id: string; title: string; url: string };
  /** A loopback port nothing listens on: a homeserver that is down. */
  deadHomeserver: string;
  close: () => Promise<void>;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function member(hs: Homeserver, username: string, displayName: string): Promise<Member> {
  return { peer: await hs.registerUser({ username, displayName }), displayName };
}

export async function openWorld(): Promise<World> {
  const tag = crypto.randomUUID().slice(0, 6);
  const [hs, pageFiles] = await Promise.all([
    startSynapse(),
    Promise.all(['index.html', 'page.js', 'page.css'].map(async (name) => [`/${name}`, await readFile(path.join(pages, name), 'utf8')])),
    ensureBuild(),
  ]);
  const site = await serveStatic(dist, Object.fromEntries(pageFiles) as Record<string, string>);
  const alice = await member(hs, `alice-${tag}`, 'Alice Martin');
  const bob = await member(hs, `bob-${tag}`, 'Bob Okafor');
  const carol = await member(hs, `carol-${tag}`, 'Carol Nguyen');

  const lobbyAlias = `#lobby-${tag}:${hs.serverName}`;
  const { roomId: lobbyId } = await alice.peer.createRoom({
    alias: `lobby-${tag}`,
    name: 'Lobby',
    topic: 'Say hello to the neighbourhood',
    preset: 'public_chat',
    visibility: 'public',
  });
  await bob.peer.joinRoom(lobbyId);
  await alice.peer.sendMessage(lobbyId, 'Welcome to the lobby!');
  await bob.peer.sendMessage(lobbyId, 'Hi all, glad to be here.');

  // As `pnpm demo` seeds a post's discussion: the room its first writer's element would create, so its
  // timeline opens with the same set-up state (power levels, topic, binding) a real one does.
  const postId = `posts/photo-feed-${tag}`;
  const postUrl = `${site.url('/')}#${encodeURIComponent(postId)}`;
  const alias = postRoomAlias(postId, { serverName: hs.serverName });
  const target = { id: postId, title: 'New photo feed is live', url: postUrl, open: true, moderators: [alice.peer.userId] };
  const { room_id: postRoomId } = await alice.peer.request<{ room_id: string }>(
    'POST',
    '/_matrix/client/v3/createRoom',
    postRoomCreateRequest(target, alias, alice.peer.userId),
  );
  const discussion = [
    [bob, 'So much faster on my old phone, thanks!'],
    [carol, 'Could we get a dark mode for the feed too?'],
    [alice, 'Dark mode is next on the list.'],
  ] as const;
  for (const [who, body] of discussion) {
    if (who !== alice) await who.peer.joinRoom(postRoomId);
    await who.peer.sendMessage(postRoomId, body);
  }
  const emptyId = `posts/library-hours-${tag}`;

  const browser = await launchChromium();
  return {
    hs,
    browser,
    url: site.url,
    tag,
    alice,
    bob,
    carol,
    lobby: { alias: lobbyAlias, roomId: lobbyId, name: 'Lobby' },
    post: { id: postId, title: target.title, url: postUrl, roomId: postRoomId, discussion: discussion.map(([, body]) => body) },
    emptyPost: { id: emptyId, title: 'Library hours change', url: `${site.url('/')}#${encodeURIComponent(emptyId)}` },
    deadHomeserver: `http://127.0.0.1:${await closedPort()}`,
    close: async () => {
      await browser.close();
      await site.close();
      await hs.stop();
    },
  };
}

/**
 * Another open post with its own room for one journey, created as the world's post is (its set-up state, Alice its
 * moderator); `joined` members join it, so they can write there from their peers too.
 */
export async function createOpenPost(world: World, slug: string, title: string, joined: readonly Member[]): Promise<OpenPost> {
  const id = `posts/${slug}-${world.tag}`;
  const url = `${world.url('/')}#${encodeURIComponent(id)}`;
  const alias = postRoomAlias(id, { serverName: world.hs.serverName });
  const target = { id, title, url, open: true, moderators: [world.alice.peer.userId] };
  const { room_id: roomId } = await world.alice.peer.request<{ room_id: string }>(
    'POST',
    '/_matrix/client/v3/createRoom',
    postRoomCreateRequest(target, alias, world.alice.peer.userId),
  );
  for (const member of joined) if (member !== world.alice) await member.peer.joinRoom(roomId);
  return { id, title, url, roomId, discussion: [] };
}

/** A member's own room for one journey, so journeys never read each other's messages. */
export async function createMembersRoom(
  world: World,
  name: string,
  members: readonly Member[],
): Promise<{ roomId: string; alias: string }> {
  const localpart = `${name.toLowerCase().replace(/[^a-z0-9]+/gu, '-')}-${world.tag}`;
  const [owner, ...others] = members;
  if (!owner) throw new Error('a room needs a member');
  const { roomId } = await owner.peer.createRoom({ alias: localpart, name, preset: 'public_chat', visibility: 'public' });
  for (const other of others) await other.peer.joinRoom(roomId);
  return { roomId, alias: `#${localpart}:${world.hs.serverName}` };
}
