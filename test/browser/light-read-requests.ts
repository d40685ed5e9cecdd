/**
 * The light read's sliding sync requests as the page makes them: its `fetch` wrapped, each POST whose body names the
 * light read's connection (`conn_id`) noted with when it started and the rooms it subscribes to. The engine's sliding
 * sync goes to the same URL on a connection without `conn_id`, so only the body tells them apart.
 */
import { isLightRead } from './engine-network.ts';

export interface LightReadRequest {
  /** `performance.now()` when the request was made. */
  readonly at: number;
  readonly rooms: readonly string[];
}

/** Notes the page's light read requests from now until `stop()`. */
export function recordLightReads(): { readonly requests: readonly LightReadRequest[]; stop(): void } {
  const requests: LightReadRequest[] = [];
  const original = window.fetch.bind(window);
  window.fetch = (input, init) => {
    if (isLightRead(init) && typeof init?.body === 'string') {
      const { room_subscriptions: rooms } = JSON.parse(init.body) as { room_subscriptions?: Record<string, unknown> };
      requests.push({ at: performance.now(), rooms: Object.keys(rooms ?? {}) });
    }
    return original(input, init);
  };
  return {
    requests,
    stop: () => {
      window.fetch = original;
    },
  };
}
