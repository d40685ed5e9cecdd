/**
 * The demo: a local Synapse (installed on first run), seeded with members and rooms, and the
 * OmniSocial demo site served by Vite. Ctrl-C, or SIGINT, SIGTERM or SIGHUP to this process (its pid
 * is printed: a run without a terminal has no Ctrl-C), stops everything, Synapse by its PID.
 */
import { fileURLToPath } from 'node:url';
import { startSynapse, stopAllSynapses, type Homeserver, type Peer } from '@omnisocial/testing';
import { createServer, type ViteDevServer } from 'vite';
import { DEMO_MODERATORS, DEMO_POSTS } from '../demo/posts.ts';
import { postRoomAlias, postRoomCreateRequest } from '../packages/core/src/posts/posts.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'omni-demo';

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
  // Posts with a discussion get their room as the first message would create it (bound to the post,
  // the moderators in power); the others start empty.
  const moderators = DEMO_MODERATORS.map((username) => `@${username}:${homeserver.serverName}`);
  for (const post of DEMO_POSTS) {
    if (!post.discussion) continue;
    const target = {
      id: post.id,
      title: post.title,
      url: `http://127.0.0.1:5173/#${encodeURIComponent(post.id)}`,
      open: post.open,
      moderators,
    };
    const alias = postRoomAlias(post.id, { serverName: homeserver.serverName });
    const { room_id: roomId } = await alice.request<{ room_id: string }>(
      'POST',
      '/_matrix/client/v3/createRoom',
      postRoomCreateRequest(target, alias, alice.userId),
    );
    for (const [username, body] of post.discussion) {
      const peer = peers.get(username);
      if (!peer) continue;
      if (peer !== alice) await peer.joinRoom(roomId);
      await peer.sendMessage(roomId, body);
    }
  }
}

let vite: ViteDevServer | undefined;
let synapsePid: number | undefined;

let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`omni: stopping the demo${synapsePid === undefined ? '' : ` and Synapse (pid ${String(synapsePid)})`}…`);
  await vite?.close();
  await stopAllSynapses();
  if (synapsePid !== undefined) console.log(`omni: Synapse (pid ${String(synapsePid)}) stopped.`);
  process.exit(code);
}

// `on`, not `once`: while these listeners exist, the harness leaves the exit to the demo. Node
// installs them even where the demo was started with SIGINT ignored (a background job of a script).
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, () => void shutdown(0));

try {
  console.log('omni: starting Synapse…');
  const homeserver = await startSynapse();
  synapsePid = homeserver.pid;
  await seed(homeserver);
  process.env['VITE_OMNI_HOMESERVER'] = homeserver.baseUrl;
  process.env['VITE_OMNI_SERVER_NAME'] = homeserver.serverName;
  vite = await createServer({ configFile: `${root}vite.config.ts`, root: `${root}demo`, server: { host: '127.0.0.1', port: 5173 } });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
  console.log(`
OmniSocial Chat demo
  Open:        ${url}
  Homeserver:  ${homeserver.baseUrl} (server name ${homeserver.serverName})
  Members:     ${members.map((m) => m.username).join(', ')} — password "${PASSWORD}"
  Rooms:       ${rooms.map((r) => `#${r.alias}:${homeserver.serverName}`).join(', ')}
  Feed:        ${String(DEMO_POSTS.length)} posts, each with its <omni-chat> (open posts readable without signing in)
  Chat as two members: sign in as alice in one window and as bob in another (or a private window).
  Press Ctrl-C to stop (without a terminal: kill -INT ${String(process.pid)}, the demo's pid; Synapse is pid ${String(homeserver.pid)}).`);
} catch (error) {
  console.error(`omni: the demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
