import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import { formatCount, plural } from '../../i18n/plural.ts';

/** From this share of the limit on, the composer counts what is left. */
function tooLongText(over: number): string {
  const n = formatCount(over);
  return plural(over, {
    zero: () => msg(str`Too long by ${n} bytes: shorten it or split it into several messages.`, { id: 'composer-too-long-zero' }),
    one: () => msg(str`Too long by ${n} byte: shorten it or split it into several messages.`, { id: 'composer-too-long-one' }),
    two: () => msg(str`Too long by ${n} bytes: shorten it or split it into several messages.`, { id: 'composer-too-long-two' }),
    few: () => msg(str`Too long by ${n} bytes: shorten it or split it into several messages.`, { id: 'composer-too-long-few' }),
    many: () => msg(str`Too long by ${n} bytes: shorten it or split it into several messages.`, { id: 'composer-too-long-many' }),
    other: () => msg(str`Too long by ${n} bytes: shorten it or split it into several messages.`, { id: 'composer-too-long-other' }),
  });
}

function bytesLeftText(left: number): string {
  const n = formatCount(left);
  return plural(left, {
    zero: () => msg(str`${n} bytes left in this message.`, { id: 'composer-bytes-left-zero' }),
    one: () => msg(str`${n} byte left in this message.`, { id: 'composer-bytes-left-one' }),
    two: () => msg(str`${n} bytes left in this message.`, { id: 'composer-bytes-left-two' }),
    few: () => msg(str`${n} bytes left in this message.`, { id: 'composer-bytes-left-few' }),
    many: () => msg(str`${n} bytes left in this message.`, { id: 'composer-bytes-left-many' }),
    other: () => msg(str`${n} bytes left in this message.`, { id: 'composer-bytes-left-other' }),
  });
}

const COUNTER_FROM = 0.8;
/** Below this many bytes of text, even Markdown's HTML copy cannot reach the counter: nothing to measure. */
const MEASURE_FROM = 0.2;
const MEASURE_DELAY = 150;

export interface MessageSize {
  readonly bytes: number;
  readonly max: number;
}

/** What the composer measures: its text, the limit, and the bytes the message would take (undefined when it would not be a message). */
export type SizeInput = () => { text: string; max: number; bytes: () => number | undefined } | undefined;

/**
 * The size of the message as it would be sent, measured a moment after typing stops (composing 60 KB
 * takes a while), and the counter shown once it nears the limit.
 */
export class ComposerSize {
  readonly #requestUpdate: () => void;
  readonly #measure: SizeInput;
  #size: MessageSize | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(requestUpdate: () => void, measure: SizeInput) {
    this.#requestUpdate = requestUpdate;
    this.#measure = measure;
  }

  /** Measures soon (at once when a size is shown already, so the counter follows every keystroke). */
  soon(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), this.#size ? 0 : MEASURE_DELAY);
  }

  /** Forgets the size (the message went out). */
  clear(): void {
    this.#size = undefined;
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  /** The size to count down, unless `refused`: sending was refused for it, and the alert gives the figures. */
  shown(refused: boolean): MessageSize | undefined {
    const near = this.#size && this.#size.bytes >= this.#size.max * COUNTER_FROM ? this.#size : undefined;
    return near && !(refused && near.bytes > near.max) ? near : undefined;
  }

  renderCounter(size: MessageSize | undefined): TemplateResult | typeof nothing {
    if (!size) return nothing;
    return html`<p class="counter ${size.bytes > size.max ? 'over' : ''}" id="composer-counter">
      ${size.bytes > size.max ? tooLongText(size.bytes - size.max) : bytesLeftText(size.max - size.bytes)}
    </p>`;
  }

  #run(): void {
    const input = this.#measure();
    const before = this.#size;
    this.#size = undefined;
    if (input && new TextEncoder().encode(input.text).length >= input.max * MEASURE_FROM) {
      const bytes = input.bytes();
      if (bytes !== undefined) this.#size = { bytes, max: input.max };
    }
    if (before?.bytes !== this.#size?.bytes) this.#requestUpdate();
  }
}
