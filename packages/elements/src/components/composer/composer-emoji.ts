import { msg } from '@lit/localize';
import { html, nothing, type LitElement, type TemplateResult } from 'lit';

/**
 * The composer's emoji picker, loaded the first time it is opened: about 40 KB, paid only by members
 * who open it. Its emoji data is served with our own assets (the picker would fetch it from a CDN
 * otherwise: another origin, blocked by strict CSPs).
 */
export class ComposerEmoji {
  readonly #host: LitElement;
  readonly #insert: (unicode: string) => void;
  #open = false;
  #loaded = false;
  #dataUrl = '';

  /** `insert` puts the picked emoji at the caret. */
  constructor(host: LitElement, insert: (unicode: string) => void) {
    this.#host = host;
    this.#insert = insert;
  }

  get open(): boolean {
    return this.#open;
  }

  /** Closes the picker; returns whether it was open. */
  close(): boolean {
    if (!this.#open) return false;
    this.#open = false;
    this.#host.requestUpdate();
    return true;
  }

  readonly toggle = async (): Promise<void> => {
    this.#open = !this.#open;
    if (this.#open && !this.#loaded) {
      const [, data] = await Promise.all([import('emoji-picker-element'), import('emoji-picker-element-data/en/emojibase/data.json?url')]);
      this.#dataUrl = data.default;
      this.#loaded = true;
    }
    this.#host.requestUpdate();
    if (this.#open) {
      await this.#host.updateComplete;
      this.#host.renderRoot.querySelector<HTMLElement>('emoji-picker')?.focus();
    }
  };

  render(): TemplateResult | typeof nothing {
    return this.#open && this.#loaded
      ? html`<emoji-picker
          class="emoji-picker"
          part="emoji-picker"
          data-source=${this.#dataUrl}
          @emoji-click=${this.#onClick}
        ></emoji-picker>`
      : nothing;
  }

  renderButton(disabled: boolean): TemplateResult {
    return html`<button
      type="button"
      class="icon"
      part="emoji-button"
      aria-label=${msg('Emoji')}
      aria-haspopup="dialog"
      aria-expanded=${this.#open ? 'true' : 'false'}
      ?disabled=${disabled}
      @click=${this.#onToggle}
    >
      <span aria-hidden="true">☺</span>
    </button>`;
  }

  readonly #onToggle = (): void => void this.toggle();

  readonly #onClick = (event: Event): void => {
    const unicode = (event as CustomEvent<{ unicode?: string }>).detail.unicode;
    if (!unicode) return;
    this.#open = false;
    this.#insert(unicode);
  };
}
