/**
 * What every client page of the side-by-side benchmark reports: when the room's latest message was
 * first painted, measured the same way for each client.
 */

export interface PeerParams {
  homeserver: string;
  username: string;
  password: string;
  roomId: string;
  /** Text of the room's latest message: the page is done when it is on screen. */
  marker: string;
}

export interface PeerResult {
  /** ms from navigation start to the first frame showing the marker. */
  firstMessageMs: number;
  /** `performance.timeOrigin`: the first message's wall-clock time is timeOrigin + firstMessageMs. */
  timeOrigin: number;
  /** ms from navigation start to the first frame in which the member can type and send (ours only). */
  composerUsableMs?: number;
  error?: string;
}

declare global {
  interface Window {
    peerResult?: PeerResult;
  }
}

export function params(): PeerParams {
  const query = new URLSearchParams(location.search);
  const get = (name: string): string => {
    const value = query.get(name);
    if (!value) throw new Error(`missing ?${name}=`);
    return value;
  };
  return {
    homeserver: get('hs'),
    username: get('user'),
    password: get('password'),
    roomId: get('room'),
    marker: get('marker'),
  };
}

/** Resolves at the first animation frame in which `visibleText()` contains the marker. */
export function whenPainted(marker: string, visibleText: () => string): Promise<number> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (visibleText().includes(marker)) resolve(performance.now());
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

/** Resolves at the first animation frame in which `ready()` holds. */
export function whenReady(ready: () => boolean): Promise<number> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (ready()) resolve(performance.now());
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

/**
 * Reports the first message's time once `run` resolves; with `usable`, once that resolves too (the page is
 * then measured, heap included, with what it loads to let the member write).
 */
export function report(run: () => Promise<number>, usable?: () => Promise<number>): void {
  run()
    .then(async (firstMessageMs) => (usable ? { firstMessageMs, composerUsableMs: await usable() } : { firstMessageMs }))
    .then(
      (figures) => {
        window.peerResult = { ...figures, timeOrigin: performance.timeOrigin };
      },
      (error: unknown) => {
        window.peerResult = {
          firstMessageMs: Number.NaN,
          timeOrigin: performance.timeOrigin,
          error: error instanceof Error ? error.message : String(error),
        };
      },
    );
}

export { deepText, findDeep } from '../dom.ts';
