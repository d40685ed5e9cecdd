/**
 * The demo: a local Synapse (installed on first run) with the site's companion beside it (packages/server,
 * registered as its application service), seeded with members and rooms, and the OmniSocial demo site
 * served by Vite, whose backend signs members in through the companion (demo-backend.ts). Ctrl-C, or
 * SIGINT, SIGTERM or SIGHUP to this process (its pid is printed: a run without a terminal has no Ctrl-C),
 * stops everything: the companion by its handle, Synapse by its PID.
 */
import { fileURLToPath } from 'node:url';
import { startSite, stopAllSynapses, type Homeserver, type Peer, type Site } from '@omnisocial/testing';
import { MODERATION_PREFIX, type SitePost } from '@omnisocial/server';
import { createServer, type ViteDevServer } from 'vite';
import { DEMO_MODERATORS, DEMO_POSTS } from '../demo/posts.ts';
import { postRoomAlias } from '../packages/core/src/posts/posts.ts';
import { demoBackend } from './demo-backend.ts';
import { demoModeration } from './demo-moderation.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'omni-demo';
const PAGE = 'http://127.0.0.1:5173/';
const SERVER_NAME = 'localhost';

const members = [
  { username: 'alice', displayName: 'Alice Martin' },
  { username: 'bob', displayName: 'Bob Okafor' },
  { username: 'carol', displayName: 'Carol Nguyen' },
] as const;

const rooms = [
  {
    alias: 'lobby',
    name: 'Lobby',
    topic: 'Say hello to the OmniSocial community',
    script: [
      ['alice', 'Welcome to the OmniSocial lobby! 👋'],
      ['bob', 'Hi all, glad to be here.'],
      ['carol', 'Has anyone tried the new photo feed yet?'],
      ['alice', 'Yes, it is much faster on my phone.'],
    ],
  },
  {
    alias: 'design',
    name: 'Design',
    topic: 'Feedback on the new look',
    script: [
      ['carol', 'Dark mode mock-ups are up for review.'],
      ['bob', 'Love the contrast on the buttons.'],
    ],
  },
  {
    alias: 'random',
    name: 'Random',
    topic: 'Anything goes',
    script: [['bob', 'Coffee or tea? ☕']],
  },
] as const;

async function seed(homeserver: Homeserver): Promise<void> {
  const peers = new Map<string, Peer>();
  for (const member of members) {
    peers.set(member.username, await homeserver.registerUser({ ...member, password: PASSWORD }));
  }
  const alice = peers.get('alice');
  if (!alice) throw new Error('demo members missing');
  for (const room of rooms) {
    const { roomId } = await alice.createRoom({
      alias: room.alias,
      name: room.name,
      topic: room.topic,
      preset: 'public_chat',
      visibility: 'public',
    });
    for (const peer of peers.values()) if (peer !== alice) await peer.joinRoom(roomId);
    for (const [username, body] of room.script) await peers.get(username)?.sendMessage(roomId, body);
  }
  // A post's room is the companion's: resolving its alias makes the bot create it (bound to the post, the
  // moderators in power), and the members then join and write.
  for (const post of DEMO_POSTS) {
    if (!post.discussion) continue;
    const roomId = await alice.resolveAlias(postRoomAlias(post.id, { serverName: homeserver.serverName }));
    for (const [username, body] of post.discussion) {
      const peer = peers.get(username);
      if (!peer) continue;
      await peer.joinRoom(roomId);
      await peer.sendMessage(roomId, body);
    }
  }
}

/** The companion's post list: the feed's posts, each with its URL on the demo page and the site's moderators. */
function sitePosts(serverName: string): SitePost[] {
  const moderators = DEMO_MODERATORS.map((username) => `@${username}:${serverName}`);
  return DEMO_POSTS.map((post) => ({
    id: post.id,
    title: post.title,
    url: `${PAGE}#${encodeURIComponent(post.id)}`,
    open: post.open,
    moderators,
  }));
}

let vite: ViteDevServer | undefined;
let site: Site | undefined;

let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const synapsePid = site?.homeserver.pid;
  console.log(`omni: stopping the demo${synapsePid === undefined ? '' : `, the companion and Synapse (pid ${String(synapsePid)})`}…`);
  await vite?.close();
  await site?.stop();
  // Whatever the harness still runs (a start that failed half-way), by PID.
  await stopAllSynapses();
  if (synapsePid !== undefined) console.log(`omni: the companion and Synapse (pid ${String(synapsePid)}) stopped.`);
  process.exit(code);
}

// `on`, not `once`: while these listeners exist, the harness leaves the exit to the demo. Node
// installs them even where the demo was started with SIGINT ignored (a background job of a script).
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, () => void shutdown(0));

try {
  console.log('omni: starting Synapse and the companion…');
  site = await startSite({ serverName: SERVER_NAME, posts: sitePosts(SERVER_NAME) });
  const { homeserver, companion } = site;
  await seed(homeserver);
  process.env['VITE_OMNI_HOMESERVER'] = homeserver.baseUrl;
  process.env['VITE_OMNI_SERVER_NAME'] = homeserver.serverName;
  const backend = demoBackend({
    companionUrl: companion.siteApiUrl,
    siteSecret: site.siteSecret,
    members,
    onSignIn: (username) => console.log(`omni: the site signed ${username} in through the companion.`),
  });
  vite = await createServer({
    configFile: `${root}vite.config.ts`,
    root: `${root}demo`,
    // The companion's moderation API on the page's origin, as a site's reverse proxy exposes it to its moderators.
    server: { host: '127.0.0.1', port: 5173, proxy: { [MODERATION_PREFIX]: companion.siteApiUrl } },
    plugins: [backend, demoModeration({ siteSecret: site.siteSecret, members, moderators: DEMO_MODERATORS })],
  });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0] ?? PAGE;
  console.log(`
OmniSocial Chat demo
  Open:        ${url}
  Homeserver:  ${homeserver.baseUrl} (server name ${homeserver.serverName})
  Companion:   ${companion.siteApiUrl} (bot ${companion.botUserId}; it creates each post's room when the post is first opened)
  Members:     ${members.map((m) => m.username).join(', ')} — "Sign in as …" signs in through the companion; password "${PASSWORD}" in a chat's own form
  Rooms:       ${rooms.map((r) => `#${r.alias}:${homeserver.serverName}`).join(', ')}
  Feed:        ${String(DEMO_POSTS.length)} posts, each with its <omni-chat> (open posts readable without signing in)
  Moderation:  ${url}moderation.html — the site's moderators' page (<omni-moderation-queue>; ${DEMO_MODERATORS.join(', ')} moderate)
  Chat as two members: sign in as alice in one window and as bob in another (or a private window).
  Press Ctrl-C to stop (without a terminal: kill -INT ${String(process.pid)}, the demo's pid; Synapse is pid ${String(homeserver.pid)}).`);
} catch (error) {
  console.error(`omni: the demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
