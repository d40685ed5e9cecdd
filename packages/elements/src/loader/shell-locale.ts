/**
 * A shell's language: it asks for the locale its `lang` (or the page's) names, and follows the active locale's
 * direction (`dir="rtl"` for Arabic and Hebrew) so the facade, the launcher and the view inside lay out the way
 * their text reads. A `dir` the page set on the element itself is left alone.
 */
import { activeLocale, directionOf, langOf, matchLocale, onLocaleChange, requestLocale } from '../i18n/locale.ts';

export class ShellLocale {
  readonly #host: HTMLElement;
  readonly #changed: () => void;
  #stop: (() => void) | undefined;
  /** Whether the `dir` attribute is this element's doing (else the page chose it, or nobody did yet). */
  #ownDir = false;

  constructor(host: HTMLElement, changed: () => void) {
    this.#host = host;
    this.#changed = changed;
  }

  connect(): void {
    this.#stop ??= onLocaleChange(() => {
      this.#direct();
      this.#changed();
    });
    this.apply();
  }

  disconnect(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  /** Asks for the locale of the element's `lang`, else the closest `lang` around it, else English. */
  apply(): void {
    void requestLocale(matchLocale(langOf(this.#host)));
    this.#direct();
  }

  #direct(): void {
    if (this.#host.hasAttribute('dir') && !this.#ownDir) return;
    this.#ownDir = true;
    this.#host.setAttribute('dir', directionOf(activeLocale()));
  }
}
