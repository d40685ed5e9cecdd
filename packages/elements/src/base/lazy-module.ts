/**
 * A module fetched with `import()` at its first need rather than with the views: what reading a conversation does
 * not use (Markdown's parser, the HTML sanitiser) stays out of the bytes a page loads before its first message.
 */
export interface LazyModule<T> {
  /** The module once it has arrived, so callers that can wait for nothing use it synchronously. */
  now(): T | undefined;
  /** Fetches it (once; again after a failure) and resolves with it. */
  load(): Promise<T>;
}

export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let loaded: T | undefined;
  let pending: Promise<T> | undefined;
  return {
    now: () => loaded,
    load: () =>
      (pending ??= importer().then(
        (module) => (loaded = module),
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      )),
  };
}

/** The HTML sanitiser, for messages that carry a `formatted_body`. */
export const sanitizer = lazyModule(() => import('@omnisocial/core/internal/sanitize'));

/** Markdown, commands and mentions: what the composer makes of the member's text. */
export const drafting = lazyModule(() => import('@omnisocial/core/internal/compose'));
