import type { TestRunnerPlugin } from '@web/test-runner';
import { Peer, homeserverImplementation, startFederation, startHomeserver, type Federation, type Homeserver } from '@omnisocial/testing';
import type { ExtraHomeserverOptions, PeerCall } from '@omnisocial/testing/browser';
import { matches, type MessageMatch } from '@omnisocial/testing/match';
import { NioPeer, type NioCommand, type NioCommands } from './nio.ts';
import { databaseContains, storedRoomEvents } from './synapse-db.ts';
import { startFaultProxy, type FaultProxy, type FaultSettings, type RequestMatch } from './fault-proxy.ts';
import { startPreviewSite, type PreviewSite } from './preview-site.ts';

const peerMethods = new Set<string>([
  'createRoom',
  'joinRoom',
  'invite',
  'sendMessage',
  'sendEvent',
  'sendState',
  'redact',
  'setTyping',
  'roomMessages',
  'waitForMessage',
  'resolveAlias',
  'setDisplayName',
  'setAvatarUrl',
  'upload',
  'whoami',
  // Any client-server call a test needs once (e.g. re-pointing an alias, reading power levels).
  'request',
]);

/**
 * Starts one real Synapse for the whole browser test run and lets tests drive it through
 * `executeServerCommand` (see `@omnisocial/testing/browser`): register users, act as peers.
 */
