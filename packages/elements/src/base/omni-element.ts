import { LitElement } from 'lit';

/** What every OmniSocial element shares: focus delegation, typed events, safe registration. */
export class OmniElement extends LitElement {
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** Registers the element unless the tag is taken, e.g. when a page loads the bundle twice. */
  static define(tag: string): void {
    if (!customElements.get(tag)) customElements.define(tag, this);
  }

  protected emit(event: Event): boolean {
    return this.dispatchEvent(event);
  }
}
