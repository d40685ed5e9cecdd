/**
 * The locale the elements' strings, dates and numbers are in right now: one per page, since `@lit/localize`'s
 * runtime mode keeps one set of translations active (docs/languages.md explains what that means for two elements
 * with different `lang`s). Kept apart from locale.ts so formatting helpers can read it without loading anything.
 */
let current = 'en';

export function activeLocale(): string {
  return current;
}

/** Set by locale.ts once a locale's strings have arrived, just before the elements re-render. */
export function setActiveLocale(locale: string): void {
  current = locale;
}
