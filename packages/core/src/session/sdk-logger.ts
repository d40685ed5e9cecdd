import type { Logger } from 'matrix-js-sdk/lib/logger.js';

/**
 * matrix-js-sdk logs every request and sync step at debug level into the host page's console.
 * Embedded in someone else's page we keep only warnings and errors, prefixed so they are ours.
 */
export function quietLogger(prefix = 'omni'): Logger {
  const ignore = (): void => undefined;
  return {
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: (...msg: unknown[]) => console.warn(`[${prefix}]`, ...msg),
    error: (...msg: unknown[]) => console.error(`[${prefix}]`, ...msg),
    getChild: (namespace: string) => quietLogger(`${prefix}:${namespace}`),
  };
}
