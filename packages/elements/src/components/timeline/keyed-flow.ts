import { FlowLayout } from '@lit-labs/virtualizer/layouts/flow.js';

/** Measured boxes by item index, as the virtualizer reports them. */
type ChildMeasurements = Parameters<FlowLayout['updateItemSizes']>[0];
type ItemBox = ChildMeasurements[number];

interface ItemBounds {
  pos: number;
  size: number;
}

/** A child's measured box, with the key of the item it rendered (`data-key`). */
type KeyedBox = ItemBox & { key?: string };

/**
 * The state of @lit-labs/virtualizer 2.1.1's flow layout that is kept by index (private or undocumented
 * in its types). The version is pinned in package.json; a new version must be checked against this.
 */
interface FlowState {
  _items: unknown[];
  _metricsCache: { _metricsCache: Map<number, KeyedBox>; update(metrics: ChildMeasurements, direction: string): void; clear(): void };
  _physicalItems: Map<number, ItemBounds>;
  _newPhysicalItems: Map<number, ItemBounds>;
  _first: number;
  _last: number;
  _firstVisible: number;
  _lastVisible: number;
  _anchorIdx: number | null;
  _anchorPos: number | null;
  _scrollPosition: number;
  _scrollError: number;
  /** The average size of an item with its margin: what an item not measured yet is taken to take up. */
  readonly _delta: number;
  direction: string;
}

const keyOf = (item: unknown): string | undefined => {
  const key = (item as { key?: unknown } | undefined)?.key;
  return typeof key === 'string' ? key : undefined;
};

const positions = new WeakMap<unknown[], Map<string, number>>();

/** Index of each item by key, computed once per items array. */
function indexByKey(items: unknown[]): Map<string, number> {
  let index = positions.get(items);
  if (!index) {
    index = new Map();
    items.forEach((item, i) => {
      const key = keyOf(item);
      if (key !== undefined) index?.set(key, i);
    });
    positions.set(items, index);
  }
  return index;
}

function margin(value: string): number {
  const float = parseFloat(value);
  return Number.isNaN(float) ? 0 : float;
}

/** Measures a child as the virtualizer does, and adds the key of the item it shows. */
function measureKeyed(element: Element): KeyedBox {
  const { width, height } = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  const box: KeyedBox = {
    width,
    height,
    marginTop: margin(style.marginTop),
    marginRight: margin(style.marginRight),
    marginBottom: margin(style.marginBottom),
    marginLeft: margin(style.marginLeft),
  };
  const key = element instanceof HTMLElement ? element.dataset['key'] : undefined;
  if (key !== undefined) box.key = key;
  return box;
}

/**
 * How far beyond the view, on each side, the main timeline renders tiles (the virtualizer's default is
 * 1000 px). Dense continuation tiles are about 28 px high, so each 100 px here is some 18 more elements
 * in the log; a scroll step (a wheel notch, 100–120 px a frame) stays well inside it.
 */
const TIMELINE_OVERHANG = 400;

/**
 * The virtualizer's flow layout, with its sizes and positions following the items by key.
 *
 * The flow layout remembers each child's measured size and position by index. A timeline's items
 * move: history is inserted above, a "New messages" line or a local echo disappears. After such a
 * change the stock layout gives the old sizes to the wrong items and can keep a range past the end
 * of the list: one tall message (taller than the view and its overhang) then filled the range on its
 * own at an index that no longer exists, and the log rendered no tile at all until the next message.
 * Here every items change moves the sizes and positions to the items' new indices (dropping those
 * that left), keeps the unbroken run of positions that holds the first item in view, and lets the
 * next reflow choose its anchor from them; measurements carry their item's key, so a measure taken
 * just before a change lands on the right item.
 *
 * Items must have a string `key`, and each rendered child must carry it as `data-key`.
 */
export class KeyedFlowLayout extends FlowLayout {
  constructor(...args: ConstructorParameters<typeof FlowLayout>) {
    super(...args);
    this._overhang = TIMELINE_OVERHANG;
  }

  override updateItemSizes(sizes: ChildMeasurements): void {
    const items = this.#state._items;
    const keyed: ChildMeasurements = {};
    let index: Map<string, number> | undefined;
    for (const [at, box] of Object.entries(sizes) as Array<[string, KeyedBox]>) {
      let to: number | undefined = Number(at);
      if (box.key !== undefined && keyOf(items[to]) !== box.key) {
        index ??= indexByKey(items);
        to = index.get(box.key);
      }
      if (to !== undefined) keyed[to] = box;
    }
    super.updateItemSizes(keyed);
  }

