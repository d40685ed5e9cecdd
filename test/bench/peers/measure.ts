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

export function report(run: () => Promise<number>): void {
  run().then(
    (firstMessageMs) => {
      window.peerResult = { firstMessageMs, timeOrigin: performance.timeOrigin };
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

export { deepText } from '../dom.ts';
