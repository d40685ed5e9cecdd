/**
 * A shell's language. The loader only reads the `lang` that applies (the element's own, else the closest around it):
 * English needs nothing more, so an English page never fetches the localization. Any other language loads
 * i18n/locale.ts, which fetches that locale's strings, sets `dir` (right to left for Arabic and Hebrew) and
 * re-renders the facade; once loaded, every shell follows it, English ones too.
 */

/** The `lang` that applies to an element: its own, else the closest ancestor's (out of shadow roots too), else none. */
export function langOf(element: Element): string {
  for (let node: Node | null = element; node; node = node instanceof ShadowRoot ? node.host : node.parentNode) {
    if (node instanceof HTMLElement && node.lang) return node.lang;
  }
  return '';
}

let localized = false;

/** Starts following the element's language; returns what stops it (on disconnection). */
export function speak(host: HTMLElement, changed: () => void): () => void {
  const lang = langOf(host);
  if (!localized && /^(en)?(-|$)/i.test(lang)) return () => undefined;
  localized = true;
  // Offline, the facade stays in English; the next connection or `lang` change tries again.
  const following = import('../i18n/locale.ts').then(
    ({ followLocale }) => followLocale(host, lang, changed),
    () => () => undefined,
  );
  return () => void following.then((stop) => stop());
}
