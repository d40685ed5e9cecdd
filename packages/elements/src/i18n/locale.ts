/**
 * Which language the elements speak, and loading it. Strings go through `@lit/localize` in runtime mode: English
 * is built in, every other locale is a module of its own (generated from packages/elements/xliff/ into
 * src/locales/) that loads with `import()` the first time an element asks for it, so the loader carries no
 * translation. No Lit here: the loader's shells use it before any view exists (docs/languages.md).
 */
import { configureLocalization } from '@lit/localize';
import { allLocales, sourceLocale, targetLocales } from '../locales/locale-codes.ts';
import { activeLocale, setActiveLocale } from './active-locale.ts';

type TargetLocale = (typeof targetLocales)[number];
type LocaleModule = typeof import('../locales/de.ts');

/** One chunk per locale, fetched on first use. */
const modules: Readonly<Record<TargetLocale, () => Promise<LocaleModule>>> = {
  ar: () => import('../locales/ar.ts'),
  de: () => import('../locales/de.ts'),
  es: () => import('../locales/es.ts'),
  fr: () => import('../locales/fr.ts'),
  he: () => import('../locales/he.ts'),
};

/** Written right to left. */
const RTL_LANGUAGES: ReadonlySet<string> = new Set(['ar', 'he', 'fa', 'ur', 'yi', 'ps', 'ckb', 'dv', 'sd', 'ug']);

/** Old or alternative codes of supported languages (`iw` is Hebrew's code before 1989, still sent by some systems). */
const ALIASES: Readonly<Record<string, string>> = { iw: 'he' };

let localization: ReturnType<typeof configureLocalization> | undefined;
let requested: string = sourceLocale;
const listeners = new Set<() => void>();
const asked = new Set<string>();
let warned = false;

function isTarget(locale: string): locale is TargetLocale {
  return (targetLocales as readonly string[]).includes(locale);
}

function controls(): ReturnType<typeof configureLocalization> {
  localization ??= configureLocalization({
    sourceLocale,
    targetLocales,
    loadLocale: (locale) => (isTarget(locale) ? modules[locale]() : Promise.reject(new Error(`no locale ${locale}`))),
  });
  return localization;
}

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

/** The `lang` that applies to an element: its own, else the closest ancestor's (out of shadow roots too), else none. */
export function langOf(element: Element): string | undefined {
  let node: Element | null = element;
  while (node) {
    const lang = node.closest('[lang]:not([lang=""])')?.getAttribute('lang');
    if (lang) return lang;
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return undefined;
}

/** `rtl` for a locale written right to left, `ltr` otherwise. */
export function directionOf(locale: string): 'ltr' | 'rtl' {
  return RTL_LANGUAGES.has(locale.split('-')[0] ?? '') ? 'rtl' : 'ltr';
}

/**
 * Asks for `locale`'s strings. The page has one active locale (runtime `@lit/localize` keeps one set of
 * translations): the latest request wins, and a console warning says so once when elements ask for different
 * languages. A locale that fails to load (offline) leaves the current one in place; asking again retries.
 */
export function requestLocale(locale: string): Promise<void> {
  const target = matchLocale(locale);
  asked.add(target);
  if (asked.size > 1 && !warned) {
    warned = true;
    console.warn(
      `OmniSocial Chat: elements on this page ask for several languages (${[...asked].join(', ')}); they all show the one asked for last. Set one lang on the page, see docs/languages.md.`,
    );
  }
  requested = target;
  if (target === activeLocale() && !localization) return Promise.resolve();
  return controls()
    .setLocale(target)
    .then(
      () => {
        if (requested !== target) return;
        setActiveLocale(target);
        for (const listener of listeners) listener();
      },
      () => undefined,
    );
}

/** Calls `listener` after the active locale changed (its strings have arrived); returns the unsubscribe. */
export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export { activeLocale };
