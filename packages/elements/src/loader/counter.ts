/**
 * What an `<omni-count>` does once connected (count-element.ts loads it on the first connection, so a page
 * without counts never fetches it): ask the companion in the page's batch (counts.ts), show "12 comments" in
 * the element's language, and ask again when an `<omni-chat>` of the same post changes.
 */
import { msg, str } from '@lit/localize';
import { OmniErrorEvent } from '../events.ts';
import { companionBase, requestCount } from './counts.ts';

/** After a discussion changed, how long to wait for more changes before recounting it once. */
const RECOUNT_DELAY_MS = 600;

const counters = new Set<Counter>();
const recounts = new Map<string, ReturnType<typeof setTimeout>>();

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
      for (const counter of counters) if (counter.host.getAttribute('post') === post) counter.refresh(true);
    }, RECOUNT_DELAY_MS),
  );
}

/** One `<omni-count>`'s count: asked of the companion, shown in `text`, errors dispatched on `host`. */
export class Counter {
  readonly host: HTMLElement;
  readonly #text: HTMLElement;
  /** The count last read, undefined until known. */
  count: number | undefined;
  /** The ask whose answer is shown: a later ask (another post) wins over an earlier one still on its way. */
  #ask = 0;

  constructor(host: HTMLElement, text: HTMLElement) {
    this.host = host;
    this.#text = text;
  }

  connect(): void {
    if (counters.size === 0) document.addEventListener('omni-messages-change', onMessagesChange);
    counters.add(this);
    this.refresh();
  }

  disconnect(): void {
    counters.delete(this);
    if (counters.size === 0) document.removeEventListener('omni-messages-change', onMessagesChange);
  }

  attributeChanged(name: string): void {
    if (name === 'lang') this.#render();
    else this.refresh();
  }

  /** Asks the companion for the count again; `fresh` has it recount the discussion rather than answer from memory. */
  refresh(fresh = false): void {
    const post = this.host.getAttribute('post')?.trim();
    const companion = companionBase(this.host.getAttribute('companion'));
    const ask = ++this.#ask;
    if (!post || !companion) {
      this.count = undefined;
      this.#render();
      return;
    }
    requestCount(companion, post, fresh).then(
      (count) => {
        if (ask !== this.#ask) return;
        this.count = count;
        this.#render();
      },
      (error: unknown) => {
        if (ask !== this.#ask) return;
        this.count = undefined;
        this.#render();
        const reason = error instanceof Error ? error.message : String(error);
        this.host.dispatchEvent(new OmniErrorEvent({ code: 'network', message: `The count could not be read: ${reason}` }));
      },
    );
  }

  #render(): void {
    const lang = this.host.closest('[lang]')?.getAttribute('lang') ?? undefined;
    this.#text.textContent = this.count === undefined ? '' : commentCount(this.count, lang);
  }
}
