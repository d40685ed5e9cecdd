/**
 * `@lit/localize`'s runtime mode and the locale modules, loaded together with the first language other than
 * English (i18n/locale.ts), so the loader carries neither.
 */
import { configureLocalization } from '@lit/localize';
import { sourceLocale, targetLocales } from '../locales/locale-codes.ts';

type TargetLocale = (typeof targetLocales)[number];
type LocaleModule = typeof import('../locales/de.ts');

/** Switches the strings to a locale, resolving once they have arrived. */
export type SetLocale = (locale: string) => Promise<void>;

/** One chunk per locale, fetched on first use. */
const modules: Readonly<Record<TargetLocale, () => Promise<LocaleModule>>> = {
  ar: () => import('../locales/ar.ts'),
  de: () => import('../locales/de.ts'),
  es: () => import('../locales/es.ts'),
  fr: () => import('../locales/fr.ts'),
  he: () => import('../locales/he.ts'),
};

function isTarget(locale: string): locale is TargetLocale {
  return (targetLocales as readonly string[]).includes(locale);
}

export function configure(): SetLocale {
  const { setLocale } = configureLocalization({
    sourceLocale,
    targetLocales,
    loadLocale: (locale) => (isTarget(locale) ? modules[locale]() : Promise.reject(new Error(`no locale ${locale}`))),
  });
  return setLocale;
}
