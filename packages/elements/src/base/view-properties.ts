/**
 * A view's Lit properties from its element's attribute table (loader/attributes.ts). Kept out of the loader's
 * module: only the views need it.
 */
import type { AttributeTable } from '../loader/attributes.ts';

/** Lit's `static properties` for a view, from the same table: every attribute reflected. */
export function litProperties(
  table: AttributeTable,
): Record<string, { type: StringConstructor | BooleanConstructor; reflect: true; attribute: string }> {
  return Object.fromEntries(
    Object.entries(table).map(([property, { attribute, fallback }]) => [
      property,
      { type: typeof fallback === 'boolean' ? Boolean : String, reflect: true, attribute },
    ]),
  );
}

/** Sets each property of a freshly constructed view to its fallback (Lit leaves them undefined). */
export function applyFallbacks(element: object, table: AttributeTable): void {
  for (const [property, { fallback }] of Object.entries(table)) Reflect.set(element, property, fallback);
}
