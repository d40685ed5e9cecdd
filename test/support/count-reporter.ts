import { writeFileSync } from 'node:fs';
import type { Reporter, TestSession } from '@web/test-runner';

type Suite = NonNullable<TestSession['testResults']>;

interface Tally {
  passed: number;
  failed: number;
  failures: Array<{ name: string; file: string; error: string }>;
}

function countSuite(suite: Suite, file: string, tally: Tally, path: readonly string[] = []): void {
  for (const test of suite.tests) {
    if (test.skipped) continue;
    if (test.passed) tally.passed += 1;
    else {
      tally.failed += 1;
      const error = test.error ? [test.error.message, test.error.stack ?? ''].join('\n') : 'failed without an error';
      tally.failures.push({ name: [...path, test.name].join(' › '), file, error: error.split('\n').slice(0, 12).join('\n') });
    }
  }
  for (const child of suite.suites) countSuite(child, file, tally, [...path, child.name]);
}

/**
 * Writes `{ passed, failed, failures }` for the browser run to a file, so the test command can print
 * one total across type-checking, lint, unit and browser tests, and repeat what failed at its end. A
 * file that fails to load counts as one failure, so a broken import can never look green.
 */
export function countReporter(outFile: string): Reporter {
  return {
    onTestRunFinished({ sessions }) {
      const tally: Tally = { passed: 0, failed: 0, failures: [] };
      for (const session of sessions) {
        const before = tally.failed;
        if (session.testResults) countSuite(session.testResults, session.testFile, tally);
        if (!session.passed && tally.failed === before) {
          tally.failed += 1;
          const errors = session.errors.map((error) => error.message).join('\n');
          tally.failures.push({ name: 'the file did not run to the end', file: session.testFile, error: errors || 'no error reported' });
        }
      }
      writeFileSync(outFile, JSON.stringify(tally));
    },
  };
}
