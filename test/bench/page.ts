/**
 * The benchmark page: `run.ts` signs a member in through the public API, then asks how long
 * `<omni-room>` elements take from connected to their first message painted; `companion.ts` signs members
 * in with the login tokens the site's companion mints.
 */
import { signIn } from '@omnisocial/chat';
import { isEngineSync } from './sync-connection.ts';

const SYNC_PATH = /\/_matrix\/client\/(?:unstable\/org\.matrix\.simplified_msc3575|v3|r0)\/sync\b/;

/** Sync requests as the page's code sees them (js-sdk's transport is `fetch`). */
export interface SyncCounts {
  /** The most sync requests in flight at once: the page's sync connections. */
  connections: number;
  requests: number;
}

const counts: SyncCounts = { connections: 0, requests: 0 };
let inFlight = 0;
/** The member's room light reads the page made (sliding-sync requests on the light read's own connection). */
let lightReads = 0;
/** What had been asked when the last `firstPaint` resolved. */
let atPaint: PaintedBy = { engineSyncs: 0, lightReads: 0 };
const pageFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  // The member's room light read posts to the sliding sync URL too, on a connection of its own: not a sync connection.
  if (!SYNC_PATH.test(url)) return pageFetch(input, init);
  if (!isEngineSync(typeof init?.body === 'string' ? init.body : undefined)) {
    lightReads += 1;
    return pageFetch(input, init);
  }
  counts.requests += 1;
  inFlight += 1;
  counts.connections = Math.max(counts.connections, inFlight);
  try {
    return await pageFetch(input, init);
  } finally {
    inFlight -= 1;
  }
};

/** Which path showed the first message: the light read, or the engine (its sync under way, no light read made). */
export interface PaintedBy {
  readonly engineSyncs: number;
  readonly lightReads: number;
}

export interface OmniBench {
  syncCounts(): SyncCounts;
  /** What had been asked when the last `firstPaint` resolved. */
  paintedBy(): PaintedBy;
  /** Resolves once the engine's first sync request has gone out (its chunk loaded, the session started). */
  engineSyncing(): Promise<void>;
  signIn(homeserver: string, username: string, password: string): Promise<void>;
  /** Signs in with a one-time login token (as a site's page does with its companion's); resolves with the user id. */
  signInWithToken(homeserver: string, loginToken: string): Promise<string>;
  /** Mounts one `<omni-room>` per room and resolves with the ms until every one painted a message. */
  firstPaint(homeserver: string, roomIds: readonly string[]): Promise<number>;
}

declare global {
  interface Window {
    omniBench: OmniBench;
  }
}

window.omniBench = {
  syncCounts: () => ({ ...counts }),
  paintedBy: () => atPaint,
  engineSyncing: () =>
    new Promise<void>((resolve) => {
      const check = (): void => {
        if (counts.requests > 0) resolve();
        else setTimeout(check, 20);
      };
      check();
    }),
  async signIn(homeserver, username, password) {
    await signIn({ homeserver, username, password });
  },
  async signInWithToken(homeserver, loginToken) {
    return (await signIn({ homeserver, loginToken })).userId;
  },
  firstPaint(homeserver, roomIds) {
    const container = document.getElementById('rooms');
    if (!container) throw new Error('no #rooms container');
    const start = performance.now();
    const elements = roomIds.map((roomId) => {
      const el = document.createElement('omni-room');
      el.setAttribute('homeserver', homeserver);
      el.setAttribute('room', roomId);
      // Stacked elements are mostly off screen: load them all at once, to measure one page holding fifty rooms.
      el.setAttribute('loading', 'eager');
      container.append(el);
      return el;
    });
    // A message present in the DOM at a frame's start is painted in that frame. A virtualised log
    // renders no message while it is off screen: there, the open log is what counts.
    const shown = (el: HTMLElement): boolean => {
      const root = el.shadowRoot;
      if (!root) return false;
      if (root.querySelector('[role="log"] article')) return true;
      return el.getBoundingClientRect().top > innerHeight && root.querySelector('[role="log"]') !== null;
    };
    return new Promise<number>((resolve) => {
      const frame = (now: number): void => {
        if (elements.every(shown)) {
          atPaint = { engineSyncs: counts.requests, lightReads };
          resolve(now - start);
        } else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
  },
};
