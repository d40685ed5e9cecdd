import { msg, str } from '@lit/localize';
import { OmniErrorEvent } from '../events.ts';
import { ElementBase } from './element-base.ts';
import { companionBase, requestCount } from './counts.ts';

/** After a discussion changed, how long to wait for more changes before recounting it once. */
const RECOUNT_DELAY_MS = 600;

const counters = new Set<OmniCount>();
const recounts = new Map<string, ReturnType<typeof setTimeout>>();
let sheet: CSSStyleSheet | undefined;

/** "12 comments", in the language of the element (its closest `lang`, else the page's). */
export function commentCount(count: number, lang: string | undefined): string {
  const locale = lang || undefined;
  const number = count.toLocaleString(locale);
  return new Intl.PluralRules(locale).select(count) === 'one'
    ? msg(str`${number} comment`, { id: 'count.comments.one' })
    : msg(str`${number} comments`, { id: 'count.comments.other' });
}

/** A discussion on the page changed (its view opened on it, someone posted): its counts are asked again. */
function onMessagesChange(event: Event): void {
  const post = event.target instanceof Element && event.target.localName === 'omni-chat' ? event.target.getAttribute('post') : null;
  if (!post) return;
  clearTimeout(recounts.get(post));
  recounts.set(
    post,
    setTimeout(() => {
      recounts.delete(post);
      for (const counter of counters) if (counter.getAttribute('post') === post) counter.refresh(true);
    }, RECOUNT_DELAY_MS),
  );
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
 * @fires omni-error - The count could not be read; `event.error` says why (the text stays empty).
 */
export class OmniCount extends ElementBase {
  static readonly observedAttributes = ['post', 'companion', 'lang'];
  readonly #text: HTMLSpanElement;
  #count: number | undefined;
  /** The ask whose answer is shown: a later ask (another post) wins over an earlier one still on its way. */
  #ask = 0;

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
    return this.#count;
  }

  connectedCallback(): void {
    if (counters.size === 0) document.addEventListener('omni-messages-change', onMessagesChange);
    counters.add(this);
    this.refresh();
  }

  disconnectedCallback(): void {
    counters.delete(this);
    if (counters.size === 0) document.removeEventListener('omni-messages-change', onMessagesChange);
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value || !this.isConnected) return;
    if (name === 'lang') this.#render();
    else this.refresh();
  }

  /** Asks the companion for the count again; `fresh` has it recount the discussion rather than answer from memory. */
  refresh(fresh = false): void {
    const post = this.getAttribute('post')?.trim();
    const companion = companionBase(this.getAttribute('companion'));
    const ask = ++this.#ask;
    if (!post || !companion) {
      this.#count = undefined;
      this.#render();
      return;
    }
    requestCount(companion, post, fresh).then(
      (count) => {
        if (ask !== this.#ask) return;
        this.#count = count;
        this.#render();
      },
      (error: unknown) => {
        if (ask !== this.#ask) return;
        this.#count = undefined;
        this.#render();
        const reason = error instanceof Error ? error.message : String(error);
        this.dispatchEvent(new OmniErrorEvent({ code: 'network', message: `The count could not be read: ${reason}` }));
      },
    );
  }

  #render(): void {
    const lang = this.closest('[lang]')?.getAttribute('lang') ?? undefined;
    this.#text.textContent = this.#count === undefined ? '' : commentCount(this.#count, lang);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'omni-count': OmniCount;
  }
}
