/**
 * What the engine fetched and measured where it runs, for the test hooks (`watch-network`, `resources`, `measures`
 * in a worker: host.ts) and the page's side of the same in the browser tests (test/browser/engine-network.ts).
 * Imports only types, so both the worker's and the page's graphs may hold it.
 */
import type { NetworkMeasure, NetworkResource } from './protocol.ts';

/** The resource timing entries of this page or worker, with start times comparable across both clocks. */
export function resourceEntries(): NetworkResource[] {
  if (typeof performance === 'undefined') return [];
  return performance.getEntriesByType('resource').flatMap((entry) =>
    entry instanceof PerformanceResourceTiming
      ? [
          {
            name: entry.name,
            initiatorType: entry.initiatorType,
            decodedBodySize: entry.decodedBodySize,
            startedAt: performance.timeOrigin + entry.startTime,
          },
        ]
      : [],
  );
}

/** The engine's User Timing measures (`omni:*`) of this page or worker. */
export function engineMeasureEntries(): NetworkMeasure[] {
  if (typeof performance === 'undefined') return [];
  return performance
    .getEntriesByType('measure')
    .filter((entry) => entry.name.startsWith('omni:'))
    .map((entry) => ({
      name: entry.name,
      startedAt: performance.timeOrigin + entry.startTime,
      duration: entry.duration,
      ...(entry instanceof PerformanceMeasure && entry.detail !== null && entry.detail !== undefined
        ? { detail: entry.detail as unknown }
        : {}),
    }));
}

/** Told of each request as it starts (with its body when it is text) and ends (with the response's body when JSON). */
export type FetchListener = (phase: 'start' | 'end', url: string, body?: string) => void;

/** `original`, telling `listener` of each request. */
export function watchedFetch(original: typeof fetch, listener: FetchListener): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    listener('start', url, typeof init?.body === 'string' ? init.body : undefined);
    let answer: string | undefined;
    try {
      const response = await original(input, init);
      if (response.headers.get('content-type')?.includes('json'))
        answer = await response
          .clone()
          .text()
          .catch(() => undefined);
      return response;
    } finally {
      listener('end', url, answer);
    }
  };
}
