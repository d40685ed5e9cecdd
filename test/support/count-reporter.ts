import { writeFileSync } from 'node:fs';
import type { Reporter, TestSession } from '@web/test-runner';

type Suite = NonNullable<TestSession['testResults']>;

function countSuite(suite: Suite, tally: { passed: number; failed: number }): void {
  for (const test of suite.tests) {
    if (test.skipped) continue;
    if (test.passed) tally.passed += 1;
    else tally.failed += 1;
  }
  for (const child of suite.suites) countSuite(child, tally);
}

/**
 * Writes `{ passed, failed }` for the browser run to a file, so the test command can print one
 * total across type-checking, lint, unit and browser tests. A file that fails to load counts as
 * one failure, so a broken import can never look green.
 */
export function countReporter(outFile: string): Reporter {
  return {
    onTestRunFinished({ sessions }) {
      const tally = { passed: 0, failed: 0 };
      for (const session of sessions) {
        const before = tally.failed;
        if (session.testResults) countSuite(session.testResults, tally);
        if (!session.passed && tally.failed === before) tally.failed += 1;
      }
      writeFileSync(outFile, JSON.stringify(tally));
    },
  };
}