export function synapseHarness(): TestRunnerPlugin {
  let homeserver: Homeserver | undefined;
  /** Homeservers a test started for a configuration the shared one does not have (registration, no guests…). */
  const extra = new Map<string, Homeserver>();
  /** Fault-injecting proxies in front of a homeserver, by their base URL (`omni:proxy-*`). */
  const proxies = new Map<string, FaultProxy>();
  const proxy = (url: unknown): FaultProxy => {
    const found = typeof url === 'string' ? proxies.get(url) : undefined;
    if (!found) throw new Error(`No fault proxy ${String(url)} is running.`);
    return found;
  };
  /** Independent nio clients (`omni:nio-*`, interoperability tests), by id. */
  const nioPeers = new Map<string, NioPeer>();
  let nioCount = 0;
  const nio = (id: unknown): NioPeer => {
    const found = typeof id === 'string' ? nioPeers.get(id) : undefined;
    if (!found) throw new Error(`No nio peer ${String(id)} is running.`);
    return found;
  };
  /** The pages link preview tests have the homeserver preview (`omni:preview-site`), started on first use. */
  let previewSite: Promise<PreviewSite> | undefined;
  /** The two federating homeservers (`omni:start-federation`), started once for the run on first use. */
  let federation: Promise<Federation> | undefined;
  const target = (server: unknown): Homeserver => {
    const found = typeof server === 'string' ? extra.get(server) : homeserver;
    if (!found) throw new Error(`No homeserver ${String(server)} is running.`);
    return found;
  };
  return {
    name: 'omni-synapse-harness',
    async serverStart() {
      // Synapse, or Dendrite under OMNI_HOMESERVER=dendrite (`pnpm test dendrite`).
      homeserver = await startHomeserver();
    },
    async serverStop() {
      await Promise.all([...nioPeers.values()].map((p) => p.close()));
      await Promise.all([...proxies.values()].map((p) => p.close()));
      await previewSite?.then((site) => site.close());
      await Promise.all([...extra.values()].map((server) => server.stop()));
      await federation?.then(
        (f) => f.stop(),
        () => undefined,
      );
      await homeserver?.stop();
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith('omni:')) return undefined;
      if (!homeserver) throw new Error('The Synapse harness is not running.');
      switch (command) {
        case 'omni:homeserver':
          return { baseUrl: homeserver.baseUrl, serverName: homeserver.serverName, implementation: homeserverImplementation() };
        case 'omni:register': {
          const { server, ...options } = (payload ?? {}) as { server?: string };
          return (await target(server).registerUser(options)).toJSON();
        }
        case 'omni:start-homeserver': {
          const started = await startHomeserver(payload as ExtraHomeserverOptions);
          extra.set(started.baseUrl, started);
          return { baseUrl: started.baseUrl, serverName: started.serverName };
        }
        case 'omni:stop-homeserver': {
          const { server } = payload as { server: string };
          await target(server).stop();
          extra.delete(server);
          return true;
        }
        case 'omni:start-federation': {
          // B is named by its IP literal, so that a server ACL can name B without naming A (both would be `localhost`).
          federation ??= startFederation({ ipLiteralB: true });
          const { a, b, startupMs } = await federation;
          // Registered like extra homeservers, so every `server`-taking command reaches them by base URL.
          extra.set(a.baseUrl, a);
          extra.set(b.baseUrl, b);
          const info = (s: Homeserver): { baseUrl: string; serverName: string } => ({ baseUrl: s.baseUrl, serverName: s.serverName });
          return { a: info(a), b: info(b), startupMs };
        }
        case 'omni:kill-homeserver': {
          await target((payload as { server: string }).server).kill();
          return true;
        }
        case 'omni:restart-homeserver': {
          await target((payload as { server: string }).server).restart();
          return true;
        }
        case 'omni:mint-login-token': {
          const { userId, server } = payload as { userId: string; server?: string };
          return target(server).mintLoginToken(userId);
        }
        case 'omni:create-registration-token': {
          const { server, usesAllowed } = payload as { server?: string; usesAllowed?: number };
          return target(server).createRegistrationToken(usesAllowed === undefined ? {} : { usesAllowed });
        }
        case 'omni:proxy-start': {
          const { server } = (payload ?? {}) as { server?: string };
          const started = await startFaultProxy(target(server).baseUrl);
          proxies.set(started.baseUrl, started);
          return { baseUrl: started.baseUrl };
        }
        case 'omni:proxy-set': {
          const { proxy: url, settings } = payload as { proxy: string; settings: FaultSettings };
          proxy(url).set(settings);
          return true;
        }
        case 'omni:proxy-reset': {
          proxy((payload as { proxy: string }).proxy).reset();
          return true;
        }
        case 'omni:proxy-log': {
          const { proxy: url, match, clear } = payload as { proxy: string; match?: RequestMatch; clear?: boolean };
          const found = proxy(url);
          const log = found.log(match);
          if (clear) found.clearLog();
          return log;
        }
        case 'omni:proxy-stop': {
          const { proxy: url } = payload as { proxy: string };
          await proxy(url).close();
          proxies.delete(url);
          return true;
        }
        case 'omni:preview-site': {
          previewSite ??= startPreviewSite();
          const site = await previewSite;
          return { origin: site.origin, log: site.log() };
        }
        case 'omni:nio-start': {
          const id = `nio-${++nioCount}`;
          nioPeers.set(id, new NioPeer());
          return id;
        }
        case 'omni:nio': {
          const { peer: id, cmd, args } = payload as { peer: string; cmd: NioCommand; args: NioCommands[NioCommand]['args'] };
          return nio(id).call(cmd, args);
        }
        case 'omni:nio-stop': {
          const { peer: id } = payload as { peer: string };
          await nio(id).close();
          nioPeers.delete(id);
          return true;
        }
        case 'omni:stored-room-events': {
          const { roomId, server } = payload as { roomId: string; server?: string };
          return storedRoomEvents(target(server).configDir, roomId);
        }
        case 'omni:database-contains': {
          const { text, server } = payload as { text: string; server?: string };
          return databaseContains(target(server).configDir, text);
        }
        case 'omni:peer': {
          const { user, method, args } = payload as PeerCall;
          if (!peerMethods.has(method)) throw new Error(`Unknown peer method ${method}`);
          const peer = Peer.fromJSON(user);
          // Wrapped, because the runner treats a command returning nothing as unhandled.
          if (method === 'waitForMessage') {
            const [roomId, match, timeoutMs] = args as [string, MessageMatch, number | undefined];
            return { result: await peer.waitForMessage(roomId, (event) => matches(event, match), timeoutMs) };
          }
          const call = (peer[method] as (...a: unknown[]) => Promise<unknown>).bind(peer);
          return { result: (await call(...args)) ?? null };
        }
        default:
          throw new Error(`Unknown harness command ${command}`);
      }
    },
  };
}
