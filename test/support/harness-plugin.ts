import type { TestRunnerPlugin } from '@web/test-runner';
import { Peer, startSynapse, type Homeserver } from '@omnisocial/testing';
import type { ExtraHomeserverOptions, PeerCall } from '@omnisocial/testing/browser';
import { matches, type MessageMatch } from '@omnisocial/testing/match';

const peerMethods = new Set<string>([
  'createRoom',
  'joinRoom',
  'invite',
  'sendMessage',
  'sendEvent',
  'sendState',
  'roomMessages',
  'waitForMessage',
  'resolveAlias',
  'setDisplayName',
  'whoami',
]);

/**
 * Starts one real Synapse for the whole browser test run and lets tests drive it through
 * `executeServerCommand` (see `@omnisocial/testing/browser`): register users, act as peers.
 */
export function synapseHarness(): TestRunnerPlugin {
  let homeserver: Homeserver | undefined;
  /** Homeservers a test started for a configuration the shared one does not have (registration, no guests…). */
  const extra = new Map<string, Homeserver>();
  const target = (server: unknown): Homeserver => {
    const found = typeof server === 'string' ? extra.get(server) : homeserver;
    if (!found) throw new Error(`No homeserver ${String(server)} is running.`);
    return found;
  };
  return {
    name: 'omni-synapse-harness',
    async serverStart() {
      homeserver = await startSynapse();
    },
    async serverStop() {
      await Promise.all([...extra.values()].map((server) => server.stop()));
      await homeserver?.stop();
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith('omni:')) return undefined;
      if (!homeserver) throw new Error('The Synapse harness is not running.');
      switch (command) {
        case 'omni:homeserver':
          return { baseUrl: homeserver.baseUrl, serverName: homeserver.serverName };
        case 'omni:register': {
          const { server, ...options } = (payload ?? {}) as { server?: string };
          return (await target(server).registerUser(options)).toJSON();
        }
        case 'omni:start-homeserver': {
          const started = await startSynapse(payload as ExtraHomeserverOptions);
          extra.set(started.baseUrl, started);
          return { baseUrl: started.baseUrl, serverName: started.serverName };
        }
        case 'omni:stop-homeserver': {
          const { server } = payload as { server: string };
          await target(server).stop();
          extra.delete(server);
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
        case 'omni:peer': {
          const { user, method, args } = payload as PeerCall;
          if (!peerMethods.has(method)) throw new Error(`Unknown peer method ${method}`);
          const peer = Peer.fromJSON(user);
          if (method === 'waitForMessage') {
            const [roomId, match, timeoutMs] = args as [string, MessageMatch, number | undefined];
            return peer.waitForMessage(roomId, (event) => matches(event, match), timeoutMs);
          }
          const call = (peer[method] as (...a: unknown[]) => Promise<unknown>).bind(peer);
          return (await call(...args)) ?? null;
        }
        default:
          throw new Error(`Unknown harness command ${command}`);
      }
    },
  };
}
