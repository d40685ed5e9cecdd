/** The benchmarks' statistics live in test/support/stats.ts, where the Node tests can reach them too. */
export { median, percentile } from '../support/stats.ts';
