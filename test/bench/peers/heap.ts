/**
 * A page's JS heap with every worker it runs: the page's own isolate, and each dedicated, shared and service worker
 * of its browser context, each after a garbage collection. An engine moved into a worker must not make its heap
 * disappear from the figure, so workers are found through the browser's target list (shared and service workers
 * are not children of the page) and read over CDP, not through the page.
 */
import type { Browser, CDPSession } from 'playwright-core';

export interface WorkerHeap {
  type: string;
  url: string;
  usedBytes: number;
}

export interface ContextHeap {
  /** The page's own isolate after a collection. */
  pageBytes: number;
  /** Every worker of the page's browser context after a collection. */
  workers: WorkerHeap[];
  /** The page and all its workers. */
  totalBytes: number;
}

const WORKER_TYPES = new Set(['worker', 'shared_worker', 'service_worker']);

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
  browserContextId?: string;
}

interface HeapUsage {
  usedSize: number;
}

/**
 * Sends one CDP command to a target attached in non-flat mode through `browser` (Playwright's sessions do not route
 * flat child sessions); resolves with its result.
 */
function callTarget<T>(
  browser: CDPSession,
  sessionId: string,
  method: string,
  replies: Map<number, (reply: unknown) => void>,
  id: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      replies.delete(id);
      reject(new Error(`${method}: no answer from the worker within 10 s`));
    }, 10_000);
    replies.set(id, (reply) => {
      clearTimeout(timer);
      const message = reply as { result?: T; error?: { message: string } };
      if (message.error) reject(new Error(`${method}: ${message.error.message}`));
      else resolve(message.result as T);
    });
    browser.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(reject);
  });
}

/** The heap of `page` (through its CDP session) and of every worker in its browser context. */
export async function contextHeap(browser: Browser, pageSession: CDPSession): Promise<ContextHeap> {
  await pageSession.send('HeapProfiler.collectGarbage');
  const page = (await pageSession.send('Runtime.getHeapUsage')) as HeapUsage;
  const { targetInfo } = (await pageSession.send('Target.getTargetInfo')) as { targetInfo: TargetInfo };
  const session = await browser.newBrowserCDPSession();
  const replies = new Map<number, (reply: unknown) => void>();
  session.on('Target.receivedMessageFromTarget', (event: { message: string }) => {
    const reply = JSON.parse(event.message) as { id?: number };
    if (reply.id !== undefined) replies.get(reply.id)?.(reply);
    if (reply.id !== undefined) replies.delete(reply.id);
  });
  try {
    const { targetInfos } = (await session.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    const workers = targetInfos.filter((t) => WORKER_TYPES.has(t.type) && t.browserContextId === targetInfo.browserContextId);
    let next = 1;
    const heaps: WorkerHeap[] = [];
    for (const worker of workers) {
      const { sessionId } = await session.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
      try {
        await callTarget(session, sessionId, 'HeapProfiler.collectGarbage', replies, next++);
        const usage = await callTarget<HeapUsage>(session, sessionId, 'Runtime.getHeapUsage', replies, next++);
        heaps.push({ type: worker.type, url: worker.url, usedBytes: usage.usedSize });
      } finally {
        await session.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      }
    }
    return { pageBytes: page.usedSize, workers: heaps, totalBytes: page.usedSize + heaps.reduce((sum, w) => sum + w.usedBytes, 0) };
  } finally {
    await session.detach();
  }
}
