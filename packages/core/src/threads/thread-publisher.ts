/** What every thread handle shares: its latest snapshot and the listeners that get each new one. */
import type { ThreadSnapshot, Unsubscribe } from '../types.ts';

export abstract class ThreadPublisher {
  readonly #listeners = new Set<(snapshot: ThreadSnapshot) => void>();
  #snapshot: ThreadSnapshot;

  protected constructor(rootId: string, hasMoreBefore: boolean) {
    this.#snapshot = { rootId, status: 'loading', items: [], hasMoreBefore, paginating: false, unreadCount: 0 };
  }

  get snapshot(): ThreadSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: (snapshot: ThreadSnapshot) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Makes `snapshot` the thread's and gives it to every listener. */
  protected publish(snapshot: ThreadSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  /** Drops every listener: the thread was released. */
  protected silence(): void {
    this.#listeners.clear();
  }
}
