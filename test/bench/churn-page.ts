/**
 * The churn benchmark page: `churn.ts` mounts and unmounts `<omni-room>` elements in rounds and reads
 * the page's long tasks; heap figures come from the browser's DevTools protocol.
 */
import { signIn } from '@omnisocial/chat';
import { countNodes, deepText } from './dom.ts';

export interface LongTaskFigures {
  count: number;
  maxMs: number;
  totalMs: number;
}

export interface ChurnBench {
  signIn(homeserver: string, username: string, password: string): Promise<void>;
  /** Mounts one element per room, waits until each shows `marker(room)`, then removes them all. */
  round(homeserver: string, roomIds: readonly string[], markers: readonly string[]): Promise<number>;
  /** Long tasks since the last call. */
  takeLongTasks(): LongTaskFigures;
  /** Elements and text nodes in the document, shadow roots included. */
  domNodes(): number;
}

declare global {
  interface Window {
    churn: ChurnBench;
  }
}

let longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });

window.churn = {
  async signIn(homeserver, username, password) {
    await signIn({ homeserver, username, password });
  },
  async round(homeserver, roomIds, markers) {
    const container = document.getElementById('rooms');
    if (!container) throw new Error('no #rooms');
    const start = performance.now();
    const elements = roomIds.map((roomId) => {
      const el = document.createElement('omni-room');
      el.setAttribute('homeserver', homeserver);
      el.setAttribute('room', roomId);
      container.append(el);
      return el;
    });
    await new Promise<void>((resolve, reject) => {
      const deadline = start + 60_000;
      const check = (): void => {
        if (elements.every((el, i) => deepText(el).includes(markers[i] ?? '\u0000'))) resolve();
        else if (performance.now() > deadline) reject(new Error('rooms did not paint within 60 s'));
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
    const took = performance.now() - start;
    for (const el of elements) el.remove();
    return took;
  },
  takeLongTasks() {
    const taken = longTasks;
    longTasks = [];
    return { count: taken.length, maxMs: Math.max(0, ...taken), totalMs: taken.reduce((a, b) => a + b, 0) };
  },
  domNodes: () => countNodes(document),
};
