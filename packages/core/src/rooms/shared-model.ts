/**
 * What every room model elements hold has in common: one model per room (or post, or conversation) per
 * session, shared by every element showing it. Each element takes a hold (`hold()`, a `RoomHolder`); the
 * last release disposes of the model. Listeners get every snapshot the model publishes.
 */
import {
  OmniError,
  type LinkPreview,
  type MediaRequest,
  type ModerationCommand,
  type ModerationProgress,
  type AttachmentOptions,
  type OutgoingMessage,
  type SendOptions,
  type RoomHandle,
  type RoomSnapshot,
  type ThreadHandle,
  type Unsubscribe,
} from '../types.ts';
import type { MemberInfo } from '../timeline/timeline-types.ts';

/** What a room shows before anything is known of it. */
export const LOADING: RoomSnapshot = {
  status: 'loading',
  items: [],
  encrypted: false,
  canSend: false,
  hasMoreBefore: false,
  paginating: false,
  typing: [],
  unreadCount: 0,
};

type Commands = Omit<RoomHandle, 'snapshot' | 'subscribe' | 'release'>;

/** A model elements hold: a room's, or one of a room that may not exist yet (lazy-room.ts). */
export interface HeldModel extends Commands {
  readonly snapshot: RoomSnapshot;
  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe;
  release(): void;
}

/** Reference counting, listeners and snapshot publishing; subclasses add the room and its commands. */
export abstract class SharedModel {
  readonly #onDispose: () => void;
  readonly #listeners = new Set<(snapshot: RoomSnapshot) => void>();
  #snapshot: RoomSnapshot = LOADING;
  #holders = 0;
  #disposed = false;

  /** `onDispose` tells the session the model is gone (it forgets it). */
  constructor(onDispose: () => void) {
    this.#onDispose = onDispose;
  }

  /** A new hold on this model, for one element. */
  hold(this: SharedModel & HeldModel): RoomHandle {
    this.#holders += 1;
    return new RoomHolder(this);
  }

  get snapshot(): RoomSnapshot {
    return this.#snapshot;
  }

  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  release(): void {
    this.#holders -= 1;
    if (this.#holders === 0) this.dispose();
  }

  /** Stops the model; subclasses release what they hold in `onDisposed()`. Later calls do nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.onDisposed();
    this.#listeners.clear();
    this.#onDispose();
  }

  /** What the subclass lets go of when the model is disposed (before its listeners are dropped). */
  protected abstract onDisposed(): void;

  /** Read through a call so that checks after each `await` are not narrowed away. */
  protected isDisposed(): boolean {
    return this.#disposed;
  }

  /** Makes `snapshot` the model's and gives it to every listener. */
  protected publish(snapshot: RoomSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }
}

/** One element's hold on a shared room model; releasing twice is harmless, commands after it reject. */
export class RoomHolder implements RoomHandle {
  #model: HeldModel | undefined;
  readonly #unsubscribes = new Set<Unsubscribe>();

  constructor(model: HeldModel) {
    this.#model = model;
  }

  get snapshot(): RoomSnapshot {
    return this.#model?.snapshot ?? LOADING;
  }

  subscribe(listener: (snapshot: RoomSnapshot) => void): Unsubscribe {
    const unsubscribe = this.#model?.subscribe(listener) ?? (() => undefined);
    this.#unsubscribes.add(unsubscribe);
    return () => {
      this.#unsubscribes.delete(unsubscribe);
      unsubscribe();
    };
  }

  #call<K extends keyof Commands>(command: K, ...args: Parameters<Commands[K]>): ReturnType<Commands[K]> {
    const model = this.#model;
    if (!model) throw new OmniError('unknown', 'This room was already released.');
    return (model[command] as (...a: Parameters<Commands[K]>) => ReturnType<Commands[K]>).apply(model, args);
  }

  send = (message: string | OutgoingMessage, options?: SendOptions): Promise<void> => this.#call('send', message, options);
  checkAttachment = (file: Blob & { readonly name: string }): Promise<void> => this.#call('checkAttachment', file);
  sendAttachment = (file: Blob & { readonly name: string }, options?: AttachmentOptions): Promise<void> =>
    this.#call('sendAttachment', file, options);
  edit = (eventId: string, message: string | OutgoingMessage): Promise<void> => this.#call('edit', eventId, message);
  redact = (eventId: string, reason?: string): Promise<void> => this.#call('redact', eventId, reason);
  moderate = (command: ModerationCommand, onProgress?: (progress: ModerationProgress) => void): Promise<ModerationProgress> =>
    this.#call('moderate', command, onProgress);
  toggleReaction = (eventId: string, key: string): Promise<void> => this.#call('toggleReaction', eventId, key);
  retry = (key: string): Promise<void> => this.#call('retry', key);
  retryDecryption = (eventId: string): Promise<void> => this.#call('retryDecryption', eventId);
  cancel = (key: string): Promise<void> => this.#call('cancel', key);
  paginateBackwards = (limit?: number): Promise<boolean> => this.#call('paginateBackwards', limit);
  setTyping = (typing: boolean): void => this.#call('setTyping', typing);
  markRead = (eventId: string): void => this.#call('markRead', eventId);
  searchMembers = (query: string, limit?: number): Promise<readonly MemberInfo[]> => this.#call('searchMembers', query, limit);
  loadMedia = (request: MediaRequest): Promise<string> => this.#call('loadMedia', request);
  previewLink = (url: string): Promise<LinkPreview | undefined> => this.#call('previewLink', url);
  setLinkPreviews = (enabled: boolean): Promise<void> => this.#call('setLinkPreviews', enabled);
  openThread = (rootId: string): ThreadHandle => this.#call('openThread', rootId);

  release(): void {
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes.clear();
    this.#model?.release();
    this.#model = undefined;
  }
}
