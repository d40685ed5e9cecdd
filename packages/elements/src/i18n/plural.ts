/**
 * Plurals through `Intl.PluralRules` of the active locale, never a hand-made "message(s)". Each call site
 * passes one `msg()` per CLDR category (with a stable id, `…-zero`, `…-one`, `…-two`, `…-few`, `…-many`,
 * `…-other`) so that every language can fill the forms it has: English uses `one` and `other`, Arabic all six.
 * No Lit here: the loader uses it.
 */
import { activeLocale } from './active-locale.ts';

/** One text per plural category; `other` is required, a missing category falls back to it. */
export type PluralForms = Readonly<Partial<Record<Intl.LDMLPluralRule, () => string>>> & { readonly other: () => string };

/** The form of `forms` that the active locale uses for `count`. */
export function plural(count: number, forms: PluralForms): string {
  return (forms[new Intl.PluralRules(activeLocale()).select(count)] ?? forms.other)();
}

/** `count` written the active locale's way (digits, grouping). */
export function formatCount(count: number): string {
  return count.toLocaleString(activeLocale());
}
