/**
 * `fetch` that tells a listener of each request as it starts (with its body when it is text) and ends (with the
 * response's body when it is JSON): the engine's test hook `watch-network` in a worker (host.ts), and the page's
 * side of the same in the browser tests. Imports nothing, so both the worker's and the page's graphs may hold it.
 */
export type FetchListener = (phase: 'start' | 'end', url: string, body?: string) => void;

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
