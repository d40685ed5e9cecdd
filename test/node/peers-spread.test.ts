/** The side-by-side benchmark's spread of a figure over its runs, and the range of a ratio of two such figures. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ratioSpread, spreadOf } from '../support/peers-spread.ts';

test('median, min–max and quartiles of the finite runs; a run without the figure is left out', () => {
  assert.deepEqual(spreadOf([30, 10, Number.NaN, 50, 20, 40]), { n: 5, median: 30, min: 10, max: 50, q1: 20, q3: 40 });
  assert.deepEqual(spreadOf([4, 2]), { n: 2, median: 3, min: 2, max: 4, q1: 2, q3: 4 });
});

test('no run with the figure: every statistic is NaN, never 0', () => {
  const none = spreadOf([Number.NaN]);
  assert.equal(none.n, 0);
  for (const value of [none.median, none.min, none.max, none.q1, none.q3]) assert.ok(Number.isNaN(value));
});

test('a ratio spans from our best run over their worst to our worst over their best', () => {
  const ratio = ratioSpread(spreadOf([90, 100, 110]), spreadOf([180, 200, 220]));
  assert.equal(ratio.median, 0.5);
  assert.equal(ratio.low, 90 / 220);
  assert.equal(ratio.high, 110 / 180);
});
