/**
 * Where shells stand relative to the viewport, through two IntersectionObservers shared by every
 * element on the page: a near one (within about one viewport) that loads a shell's view, and a far one
 * (within about two viewports) whose "no longer intersecting" lets a mounted view collapse. A room's
 * view also asks once where it stands as it mounts (`placeOf`): only a room on or near the viewport is read
 * before the engine.
 */

type Listener = (intersecting: boolean, record: IntersectionObserverEntry) => void;

/** Where an element stands: on screen, near the viewport (as `watch` counts it), or farther. */
type Place = 'screen' | 'near' | 'far';

/** The observation by which `watch` is activating its element, while it does. */
let activating: IntersectionObserverEntry | undefined;

/** Percentages of the viewport, above and below it. */
const NEAR = '100% 0px';
const FAR = '200% 0px';

const observers = new Map<string, { observer: IntersectionObserver; listeners: Map<Element, Listener> }>();

function track(margin: string, element: Element, listener: Listener): void {
  let entry = observers.get(margin);
  if (!entry) {
    const listeners = new Map<Element, Listener>();
    const observer = new IntersectionObserver(
      (records) => {
        for (const record of records) listeners.get(record.target)?.(record.isIntersecting, record);
      },
      { rootMargin: margin },
    );
    entry = { observer, listeners };
    observers.set(margin, entry);
  }
  entry.listeners.set(element, listener);
  entry.observer.observe(element);
}

function untrack(margin: string, element: Element): void {
  const entry = observers.get(margin);
  if (entry?.listeners.delete(element)) entry.observer.unobserve(element);
}

/** Calls `activate` once `element` nears the viewport (unless {@link unwatch}ed first). */
export function watch(element: Element, activate: () => void): void {
  track(NEAR, element, (near, record) => {
    if (!near) return;
    unwatch(element);
    activating = record;
    activate();
    activating = undefined;
  });
}

export function unwatch(element: Element): void {
  untrack(NEAR, element);
}

/** Calls `listener(false)` whenever `element` moves more than about two viewports away, `true` as it comes back. */
export function watchFar(element: Element, listener: Listener): void {
  track(FAR, element, listener);
}

export function unwatchFar(element: Element): void {
  untrack(FAR, element);
}

/**
 * Where `element` stands, from the browser's first observation of it (made after the next layout, so an element the
 * page has just appended is seen where it ends up): on screen, near the viewport (as `watch` counts it), or far from
 * it (an element no longer in the page too). Known at once while `watch` activates it (the same observation).
 */
export function placeOf(element: Element): Place | Promise<Place> {
  if (activating?.target === element) return placeFrom(activating);
  return new Promise((resolve) => {
    const observer = new IntersectionObserver(
      ([record]) => {
        observer.disconnect();
        resolve(placeFrom(record));
      },
      { rootMargin: NEAR },
    );
    observer.observe(element);
  });
}

/** Near the viewport, and vertically within it: on screen (the page scrolls vertically, as `NEAR` counts). */
function placeFrom(record: IntersectionObserverEntry | undefined): Place {
  const box = record?.boundingClientRect;
  return !record?.isIntersecting ? 'far' : box && box.bottom > 0 && box.top < innerHeight ? 'screen' : 'near';
}
