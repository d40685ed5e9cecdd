import type { TestRunnerPlugin } from '@web/test-runner';
import { Peer, startSynapse, type Homeserver } from '@omnisocial/testing';
import type { PeerCall } from '@omnisocial/testing/browser';
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
  return {
    name: 'omni-synapse-harness',
    async serverStart() {
      homeserver = await startSynapse();
    },
    async serverStop() {
      await homeserver?.stop();
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith('omni:')) return undefined;
      if (!homeserver) throw new Error('The Synapse harness is not running.');
      switch (command) {
        case 'omni:homeserver':
          return { baseUrl: homeserver.baseUrl, serverName: homeserver.serverName };
        case 'omni:register':
          return (await homeserver.registerUser(payload ?? {})).toJSON();
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