  protected override _setItems(items: unknown[]): void {
    const previous = this.#state._items;
    if (items !== previous && previous.length > 0) this.#rekey(previous, items);
    super._setItems(items);
  }

  get #state(): FlowState {
    return this as unknown as FlowState;
  }

  #rekey(previous: unknown[], items: unknown[]): void {
    const state = this.#state;
    const cache = state._metricsCache._metricsCache;
    const unchanged = (at: number): boolean => keyOf(previous[at]) === keyOf(items[at]);
    // Appending, or an item changing in place, moves nothing: the common case costs one pass.
    let moved = false;
    for (const at of cache.keys()) if (!unchanged(at)) moved = true;
    for (const at of state._physicalItems.keys()) if (!unchanged(at)) moved = true;
    if (!moved) return;

    const index = indexByKey(items);
    const to = (at: number): number | undefined => {
      const key = keyOf(previous[at]);
      return key === undefined ? undefined : index.get(key);
    };
    const metrics: ChildMeasurements = {};
    for (const [at, box] of cache) {
      const now = to(at);
      if (now !== undefined) metrics[now] = box;
    }
    state._metricsCache.clear();
    state._metricsCache.update(metrics, state.direction);

    // Positions move with their items. The layout walks them by consecutive index, so only one
    // unbroken run is kept: the one holding the first item that was in view, else the longest.
    const moves: Array<[number, ItemBounds]> = [];
    /** How many places the kept items moved: items inserted above them, less items removed above them. */
    const shifts = new Map<number, number>();
    for (const [at, bounds] of state._physicalItems) {
      const now = to(at);
      if (now === undefined) continue;
      moves.push([now, bounds]);
      shifts.set(now, now - at);
    }
    moves.sort((a, b) => a[0] - b[0]);
    const runs: Array<Array<[number, ItemBounds]>> = [];
    for (const move of moves) {
      const current = runs[runs.length - 1];
      const previousAt = current?.[current.length - 1]?.[0];
      if (current && previousAt === move[0] - 1) current.push(move);
      else runs.push([move]);
    }
    const seen = to(state._firstVisible);
    const run =
      runs.find((candidate) => candidate.some(([at]) => at === seen)) ??
      runs.reduce<Array<[number, ItemBounds]>>((longest, candidate) => (candidate.length > longest.length ? candidate : longest), []);
    // Items inserted above the run (older history) take their estimated size above it: the run moves
    // down by as much, and the scroll position with it, so what is on screen stays put. Left where they
    // were, the kept positions would leave no room for them; the stock layout corrects that only once its
    // range reaches the top of the list, which a range smaller than the distance to the top never does:
    // the log stayed scrolled near the top, asking for page after page of history.
    const places = run[0] === undefined ? 0 : (shifts.get(run[0][0]) ?? 0);
    const shift = places * state._delta;
    if (shift !== 0) {
      for (const [, bounds] of run) bounds.pos += shift;
      state._scrollPosition += shift;
      state._scrollError -= shift;
    }
    state._physicalItems = new Map(run);
    state._newPhysicalItems = new Map();
    // The next reflow picks its anchor from these positions and the scroll position it is given then.
    state._anchorIdx = state._anchorPos = null;
    const first = run[0]?.[0];
    const last = run[run.length - 1]?.[0];
    state._first = state._firstVisible = first ?? -1;
    state._last = state._lastVisible = last ?? -1;
  }
}

// The virtualizer calls a layout's `measureChildren` when it is a function (typed as a boolean).
Object.defineProperty(KeyedFlowLayout.prototype, 'measureChildren', { get: () => measureKeyed });

/** The layout specifier for `virtualize({ layout })`. */
export const keyedFlow = (): { type: typeof KeyedFlowLayout } => ({ type: KeyedFlowLayout });

/**
 * The same layout rendering less beyond the view (300 px each side instead of the main timeline's
 * 400): for a narrow side panel, whose short tiles would otherwise keep hundreds of nodes alive.
 */
export class CompactKeyedFlowLayout extends KeyedFlowLayout {
  constructor(...args: ConstructorParameters<typeof KeyedFlowLayout>) {
    super(...args);
    this._overhang = 300;
  }
}

export const compactKeyedFlow = (): { type: typeof CompactKeyedFlowLayout } => ({ type: CompactKeyedFlowLayout });
