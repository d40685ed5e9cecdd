/**
 * A real Dendrite for the suites that run on a second homeserver implementation: SQLite, loopback, a
 * random free port, a signing key from Dendrite's own `generate-keys`, test accounts through the
 * shared-secret registration endpoint Dendrite implements like Synapse. Started and stopped by PID with
 * the same process bookkeeping as Synapse (synapse-process.ts), so `stopAllSynapses()` stops it too.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDendrite, DENDRITE_VERSION } from './dendrite-build.ts';
import { dendriteConfig, dendriteRegistration, type StartDendriteOptions } from './dendrite-config.ts';
import { runServer, serverFilesParent } from './homeserver-base.ts';
import { matrixFetch } from './peer.ts';
import { freePort, installCleanupHandlers, launchServer, ServerStartError, type Running } from './synapse-process.ts';
import type { Homeserver } from './synapse.ts';

export { DENDRITE_VERSION, ensureDendrite } from './dendrite-build.ts';
export type { StartDendriteOptions } from './dendrite-config.ts';

/** What a Dendrite cannot do that a test asked of the harness: the reason is Dendrite's, named. */
export class UnsupportedByDendrite extends Error {
  constructor(what: string, why: string) {
    super(`omni: Dendrite ${DENDRITE_VERSION} cannot ${what}: ${why}`);
    this.name = 'UnsupportedByDendrite';
  }
}

const PORT_RETRIES = 3;

export async function startDendrite(options: StartDendriteOptions = {}): Promise<Homeserver> {
  const { dendrite, generateKeys } = await ensureDendrite();
  installCleanupHandlers();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dendrite, generateKeys, options);
    } catch (error) {
      const portRace = error instanceof ServerStartError && error.addressInUse && options.port === undefined;
      if (!portRace || attempt >= PORT_RETRIES) throw error;
      await rm(error.configDir, { recursive: true, force: true });
    }
  }
}

async function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`omni: ${path.basename(command)} failed (${String(code)}): ${stderr.trim()}`);
}

/** The log line that explains a failed start (Go's errors are lower case, Dendrite's fatal lines `level=fatal`). */
async function diagnoseDendrite(logFile: string, port: number): Promise<{ summary: string; addressInUse: boolean }> {
  const lines = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter((line) => line.trim() !== '');
  if (lines.some((line) => /address already in use/iu.test(line))) {
    return { summary: `port ${port} on 127.0.0.1 is already in use`, addressInUse: true };
  }
  const summary = lines.findLast((line) => /level=(fatal|error|panic)|Configuration error|panic:/iu.test(line)) ?? lines.at(-1);
  return { summary: summary?.trim() ?? 'the log is empty', addressInUse: false };
}

async function startOnce(dendrite: string, generateKeys: string, options: StartDendriteOptions): Promise<Homeserver> {
  const serverName = options.serverName ?? 'localhost';
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const configDir = await mkdtemp(path.join(serverFilesParent(), 'omni-dendrite-'));
  const logFile = path.join(configDir, 'dendrite.log');
  const configFile = path.join(configDir, 'dendrite.yaml');
  const sharedSecret = randomBytes(32).toString('hex');

  await run(generateKeys, ['--private-key', path.join(configDir, 'matrix_key.pem')], configDir);
  await writeFile(configFile, JSON.stringify(dendriteConfig({ ...options, serverName, configDir, sharedSecret }), null, 2));
  const args = ['--config', configFile, '--http-bind-address', `127.0.0.1:${port}`];
  // Dendrite refuses any registration without a captcha unless told that this is intended.
  if (!dendriteRegistration(options).registrationDisabled) args.push('--really-enable-open-registration');

  const launch = (): Promise<Running> =>
    launchServer({
      name: 'Dendrite',
      command: dendrite,
      args,
      configDir,
      logFile,
      baseUrl,
      repair: 'delete .cache/dendrite and retry',
      diagnose: () => diagnoseDendrite(logFile, port),
    });
  const server = await runServer({ baseUrl, serverName, configDir, logFile, sharedSecret, launch });
  const adminToken = (): Promise<string> => server.adminToken();
  const own: Pick<Homeserver, 'mintLoginToken' | 'createRegistrationToken' | 'saveSnapshot'> = {
    mintLoginToken: () =>
      Promise.reject(
        new UnsupportedByDendrite(
          'mint a login token for a member',
          'it has no admin puppet login (`/_synapse/admin/v1/users/{id}/login`) and no `POST /login/get_token` (MSC3882)',
        ),
      ),
    createRegistrationToken: async (tokenOptions) => {
      // Dendrite's own admin API (`/_dendrite/admin/registrationTokens/new`), the equivalent of Synapse's.
      const created = await matrixFetch<{ token: string }>('POST', `${baseUrl}/_dendrite/admin/registrationTokens/new`, {
        accessToken: await adminToken(),
        body: tokenOptions?.usesAllowed === undefined ? {} : { uses_allowed: tokenOptions.usesAllowed },
      });
      return created.token;
    },
    saveSnapshot: () =>
      Promise.reject(
        new UnsupportedByDendrite('save a snapshot', 'the seeded-database cache (`pnpm bench`) is built for Synapse’s single SQLite file'),
      ),
  };
  return Object.assign(server, own);
}
