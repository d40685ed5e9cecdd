import { noChange } from 'lit';
import { Directive, directive, PartType, type AttributePart, type PartInfo } from 'lit/directive.js';

/** CSS properties by their CSS names (`inline-size`, `--_hue`), as `style.setProperty` takes them. */
export type StyleProperties = Readonly<Record<string, string>>;

/**
 * Like Lit's `styleMap`, but always through the CSSOM (`element.style.setProperty`). `styleMap` writes a
 * `style` attribute on first render, which a page's `style-src` without `'unsafe-inline'` blocks; CSSOM
 * changes are not inline styles and are allowed under any Content-Security-Policy.
 */
class StylePropertiesDirective extends Directive {
  #applied = new Set<string>();

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ATTRIBUTE || partInfo.name !== 'style') {
      throw new Error('styleProperties() belongs in a style attribute binding');
    }
  }

  render(_properties: StyleProperties): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [properties]: [StyleProperties]): typeof noChange {
    const { style } = part.element;
    for (const name of this.#applied) if (!(name in properties)) style.removeProperty(name);
    for (const [name, value] of Object.entries(properties)) style.setProperty(name, value);
    this.#applied = new Set(Object.keys(properties));
    return noChange;
  }
}

export const styleProperties = directive(StylePropertiesDirective);
