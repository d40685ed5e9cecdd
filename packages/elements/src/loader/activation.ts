/**
 * When a shell loads its view: as it comes within about one viewport of being visible (one
 * IntersectionObserver shared by every element on the page), or as soon as a member touches it.
 */

type Activate = () => void;

const waiting = new Map<Element, Activate>();
let observer: IntersectionObserver | undefined;

function sharedObserver(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const activate = waiting.get(entry.target);
        unwatch(entry.target);
        activate?.();
      }
    },
    // Percentages of the viewport: start loading one screen ahead, in either direction.
    { rootMargin: '100% 0px 100% 0px' },
  );
  return observer;
}

/** Calls `activate` once `element` nears the viewport (unless {@link unwatch}ed first). */
export function watch(element: Element, activate: Activate): void {
  waiting.set(element, activate);
  sharedObserver().observe(element);
}

export function unwatch(element: Element): void {
  if (!waiting.delete(element)) return;
  observer?.unobserve(element);
}
