/** The outbox's waits between attempts. */

/**
 * Waits `ms`. A wakeable wait also ends when the browser comes back online or when the function handed to
 * `setWake` is called (a member's retry); `setWake` is given `undefined` once the wait is over.
 */
export function sleep(ms: number, wakeable: boolean, setWake: (wake: (() => void) | undefined) => void): Promise<void> {
  const canListen = 'addEventListener' in globalThis;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    const online = (): void => done();
    function done(): void {
      clearTimeout(timer);
      if (canListen) globalThis.removeEventListener('online', online);
      resolve();
    }
    if (wakeable) {
      setWake(done);
      if (canListen) globalThis.addEventListener('online', online);
    }
  }).finally(() => {
    setWake(undefined);
  });
}

/** Longest wait for a frame: a page that paints no frames (hidden, or in the background) sends anyway. */
const PAINT_WAIT_MS = 50;

/**
 * Resolves once the page has painted its next frame (a message posted from an animation frame is handled
 * after that frame's paint), or at once where nothing paints (Node, a worker, a hidden page). The local
 * echo is shown in the frame after the member's Enter; the request, the SDK's own echo and what it sets
 * off wait until that frame is on screen instead of delaying it.
 */
export function afterPaint(): Promise<void> {
  const page = globalThis as { document?: { visibilityState?: string } };
  if (typeof requestAnimationFrame !== 'function' || typeof MessageChannel !== 'function' || page.document?.visibilityState !== 'visible')
    return Promise.resolve();
  return new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    const done = (): void => {
      clearTimeout(timer);
      channel.port1.close();
      resolve();
    };
    const timer = setTimeout(done, PAINT_WAIT_MS);
    channel.port1.onmessage = done;
    requestAnimationFrame(() => channel.port2.postMessage(null));
  });
}
