import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runServer, serverFilesParent, type Homeserver } from './homeserver-base.ts';
import { createRegistrationToken, mintLoginToken } from './synapse-admin.ts';
import {
  homeserverConfig,
  logConfig,
  NO_ROOMS_MODULE,
  NO_ROOMS_SOURCE,
  signingKey,
  writeConsentTemplates,
  type StartSynapseOptions,
} from './synapse-config.ts';
import { diagnose, freePort, installCleanupHandlers, launchServer, runPython, ServerStartError, type Running } from './synapse-process.ts';
import { ensureSynapse } from './venv.ts';
import { describeShared, sharedSynapse } from './shared-synapse.ts';

export { DEFAULT_PASSWORD, type RegisterUserOptions } from './synapse-admin.ts';
export { synapseConfigFingerprint, type StartSynapseOptions } from './synapse-config.ts';
export { stopAllSynapses } from './synapse-process.ts';
export type { Homeserver } from './homeserver-base.ts';

const PORT_RETRIES = 3;

export async function startSynapse(options: StartSynapseOptions = {}): Promise<Homeserver> {
  const shared = sharedSynapse(options);
  if (shared) return shared;
  const { python } = await ensureSynapse();
  installCleanupHandlers();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(python, options);
    } catch (error) {
      // A random port can be taken between probing it and Synapse binding it; an explicit port cannot be retried.
      const portRace = error instanceof ServerStartError && error.addressInUse && options.port === undefined;
      if (!portRace || attempt >= PORT_RETRIES) throw error;
      // Only the final failure's log is worth keeping for the developer.
      await rm(error.configDir, { recursive: true, force: true });
    }
  }
}

async function startOnce(python: string, options: StartSynapseOptions): Promise<Homeserver> {
  const serverName = options.serverName ?? 'localhost';
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const configDir = await mkdtemp(path.join(serverFilesParent(), 'omni-synapse-'));
  const logFile = path.join(configDir, 'homeserver.log');
  const configFile = path.join(configDir, 'homeserver.yaml');
  const sharedSecret = randomBytes(32).toString('hex');

  if (options.snapshot) {
    await copyFile(path.join(options.snapshot, 'homeserver.db'), path.join(configDir, 'homeserver.db'));
    await copyFile(path.join(options.snapshot, 'signing.key'), path.join(configDir, 'signing.key'));
    await cp(path.join(options.snapshot, 'media'), path.join(configDir, 'media'), { recursive: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  } else {
    await writeFile(path.join(configDir, 'signing.key'), signingKey());
  }
  await writeFile(path.join(configDir, 'log.yaml'), JSON.stringify(logConfig(logFile, options.bench ? 'WARNING' : 'INFO'), null, 2));
  if (options.terms) await writeConsentTemplates(configDir);
  if (options.roomCreation === 'forbidden') await writeFile(path.join(configDir, `${NO_ROOMS_MODULE}.py`), NO_ROOMS_SOURCE);
  await writeFile(
    configFile,
    JSON.stringify(homeserverConfig({ ...options, serverName, port, baseUrl, configDir, sharedSecret }), null, 2),
  );

  /** Runs Synapse on this configuration (again, after `kill()`: same port, same database). */
  const launch = (): Promise<Running> =>
    launchServer({
      name: 'Synapse',
      command: python,
      args: ['-m', 'synapse.app.homeserver', '-c', configFile],
      configDir,
      logFile,
      baseUrl,
      repair: 'delete .cache/synapse and retry',
      diagnose: () => diagnose(logFile, port),
    });
  const server = await runServer({ baseUrl, serverName, configDir, logFile, sharedSecret, launch });
  const adminToken = (): Promise<string> => server.adminToken();
  const own: Pick<Homeserver, 'mintLoginToken' | 'createRegistrationToken' | 'saveSnapshot'> = {
    mintLoginToken: async (userId) => mintLoginToken(baseUrl, await adminToken(), userId),
    createRegistrationToken: async (tokenOptions) => createRegistrationToken(baseUrl, await adminToken(), tokenOptions),
    saveSnapshot: async (dir) => {
      // Written beside `dir` and renamed into place, so an interrupted save leaves no half snapshot.
      const partial = `${dir}.partial-${String(process.pid)}`;
      await rm(partial, { recursive: true, force: true });
      await mkdir(partial, { recursive: true });
      await runPython(python, [
        '-c',
        'import sqlite3, sys\nsource = sqlite3.connect(sys.argv[1])\ntarget = sqlite3.connect(sys.argv[2])\nsource.backup(target)\ntarget.close()\nsource.close()',
        path.join(configDir, 'homeserver.db'),
        path.join(partial, 'homeserver.db'),
      ]);
      await copyFile(path.join(configDir, 'signing.key'), path.join(partial, 'signing.key'));
      if (existsSync(path.join(configDir, 'media')))
        await cp(path.join(configDir, 'media'), path.join(partial, 'media'), { recursive: true });
      await rm(dir, { recursive: true, force: true });
      await rename(partial, dir);
    },
  };
  const homeserver = Object.assign(server, own);
  shareable.set(homeserver, () => describeShared({ baseUrl, serverName, sharedSecret, configDir, logFile, pid: server.pid }, options));
  return homeserver;
}

const shareable = new WeakMap<Homeserver, () => Record<string, string>>();

/**
 * The environment under which test files' `startSynapse()` with the options `server` was started with gets a
 * handle on it instead of starting one (shared-synapse.ts). Only for a server this process started.
 */
export function shareEnvironment(server: Homeserver): Record<string, string> {
  const describe = shareable.get(server);
  if (!describe) throw new Error(`${server.baseUrl} was not started by this process's startSynapse()`);
  return describe();
}
