import type { TimelineItem } from '@omnisocial/core';

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

/**
 * Whether `items` hold a formatted message the sanitiser has yet to arrive for. Such a message is never shown as its
 * plain body first and its rich text a moment later (a flash, and a shift when the two differ in height): the view
 * renders the new snapshot once the sanitiser is there (see {@link renderWhenFormattable}).
 */
export function awaitsSanitizer(items: readonly TimelineItem[]): boolean {
  if (sanitizer.now()) return false;
  return items.some(
    (item) =>
      item.kind === 'message' &&
      !item.redacted &&
      item.formattedBody !== undefined &&
      item.formattedBody !== '' &&
      (item.msgtype === 'text' || item.msgtype === 'emote' || item.msgtype === 'notice'),
  );
}

/**
 * Calls `render` for a snapshot with `items`: at once, or once the sanitiser has arrived when they hold a formatted
 * message (after a failed fetch too: the plain body then stands in, and the next formatted message tries again).
 * With the first messages on screen, the sanitiser is fetched in idle time, so later formatted messages wait for nothing.
 */
export function renderWhenFormattable(items: readonly TimelineItem[] | undefined, render: () => void): void {
  if (items === undefined || !awaitsSanitizer(items)) {
    render();
    if (items !== undefined && items.length > 0) preloadSanitizerWhenIdle();
    return;
  }
  sanitizer.load().then(render, render);
}

let idlePreload = false;

/** Fetches the sanitiser once the page is idle, after the first messages are painted (they do not wait for it). */
export function preloadSanitizerWhenIdle(): void {
  if (idlePreload || sanitizer.now()) return;
  idlePreload = true;
  const load = (): void => void sanitizer.load().catch(() => (idlePreload = false));
  if (typeof requestIdleCallback === 'function') requestIdleCallback(load, { timeout: 2_000 });
  else setTimeout(load, 200);
}
