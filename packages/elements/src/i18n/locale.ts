/**
 * Which language the elements speak, and loading it. Strings go through `@lit/localize` in runtime mode: English
 * is built in, every other locale is a module of its own (generated from packages/elements/xliff/ into
 * src/locales/) that loads with `import()` the first time an element asks for it, so the loader carries no
 * translation. No Lit here; the loader's shells import this module only for a language other than English
 * (loader/shell-locale.ts), the views statically (docs/languages.md).
 */
import { sourceLocale } from '../locales/locale-codes.ts';
import { activeLocale, setActiveLocale } from './active-locale.ts';
import { directionOf, matchLocale } from './lang.ts';
import type { SetLocale } from './locale-runtime.ts';

/** `@lit/localize`'s runtime, loaded with the first language other than English (an English page never loads it). */
let runtime: Promise<SetLocale> | undefined;
let requested: string = sourceLocale;
const listeners = new Set<() => void>();
/** The locale each following shell asked for, to tell a page that two of them disagree. */
const wanted = new Map<HTMLElement, string>();
let warned = false;

/**
 * Asks for `locale`'s strings. The page has one active locale (runtime `@lit/localize` keeps one set of
 * translations): the latest request wins ({@link followLocale} warns once when shells on the page disagree). A
 * locale that fails to load (offline) leaves the current one in place; asking again retries.
 */
export function requestLocale(locale: string): Promise<void> {
  const target = matchLocale(locale);
  requested = target;
  if (target === activeLocale() && !runtime) return Promise.resolve();
  runtime ??= import('./locale-runtime.ts').then(
    (module) => module.configure(),
    (error: unknown) => {
      // Offline, say: the next request fetches it again.
      runtime = undefined;
      throw error;
    },
  );
  return runtime
    .then((setLocale) => setLocale(target))
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

/** Elements whose `dir` this module set (the page's own `dir` on an element is left alone). */
const directed = new WeakSet<HTMLElement>();

function direct(host: HTMLElement): void {
  if (host.hasAttribute('dir') && !directed.has(host)) return;
  directed.add(host);
  host.setAttribute('dir', directionOf(activeLocale()));
}

/**
 * What a loader shell does for its `lang`: asks for its locale, and from then on follows the active one, its
 * direction on the element (`dir="rtl"` for Arabic and Hebrew) and `changed` to re-render. Returns the unsubscribe.
 */
export function followLocale(host: HTMLElement, lang: string, changed: () => void): () => void {
  direct(host);
  const stop = onLocaleChange(() => {
    direct(host);
    changed();
  });
  const target = matchLocale(lang);
  wanted.set(host, target);
  const languages = new Set(wanted.values());
  if (languages.size > 1 && !warned) {
    warned = true;
    console.warn(
      `OmniSocial Chat: elements ask for several languages (${[...languages].join(', ')}); all show the last one (docs/languages.md).`,
    );
  }
  void requestLocale(target);
  return () => {
    wanted.delete(host);
    stop();
  };
}
