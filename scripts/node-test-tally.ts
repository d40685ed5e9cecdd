/**
 * A node:test reporter that yields `{ passed, failed, failures, fileSeconds }` over the leaf tests of a run, so the
 * test command can add Node tests to one total, repeat at its end what failed and why, and start the longest
 * files first next time (`fileSeconds`: each file's top-level tests and suites, summed). Suites are not counted;
 * their tests are.
 */
interface TestEvent {
  type: string;
  data?: {
    name?: string;
    file?: string;
    nesting?: number;
    details?: { type?: string; error?: unknown; duration_ms?: number };
    /** Set (to the reason, or true) on a test that was skipped: neither passed nor failed. */
    skip?: string | boolean;
  };
}

/** The first lines of a failure: the cause's message where node:test wrapped it. */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const text = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
  return text
    .split('\n')
    .filter((line) => !/\(node:|node_modules/u.test(line))
    .slice(0, 12)
    .join('\n');
}

export default async function* tally(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  let passed = 0;
  let failed = 0;
  const failures: Array<{ name: string; file: string; error: string }> = [];
  const fileSeconds: Record<string, number> = {};
  for await (const event of source) {
    const { file, nesting, details } = event.data ?? {};
    if ((event.type === 'test:pass' || event.type === 'test:fail') && nesting === 0 && file && details?.duration_ms !== undefined) {
      fileSeconds[file] = (fileSeconds[file] ?? 0) + details.duration_ms / 1000;
    }
    if (event.data?.details?.type === 'suite' || event.data?.skip) continue;
    if (event.type === 'test:pass') passed += 1;
    else if (event.type === 'test:fail') {
      failed += 1;
      failures.push({ name: event.data?.name ?? '', file: event.data?.file ?? '', error: describe(event.data?.details?.error) });
    }
  }
  yield JSON.stringify({ passed, failed, failures, fileSeconds });
}
