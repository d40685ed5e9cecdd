/**
 * From the composer's text to a draft, in the order the member sent them. Markdown's parser (`compose.ts`) loads
 * at the first need; until it has, plain text (`plainDraft`) still goes out in the same task as the Enter, and
 * what needs the parser waits for it, with whatever the member sends meanwhile queued behind it.
 */
import { plainDraft, type DraftResult, type MemberInfo } from '@omnisocial/core';
import { drafting } from '../../base/lazy-module.ts';

export class ComposerDrafting {
  /** Texts waiting for the parser, so a second Enter on the same text sends nothing more. */
  readonly #waiting: string[] = [];
  /** Settles when the last text waiting has its draft: the next one waits for it. */
  #last: Promise<void> = Promise.resolve();
  readonly #failed: () => void;

  /** `failed` tells the member the parser could not be fetched (their text stays). */
  constructor(failed: () => void) {
    this.#failed = failed;
  }

  /** The draft at once where it can be had at once, else a promise of it (undefined: nothing to send now). */
  draft(text: string, mentions: readonly MemberInfo[]): DraftResult | Promise<DraftResult | undefined> {
    if (this.#waiting.length === 0) {
      const compose = drafting.now();
      if (compose) return compose.composeDraft(text, mentions);
      const plain = plainDraft(text, mentions);
      if (plain) return { kind: 'message', message: plain };
    }
    return this.#later(text, mentions);
  }

  async #later(text: string, mentions: readonly MemberInfo[]): Promise<DraftResult | undefined> {
    if (this.#waiting.includes(text)) return undefined;
    this.#waiting.push(text);
    const earlier = this.#last;
    const compose = drafting.load().catch(() => {
      this.#failed();
      return undefined;
    });
    const done = Promise.all([compose, earlier]).then(() => undefined);
    this.#last = done;
    try {
      const loaded = await compose;
      await earlier;
      return loaded?.composeDraft(text, mentions);
    } finally {
      this.#waiting.splice(this.#waiting.indexOf(text), 1);
      if (this.#last === done) this.#last = Promise.resolve();
    }
  }
}
