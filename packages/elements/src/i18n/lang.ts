/** The supported locale a `lang` stands for, and its direction. */
import { allLocales, sourceLocale } from '../locales/locale-codes.ts';

/** Written right to left. */
const RTL_LANGUAGES: ReadonlySet<string> = new Set(['ar', 'he', 'fa', 'ur', 'yi', 'ps', 'ckb', 'dv', 'sd', 'ug']);

/** Old or alternative codes of supported languages (`iw` is Hebrew's code before 1989, still sent by some systems). */
const ALIASES: Readonly<Record<string, string>> = { iw: 'he' };

/**
 * The supported locale closest to a BCP 47 tag: the tag itself, else its language (`de-AT` → `de`), else English.
 * Anything unknown or malformed falls back to English, never to an error.
 */
export function matchLocale(tag: string | null | undefined): string {
  const wanted = (tag ?? '').trim().toLowerCase().replaceAll('_', '-');
  const all: readonly string[] = allLocales;
  if (all.includes(wanted)) return wanted;
  const language = wanted.split('-')[0] ?? '';
  const match = ALIASES[language] ?? language;
  return all.includes(match) ? match : sourceLocale;
}

/** `rtl` for a locale written right to left, `ltr` otherwise. */
export function directionOf(locale: string): 'ltr' | 'rtl' {
  return RTL_LANGUAGES.has(locale.split('-')[0] ?? '') ? 'rtl' : 'ltr';
}
