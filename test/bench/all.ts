/**
 * `pnpm bench [scenario…]`: runs every benchmark scenario, or only those named
 * (`pnpm bench sync`, `pnpm bench sending`). Each prints its table and writes bench-results/<name>.json.
 */
export {};

const scenarios: Record<string, () => Promise<void>> = {
  // run.ts runs when imported (it predates this dispatcher).
  sync: async () => {
    await import('./run.ts');
  },
  sending: async () => {
    const { runSendingBench } = await import('./sending.ts');
    await runSendingBench();
  },
};

const asked = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = asked.filter((name) => !(name in scenarios));
if (unknown.length > 0) {
  process.stderr.write(`omni bench: unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(scenarios).join(', ')}\n`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : Object.keys(scenarios)) {
  const run = scenarios[name];
  if (!run) continue;
  try {
    await run();
  } catch (error) {
    process.exitCode = 1;
    process.stderr.write(`omni bench ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}
