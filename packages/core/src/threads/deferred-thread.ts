/**
 * A thread asked for before its room can open it (a post's room still being found, or a visitor's
 * session taking over from the light read): loading until the room can, then the room's thread.
 */
import type { RoomSnapshot, ThreadHandle, ThreadSnapshot, Unsubscribe } from '../types.ts';
import { ThreadPublisher } from './thread-publisher.ts';

export class DeferredThread extends ThreadPublisher implements ThreadHandle {
  readonly #open: () => ThreadHandle | undefined;
  #inner: ThreadHandle | undefined;
  #stopWatching: Unsubscribe | undefined;

  /** `open` is tried now and on each change of the room (`watch`) until it gives a thread. */
  constructor(rootId: string, open: () => ThreadHandle | undefined, watch: (listener: (snapshot: RoomSnapshot) => void) => Unsubscribe) {
    super(rootId, false);
    this.#open = open;
    this.#stopWatching = watch(() => this.#try());
  }

  #try(): void {
    if (this.#inner) return;
    const inner = this.#open();
    if (!inner) return;
    this.#inner = inner;
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    const forward = (snapshot: ThreadSnapshot): void => this.publish(snapshot);
    inner.subscribe(forward);
    forward(inner.snapshot);
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
    this.silence();
    this.#inner?.release();
  }
}
