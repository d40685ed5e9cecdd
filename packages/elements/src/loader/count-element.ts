import { OmniErrorEvent } from '../events.ts';
import { ElementBase } from './element-base.ts';
import type { Counter } from './counter.ts';

type CounterModule = typeof import('./counter.ts');

let sheet: CSSStyleSheet | undefined;
let counterModule: Promise<CounterModule> | undefined;

/**
 * The counting code (counter.ts, counts.ts), loaded once by the page's first connected `<omni-count>`. Every
 * element connected in the same task waits for the same load and so still asks in the same batch.
 */
function loadCounter(): Promise<CounterModule> {
  counterModule ??= import('./counter.ts').catch((error: unknown) => {
    counterModule = undefined;
    throw error;
  });
  return counterModule;
}

/**
 * How many messages a post's discussion holds ("12 comments"), for a feed. No engine and no homeserver: the
 * site's companion counts (docs/posts.md, "Counts for a feed"), and every `<omni-count>` on the page that asks
 * at the same moment shares one request. The count follows an `<omni-chat>` of the same post on the page: it is
 * asked again whenever that discussion changes.
 *
 * @tagname omni-count
 * @summary The number of messages under a post.
 * @csspart count - The text ("12 comments"); empty until the count is known, or when it cannot be.
 * @attr post - The site's id of the post (as on `<omni-chat>`).
 * @attr companion - The base URL of the site's companion, whose public count endpoint answers (`https://chat.example.org`).
 * @attr lang - The language of the count (`de`, `ar`…); without it, that of the closest `lang` around it.
 * @fires omni-error - The count could not be read; `event.error` says why (the text stays empty).
 */
export class OmniCount extends ElementBase {
  static readonly observedAttributes = ['post', 'companion', 'lang'];
  readonly #text: HTMLSpanElement;
  /** Created when the counting code has loaded (the first connection). */
  #counter: Counter | undefined;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    sheet ??= new CSSStyleSheet();
    if (sheet.cssRules.length === 0) sheet.replaceSync(':host{display:inline}:host([hidden]){display:none}');
    root.adoptedStyleSheets = [sheet];
    this.#text = document.createElement('span');
    this.#text.setAttribute('part', 'count');
    root.append(this.#text);
  }

  /** The count last read, undefined until known. */
  get count(): number | undefined {
    return this.#counter?.count;
  }

  connectedCallback(): void {
    this.#withCounter((counter) => {
      if (this.isConnected) counter.connect();
    });
  }

  disconnectedCallback(): void {
    this.#counter?.disconnect();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value || !this.isConnected) return;
    // Before the counting code has loaded, the pending connection reads the attributes as they are by then.
    this.#counter?.attributeChanged(name);
  }

  /** Asks the companion for the count again; `fresh` has it recount the discussion rather than answer from memory. */
  refresh(fresh = false): void {
    this.#withCounter((counter) => {
      counter.refresh(fresh);
    });
  }

  /** Runs `use` with this element's counter: at once once loaded, else when the counting code has loaded. */
  #withCounter(use: (counter: Counter) => void): void {
    if (this.#counter) {
      use(this.#counter);
      return;
    }
    loadCounter().then(
      ({ Counter }) => {
        this.#counter ??= new Counter(this, this.#text);
        use(this.#counter);
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.dispatchEvent(new OmniErrorEvent({ code: 'network', message: `The count could not be read: ${reason}` }));
      },
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'omni-count': OmniCount;
  }
}
