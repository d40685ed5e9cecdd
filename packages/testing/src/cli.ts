/**
 * Runs a throwaway Synapse for manual testing:
 *   node packages/testing/src/cli.ts start [--server-name example.test] [--port 8008] [--registration] [--rate-limited]
 */
import { parseArgs } from 'node:util';
import { startSynapse } from './synapse.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'server-name': { type: 'string' },
    port: { type: 'string' },
    registration: { type: 'boolean' },
    'rate-limited': { type: 'boolean' },
  },
});

if (positionals[0] !== 'start') {
  process.stderr.write('usage: node packages/testing/src/cli.ts start [--server-name X] [--port N] [--registration] [--rate-limited]\n');
  process.exit(2);
}

const homeserver = await startSynapse({
  ...(values['server-name'] !== undefined ? { serverName: values['server-name'] } : {}),
  ...(values.port !== undefined ? { port: Number(values.port) } : {}),
  registration: values.registration ?? false,
  rateLimited: values['rate-limited'] ?? false,
});
process.stdout.write(`${homeserver.baseUrl}\n`);
process.stderr.write(`omni: Synapse ${homeserver.serverName} running (pid ${homeserver.pid}, log ${homeserver.logFile}); Ctrl-C to stop\n`);

// Handling the signals here (rather than relying on the harness's default) lets the CLI exit cleanly with 0.
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(name, () => {
    void homeserver.stop().then(() => process.exit(0));
  });
}
