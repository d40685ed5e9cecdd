/**
 * The homeserver behind the documentation site's live examples: a local Synapse with the site's companion beside it
 * (as the demo runs it), seeded with three members and two public, world-readable rooms (visitors read them as
 * guests; members sign in with the element's own form), and one open post. Started by `pnpm docs` and by
 * test/node/docs-site.test.ts.
 */
import { startSite, type Peer, type Site } from '@omnisocial/testing';

export const DOCS_PASSWORD = 'omni-docs';

const MEMBERS = [
  { username: 'alice', displayName: 'Alice Martin' },
  { username: 'bob', displayName: 'Bob Okafor' },
  { username: 'carol', displayName: 'Carol Nguyen' },
] as const;

export const DOCS_ROOMS = [
  {
    alias: 'lobby',
    name: 'Lobby',
    script: [
      ['alice', 'Welcome to the OmniSocial lobby! 👋'],
      ['bob', 'Hi all, glad to be here.'],
      ['carol', 'These examples run on a real homeserver.'],
    ],
  },
  {
    alias: 'design',
    name: 'Design',
    script: [
      ['carol', 'Dark mode mock-ups are up for review.'],
      ['bob', 'Love the contrast on the buttons.'],
    ],
  },
] as const;

/** What live.js reads from the docs server (`live.json`). */
export interface LiveConfig {
  readonly homeserver: string;
  readonly serverName: string;
}

export interface DocsHomeserver {
  readonly site: Site;
  readonly live: LiveConfig;
  stop(): Promise<void>;
}

export async function startDocsHomeserver(): Promise<DocsHomeserver> {
  const site = await startSite({
    serverName: 'localhost',
    posts: [{ id: 'docs-welcome', title: 'Welcome to the docs', url: 'http://127.0.0.1/examples.html', open: true, moderators: [] }],
  });
  try {
    const { homeserver } = site;
    const peers = new Map<string, Peer>();
    for (const member of MEMBERS) peers.set(member.username, await homeserver.registerUser({ ...member, password: DOCS_PASSWORD }));
    const host = peers.get('alice');
    if (!host) throw new Error('no docs member to create the rooms');
    for (const room of DOCS_ROOMS) {
      const { roomId } = await host.createRoom({
        alias: room.alias,
        name: room.name,
        preset: 'public_chat',
        visibility: 'public',
        worldReadable: true,
        guestAccess: true,
      });
      for (const peer of peers.values()) if (peer !== host) await peer.joinRoom(roomId);
      for (const [username, body] of room.script) await peers.get(username)?.sendMessage(roomId, body);
    }
    return { site, live: { homeserver: homeserver.baseUrl, serverName: homeserver.serverName }, stop: () => site.stop() };
  } catch (error) {
    await site.stop();
    throw error;
  }
}
