/**
 * What the engine fetches, wherever it runs (docs/engine.md): on the page's main thread the engine's requests are
 * the page's own (its `fetch`, its resource timing); with the page's `<meta name="omni-chat-engine">` asking for a
 * worker they happen in the worker, which reports them to the page through its test hooks
 * (`WorkerLink.watchNetworkForTest`, `resourcesForTest`). Tests that watch the engine's network use these, so they
 * pass with `OMNI_ENGINE=worker` or `shared` as with the default.
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

/**
 * Calls `listener` as each of the engine's requests starts (with its body when it is text) and ends (with the
 * response's body when it is JSON), from now until the returned function is called: the page's `fetch` is wrapped,
 * and the worker's requests are heard when the engine runs in one.
 */
export async function watchEngineFetch(listener: NetworkListener): Promise<() => void> {
  const original = window.fetch.bind(window);
  window.fetch = watchedFetch(original, listener);
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
