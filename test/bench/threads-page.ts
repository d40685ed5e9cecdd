/**
 * The threads benchmark page: `threads.ts` has it open a thread of many replies in `<omni-room>` and
 * read how long its first and its oldest reply take to show, and how many DOM nodes the thread holds.
 */
import { signIn } from '@omnisocial/chat';

export interface ThreadFigures {
  /** Summary clicked → the first reply painted in the panel. */
  firstMs: number;
  /** Summary clicked → the last (latest) reply painted: where the thread opens. */
  lastMs: number;
  /** The most elements the thread's log held, open and scrolled back to its root (as the main timeline's figure counts). */
  maxNodes: number;
  /** Reply tiles in the panel's DOM at the end (the rest virtualised away). */
  tilesAtEnd: number;
}

export interface ThreadsBench {
  signIn(homeserver: string, username: string, password: string): Promise<void>;
  open(homeserver: string, roomId: string, rootText: string, latestText: string): Promise<ThreadFigures>;
}

declare global {
  interface Window {
    threadsBench: ThreadsBench;
  }
}

const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

async function until<T>(find: () => T | undefined | null | false, what: string, step?: () => void, timeoutMs = 120_000): Promise<T> {
  const start = performance.now();
  for (;;) {
    const found = find();
    if (found) return found;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    step?.();
    await frame();
  }
}

window.threadsBench = {
  async signIn(homeserver, username, password) {
    await signIn({ homeserver, username, password });
  },
  async open(homeserver, roomId, rootText, latestText) {
    const el = document.createElement('omni-room');
    el.setAttribute('homeserver', homeserver);
    el.setAttribute('room', roomId);
    document.getElementById('rooms')?.append(el);
    const root = (): ShadowRoot | null => el.shadowRoot;
    const mainLog = (): HTMLElement | null => root()?.querySelector<HTMLElement>('[role="log"]') ?? null;
    // The root is older than the replies the first sync brings: scroll the room back to it.
    const summary = await until(
      () =>
        [...(root()?.querySelectorAll('[role="log"] article') ?? [])]
          .find((a) => a.textContent.includes(rootText))
          ?.querySelector<HTMLButtonElement>('.thread-summary'),
      'the root and its summary',
      () => mainLog()?.scrollTo({ top: 0 }),
    );
    const panel = (): ShadowRoot | null | undefined => root()?.querySelector('omni-thread')?.shadowRoot;
    const tiles = (): HTMLElement[] => [...(panel()?.querySelectorAll<HTMLElement>('[role="log"] article') ?? [])];
    const start = performance.now();
    summary.click();
    await until(() => tiles().some((a) => !a.textContent.includes(rootText)), 'the first reply');
    const firstMs = performance.now() - start;
    const threadLog = (): HTMLElement | null | undefined => panel()?.querySelector<HTMLElement>('[role="log"]');
    await until(() => tiles().some((a) => a.textContent.includes(latestText)), 'the latest reply');
    const lastMs = performance.now() - start;
    const elements = (): number => threadLog()?.querySelectorAll('*').length ?? 0;
    let maxNodes = elements();
    // Back to the thread's start: the root's tile, with every reply passed on the way.
    await until(
      () => tiles().some((a) => a.textContent.includes(rootText)) && threadLog()?.scrollTop === 0,
      'the root at the top of the thread',
      () => {
        maxNodes = Math.max(maxNodes, elements());
        const log = threadLog();
        if (log) log.scrollTop = Math.max(0, log.scrollTop - 600);
      },
    );
    maxNodes = Math.max(maxNodes, elements());
    return { firstMs, lastMs, maxNodes, tilesAtEnd: tiles().length };
  },
};
