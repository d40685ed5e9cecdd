/**
 * A site for comment counts (test/node/counts-journey.test.ts, test/bench/counts.ts): a real Synapse with the
 * companion beside it and `posts` open posts `post-0…`, of which post `i` has `messages(i)` top-level messages
 * written by one member (no room at all for a post with none, as on a site where most posts were never opened).
 */
import { startSite, type Peer, type Site } from '@omnisocial/testing';
import { postRoomAlias } from '@omnisocial/server';

export interface CountsSite {
  readonly site: Site;
  readonly writer: Peer;
  /** The room of each post that has one, by post id. */
  readonly rooms: ReadonlyMap<string, string>;
}

export async function startCountsSite(posts: number, messages: (index: number) => number): Promise<CountsSite> {
  const ids = Array.from({ length: posts }, (_, index) => `post-${String(index)}`);
  const site = await startSite({ posts: ids.map((id) => ({ id, title: id, open: true })) });
  const writer = await site.homeserver.registerUser({ displayName: 'Writer' });
  const rooms = new Map<string, string>();
  for (const [index, id] of ids.entries()) {
    const count = messages(index);
    if (count === 0) continue;
    const roomId = await writer.joinRoom(await writer.resolveAlias(postRoomAlias(id, { serverName: site.homeserver.serverName })));
    rooms.set(id, roomId);
    for (let message = 0; message < count; message++) await writer.sendMessage(roomId, `Comment ${String(message + 1)} on ${id}`);
  }
  return { site, writer, rooms };
}
