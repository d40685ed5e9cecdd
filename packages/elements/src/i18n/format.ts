/**
 * Dates, times and sizes through `Intl`, in the active locale (the one the strings are in, so a message's time
 * and its "Edited" read in one language). Formatters are cached per locale. No Lit here.
 */
import { activeLocale } from './active-locale.ts';

const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>(key: string, make: (locale: string) => T): T {
  const locale = activeLocale();
  const id = `${locale} ${key}`;
  let format = formats.get(id);
  if (!format) {
    format = make(locale);
    formats.set(id, format);
  }
  return format as T;
}

/**
 * Makes the timeline's date and time formatters ahead of its first render. The first `Intl` formatter a page makes
 * loads the locale data (15-25 ms, four times that on a slow phone): the views chunk calls this when the main
 * thread is idle (the page signing in, a room's messages on their way) rather than inside the first render.
 */
export function prepareFormats(): void {
  const now = Date.now();
  formatTime(now);
  formatDay(now);
}

/** "14:05", "2:05 PM": a message's time. */
export function formatTime(date: Date | number): string {
  return cached('time', (locale) => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' })).format(date);
}

/** "6 Dec 2026, 14:05": a message's full date and time (its tooltip). */
export function formatDateTime(date: Date | number): string {
  return cached('date-time', (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })).format(date);
}

/** "Sunday, 6 December 2026": a day divider in the timeline. */
export function formatDay(date: Date | number): string {
  return cached(
    'day',
    (locale) => new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
  ).format(date);
}

const sizeUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** "820 byte", "12.4 kB", "3.1 MB": decimal units, as file managers show them. */
export function humanSize(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < sizeUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const name = sizeUnits[unit] ?? 'byte';
  return cached(
    name,
    (locale) =>
      new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }),
  ).format(value);
}

/**
 * "Ana, Ben and Chloé": names joined the active locale's way. English lists keep the house style, without a
 * serial comma (British English's list pattern).
 */
export function formatList(items: readonly string[]): string {
  const locale = activeLocale();
  return new Intl.ListFormat(locale === 'en' ? 'en-GB' : locale, { type: 'conjunction' }).format(items);
}

/** "Alice joined, Bob left": clauses of one sentence, listed the active locale's way (no "and" in English). */
export function formatClauses(items: readonly string[]): string {
  return cached('clauses', (locale) => new Intl.ListFormat(locale, { type: 'unit', style: 'short' })).format(items);
}
