/**
 * What the engine fetches, wherever it runs (docs/engine.md): on the page's main thread the engine's requests are
 * the page's own (its `fetch`, its resource timing); with the page's `<meta name="omni-chat-engine">` asking for a
 * worker they happen in the worker, which reports them to the page through its test hooks
 * (`WorkerLink.watchNetworkForTest`, `resourcesForTest`). Tests that watch the engine's network use these, so they
 * pass with `OMNI_ENGINE=worker` or `shared` as with the default. The page's light read (sync/light-read.ts) is not
 * the engine: its sliding sync request goes to the engine's URL, on a connection of its own (`conn_id`).
 */
import {
  engineMeasureEntries,
  resourceEntries,
  watchedFetch,
  workerKind,
  workerLink,
  type NetworkListener,
  type NetworkMeasure,
  type NetworkResource,
  type WorkerLink,
} from '@omnisocial/core/internal/worker';
import { LIGHT_READ_CONN_ID } from '@omnisocial/core/internal';

/** A resource the engine fetched: the page's resource timing entry, or the worker's. */
export type EngineResource = NetworkResource;

/** One of the engine's User Timing measures (`omni:paginate`, `omni:decrypt-page`…), on the page or in the worker. */
export type EngineMeasure = NetworkMeasure;

/** The engine's worker of this page when the page asks for one, started now if it is not yet (the registry takes the same). */
function engineWorker(): Promise<WorkerLink> | undefined {
  const mode = document.querySelector<HTMLMetaElement>('meta[name="omni-chat-engine"]')?.content.trim().toLowerCase() ?? 'main';
  const kind = workerKind(mode);
  return kind ? workerLink(kind) : undefined;
}

/** Whether a request is the light read's sliding sync: a POST whose body names the light read's connection. */
export function isLightRead(init: RequestInit | undefined): boolean {
  if (init?.method !== 'POST' || typeof init.body !== 'string' || !init.body.includes(LIGHT_READ_CONN_ID)) return false;
  return (JSON.parse(init.body) as { conn_id?: unknown }).conn_id === LIGHT_READ_CONN_ID;
}

/**
 * Calls `listener` as each of the engine's requests starts (with its body when it is text) and ends (with the
 * response's body when it is JSON), from now until the returned function is called: the page's `fetch` is wrapped
 * (its light read's requests pass unheard), and the worker's requests are heard when the engine runs in one.
 */
export async function watchEngineFetch(listener: NetworkListener): Promise<() => void> {
  const original = window.fetch.bind(window);
  const watched = watchedFetch(original, listener);
  window.fetch = (input, init) => (isLightRead(init) ? original(input, init) : watched(input, init));
  const stopWorker = await (await engineWorker())?.watchNetworkForTest(listener);
  return () => {
    window.fetch = original;
    stopWorker?.();
  };
}

/** The resources the engine fetched so far: the page's resource timing entries, and the worker's when it runs in one. */
export async function engineResources(): Promise<EngineResource[]> {
  const own = resourceEntries();
  const worker = engineWorker();
  return worker ? [...own, ...(await (await worker).resourcesForTest())] : own;
}

/** The engine's User Timing measures named `name`: the page's, and the worker's when it runs in one. */
export async function engineMeasures(name: string): Promise<EngineMeasure[]> {
  const own = engineMeasureEntries().filter((entry) => entry.name === name);
  const worker = engineWorker();
  return worker ? [...own, ...(await (await worker).measuresForTest()).filter((entry) => entry.name === name)] : own;
}
