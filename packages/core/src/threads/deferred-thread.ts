/**
 * A thread asked for before its room can open it (a post's room still being found, or a visitor's
 * session taking over from the light read): loading until the room can, then the room's thread.
 */
import type { RoomSnapshot, ThreadHandle, ThreadSnapshot, Unsubscribe } from '../types.ts';

export class DeferredThread implements ThreadHandle {
  readonly #open: () => ThreadHandle | undefined;
  readonly #listeners = new Set<(snapshot: ThreadSnapshot) => void>();
  #inner: ThreadHandle | undefined;
  #stopWatching: Unsubscribe | undefined;
  #snapshot: ThreadSnapshot;

  /** `open` is tried now and on each change of the room (`watch`) until it gives a thread. */
  constructor(rootId: string, open: () => ThreadHandle | undefined, watch: (listener: (snapshot: RoomSnapshot) => void) => Unsubscribe) {
    this.#open = open;
    this.#snapshot = { rootId, status: 'loading', items: [], hasMoreBefore: false, paginating: false, unreadCount: 0 };
    this.#stopWatching = watch(() => this.#try());
  }

  #try(): void {
    if (this.#inner) return;
    const inner = this.#open();
    if (!inner) return;
    this.#inner = inner;
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    const forward = (snapshot: ThreadSnapshot): void => {
      this.#snapshot = snapshot;
      for (const listener of this.#listeners) listener(snapshot);
    };
    inner.subscribe(forward);
    forward(inner.snapshot);
  }

  get snapshot(): ThreadSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: (snapshot: ThreadSnapshot) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  send(...args: Parameters<ThreadHandle['send']>): Promise<void> {
    return this.#inner ? this.#inner.send(...args) : Promise.reject(new Error('The thread is still loading.'));
  }

  paginateBackwards(limit?: number): Promise<boolean> {
    return this.#inner?.paginateBackwards(limit) ?? Promise.resolve(false);
  }

  markRead(eventId: string): void {
    this.#inner?.markRead(eventId);
  }

  release(): void {
    this.#stopWatching?.();
    this.#listeners.clear();
    this.#inner?.release();
  }
}
