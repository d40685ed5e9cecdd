/**
 * A node:test reporter that yields `{ passed, failed }` over the leaf tests of a run, so the test
 * command can add Node tests to one total. Suites are not counted; their tests are.
 */
interface TestEvent {
  type: string;
  data?: { details?: { type?: string } };
}

export default async function* tally(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    if (event.data?.details?.type === 'suite') continue;
    if (event.type === 'test:pass') passed += 1;
    else if (event.type === 'test:fail') failed += 1;
  }
  yield JSON.stringify({ passed, failed });
}
