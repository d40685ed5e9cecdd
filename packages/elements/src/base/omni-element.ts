import { LitElement } from 'lit';
import { onLocaleChange } from '../i18n/locale.ts';

/** What every OmniSocial element shares: focus delegation, typed events, safe registration. */
export class OmniElement extends LitElement {
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  constructor() {
    super();
    // Re-render in the page's language once its strings arrive (i18n/locale.ts; the shell asks for it).
    let stop: (() => void) | undefined;
    this.addController({
      hostConnected: () => {
        stop = onLocaleChange(() => this.requestUpdate());
      },
      hostDisconnected: () => stop?.(),
    });
  }

  /** Registers the element unless the tag is taken, e.g. when a page loads the bundle twice. */
  static define(tag: string): void {
    if (!customElements.get(tag)) customElements.define(tag, this);
  }

  protected emit(event: Event): boolean {
    return this.dispatchEvent(event);
  }
}
