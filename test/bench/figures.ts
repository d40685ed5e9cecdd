/**
 * The summary table's rows (all.ts), which every scenario module gives for its own results file
 * (bench-results/<scenario>.json) with its `…Figures(json)` function, and the readers they share: a results
 * file is plain JSON, read defensively (a figure a run did not produce is `undefined`, shown as "—").
 */

/** One row of the summary: a figure beside its target from DESIGN.md; `ok` undefined for a figure without one. */
export interface Figure {
  figure: string;
  value: number | undefined;
  unit: string;
  target: string;
  ok: boolean | undefined;
}

export type Json = Record<string, unknown>;

export const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
export const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
export const arr = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
export const check = (value: number | undefined, pass: (v: number) => boolean): boolean | undefined =>
  value === undefined ? undefined : pass(value);
/** The number at `path` in `json`, when there is one. */
export const numAt = (json: Json, ...path: string[]): number | undefined => {
  let value: unknown = json;
  for (const key of path) value = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  return num(value);
};
/** A figure without a target: shown for information, never `over`. */
export const info = (figure: string, value: number | undefined, unit: string): Figure => ({
  figure,
  value,
  unit,
  target: '—',
  ok: undefined,
});
