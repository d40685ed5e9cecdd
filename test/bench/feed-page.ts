/**
 * The feed benchmark page: fifty `<omni-chat>` under fifty posts, the first below the fold. `feed.ts`
 * scrolls through it; this page reports what only the page can see: when each element entered the
 * viewport and painted its first message, sync requests in flight, layout shifts, DOM nodes.
 */
import '@omnisocial/chat';
import { countNodes, deepText } from './dom.ts';
import { isEngineSync } from './sync-connection.ts';

const POSTS = 50;
const SYNC_PATH = /\/_matrix\/client\/(?:unstable\/org\.matrix\.simplified_msc3575|v3|r0)\/sync\b/;

export interface FeedBench {
  readonly posts: number;
  /** ms from element `index` entering the viewport to its first message painted. */
  enterToPaint(index: number, marker: string): Promise<number>;
  syncConnections(): number;
  /** Sum of layout-shift scores not caused by input (CLS as a page-lifetime sum). */
  layoutShift(): number;
  /** Each layout shift counted: its score, when, and what moved (node, rectangles before and after). */
  layoutShifts(): ShiftRecord[];
  /** Nodes of one element and its shadow tree. */
  nodesOf(index: number): number;
  /** Whether the views chunk (Lit, the views) or the engine chunk (matrix-js-sdk) was fetched. */
  engineLoaded(): boolean;
}

export interface ShiftRecord {
  value: number;
  at: number;
  sources: Array<{ node: string; from: string; to: string }>;
}

declare global {
  interface Window {
    feed: FeedBench;
  }
}

const params = new URLSearchParams(location.search);
const homeserver = params.get('hs') ?? '';
const feed = document.getElementById('feed');
if (!feed) throw new Error('no #feed');
const chats: HTMLElement[] = [];
for (let i = 0; i < POSTS; i += 1) {
  const article = document.createElement('article');
  article.className = 'post';
  const title = document.createElement('h2');
  title.textContent = `Post ${String(i)}`;
  const chat = document.createElement('omni-chat');
  chat.setAttribute('homeserver', homeserver);
  chat.setAttribute('post', `bench-post-${String(i)}`);
  chat.setAttribute('post-title', `Post ${String(i)}`);
  chat.setAttribute('open', '');
  article.append(title, chat);
  feed.append(article);
  chats.push(chat);
}

let inFlight = 0;
let connections = 0;
const pageFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  // A light read posts to the sliding sync URL too, on a connection of its own: not a sync connection.
  if (!SYNC_PATH.test(url) || !isEngineSync(typeof init?.body === 'string' ? init.body : undefined)) return pageFetch(input, init);
  // A request counts as a connection until it settles or is aborted (the browser closes an aborted
  // request's connection at once; its promise rejects a little later).
  inFlight += 1;
  connections = Math.max(connections, inFlight);
  let open = true;
  const close = (): void => {
    if (open) inFlight -= 1;
    open = false;
  };
  init?.signal?.addEventListener('abort', close);
  const signal = input instanceof Request ? input.signal : undefined;
  signal?.addEventListener('abort', close);
  try {
    return await pageFetch(input, init);
  } finally {
    close();
  }
};

/** A node as a path through shadow roots: `omni-chat[post=…] > … > div.log`. */
function describe(node: Node | null): string {
  const parts: string[] = [];
  for (let current: Node | null = node; current;) {
    if (current instanceof Element) {
      const post = current.getAttribute('post');
      const key = current.getAttribute('data-key');
      const part = current.getAttribute('part');
      parts.unshift(
        `${current.localName}${current.className && typeof current.className === 'string' ? `.${current.className.trim().replace(/\s+/g, '.')}` : ''}${post ? `[post=${post}]` : ''}${key ? `[key=${key.slice(0, 12)}]` : ''}${part ? `[part=${part}]` : ''}`,
      );
    } else if (current.nodeType === Node.TEXT_NODE) parts.unshift(`"${(current.textContent ?? '').slice(0, 24)}"`);
    current = current.parentNode instanceof ShadowRoot ? current.parentNode.host : current.parentNode;
    if (parts.length > 8) break;
  }
  return parts.join(' > ');
}
const rect = (r: DOMRectReadOnly): string =>
  `${String(Math.round(r.x))},${String(Math.round(r.y))} ${String(Math.round(r.width))}×${String(Math.round(r.height))}`;

/** Elements (through shadow roots) whose box is `r` now: the browser exposes no node inside a shadow tree. */
function at(r: DOMRectReadOnly): string {
  const found: string[] = [];
  const walk = (root: ParentNode): void => {
    for (const el of root.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (
        Math.abs(box.x - r.x) < 1 &&
        Math.abs(box.y - r.y) < 1 &&
        Math.abs(box.width - r.width) < 1 &&
        Math.abs(box.height - r.height) < 1
      )
        found.push(describe(el));
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return found.join(' | ') || 'nothing';
}

let shift = 0;
const shifts: ShiftRecord[] = [];
interface LayoutShiftEntry extends PerformanceEntry {
  value: number;
  hadRecentInput: boolean;
  sources: ReadonlyArray<{ node: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }>;
}
new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as LayoutShiftEntry[]) {
    if (entry.hadRecentInput) continue;
    shift += entry.value;
    shifts.push({
      value: entry.value,
      at: Math.round(entry.startTime),
      sources: entry.sources.map((s) => ({
        node: s.node ? describe(s.node) : `(not exposed; now there: ${at(s.currentRect)})`,
        from: rect(s.previousRect),
        to: rect(s.currentRect),
      })),
    });
  }
}).observe({ type: 'layout-shift', buffered: true });

const entered = new Map<Element, number>();
const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) if (entry.isIntersecting && !entered.has(entry.target)) entered.set(entry.target, entry.time);
});
for (const chat of chats) observer.observe(chat);

window.feed = {
  posts: POSTS,
  enterToPaint(index, marker) {
    const chat = chats[index];
    if (!chat) return Promise.reject(new Error(`no element ${String(index)}`));
    return new Promise((resolve, reject) => {
      const deadline = performance.now() + 60_000;
      const check = (): void => {
        const at = entered.get(chat);
        if (at !== undefined && deepText(chat).includes(marker)) resolve(performance.now() - at);
        else if (performance.now() > deadline) reject(new Error(`element ${String(index)} did not paint "${marker}" within 60 s`));
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
  },
  syncConnections: () => connections,
  layoutShift: () => shift,
  layoutShifts: () => shifts,
  nodesOf: (index) => (chats[index] ? countNodes(chats[index]) : 0),
  engineLoaded: () => performance.getEntriesByType('resource').some((entry) => /\/(?:views|engine)-[^/]*\.js$/.test(entry.name)),
};
