/**
 * A figure over several runs: its median and its spread (min–max and the interquartile range), and the ratio of two
 * such figures with the range it can take given both spreads.
 */
import { median, percentile } from './stats.ts';

export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
  /** 25th and 75th percentiles (nearest rank). */
  q1: number;
  q3: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN, q1: Number.NaN, q3: Number.NaN };
  return {
    n: finite.length,
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    q1: percentile(finite, 25),
    q3: percentile(finite, 75),
  };
}

export interface RatioSpread {
  /** median(ours) / median(theirs). */
  median: number;
  /** The smallest and largest ratio any of our runs and any of theirs give: ours' min / theirs' max, ours' max / theirs' min. */
  low: number;
  high: number;
}

export function ratioSpread(ours: Spread, theirs: Spread): RatioSpread {
  return { median: ours.median / theirs.median, low: ours.min / theirs.max, high: ours.max / theirs.min };
}
