/**
 * The page-wide count of light reads (sync/light-read.ts) that have not painted yet, and what waits for them:
 * a post's guest sign-in (posts/post-view.ts) once the browser is idle after their paint, a member's engine
 * (session/registry.ts) as soon as their paint is on screen. No imports: the session registry uses it.
 */

/** Light reads of the page still under way, and what waits for all of them to paint. */
let lightReads = 0;
const afterLightReads: (() => void)[] = [];

const nextFrame = (run: () => void): void => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  else setTimeout(run, 0);
};

/** What waits for the page's light reads to have painted, without waiting for the browser to be idle. */
const afterPainted: (() => void)[] = [];

/** Runs `run` in a task after the next frame: what the frame shows has been painted. */
export function afterNextPaint(run: () => void): void {
  nextFrame(() => setTimeout(run, 0));
}

/**
 * Resolves at once when no light read of the page is under way, otherwise once every one has painted (or
 * given up) and the frame showing them has been painted: a member's engine chunk (matrix-js-sdk) is
 * requested only then (session/registry.ts), so it does not compete with the light reads and their views.
 */
export function lightReadsPainted(): Promise<void> {
  if (lightReads === 0) return Promise.resolve();
  return new Promise((resolve) => afterPainted.push(resolve));
}

/** A light read of the page has started: it counts until `lightReadSettled`. */
export function lightReadStarted(): void {
  lightReads += 1;
}

/**
 * Ends one light read; `next` runs once every light read of the page has painted (or given up) and the
 * browser is idle after the next paint: the engine chunk is large to parse, and would delay the other
 * views' first paint.
 */
export function lightReadSettled(next: (() => void) | undefined): void {
  lightReads -= 1;
  if (next) afterLightReads.push(next);
  if (lightReads === 0 && afterPainted.length > 0) {
    afterNextPaint(() => {
      if (lightReads > 0) return;
      for (const waiting of afterPainted.splice(0)) waiting();
    });
  }
  if (lightReads > 0 || afterLightReads.length === 0) return;
  nextFrame(() => {
    const run = (): void => {
      if (lightReads > 0) return;
      for (const waiting of afterLightReads.splice(0)) waiting();
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 500 });
    else setTimeout(run, 0);
  });
}
