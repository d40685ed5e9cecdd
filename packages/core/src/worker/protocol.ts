/**
 * The messages between the page and the engine running in a worker (see docs/engine.md). Everything here
 * is structured-clone data: snapshots out, commands in. The page names every handle it opens (`HandleId`),
 * so a command never waits for a round trip to learn an id, and a restarted worker is given the same ids again.
 */
import type { StartOptions } from '../session/engine.ts';
import type { StoredSession } from '../session/session-store.ts';
import type { Tokens } from '../session/token-refresh.ts';
import type { MediaRequest, RoomSnapshot, ThreadSnapshot, VerificationSnapshot } from '../types.ts';
import type { PostRoomTarget } from '../posts/posts.ts';
import type { PlayableDescription } from '../media/playable-info.ts';

/** Bumped when a message changes shape; a page and a worker of different protocols never talk. */
export const PROTOCOL_VERSION = 2;

export type HandleId = number;

/** What a command is addressed to. */
export type Target =
  | { readonly kind: 'session'; readonly session: string }
  | { readonly kind: 'security'; readonly session: string }
  | { readonly kind: 'verification'; readonly session: string }
  | { readonly kind: 'verification-request'; readonly session: string; readonly id: string }
  | { readonly kind: 'room'; readonly handle: HandleId }
  | { readonly kind: 'thread'; readonly handle: HandleId };

/** How a room or thread handle is opened in the worker. */
export type OpenHow =
  | { readonly kind: 'room'; readonly session: string; readonly room: string }
  | { readonly kind: 'post'; readonly session: string; readonly post: PostRoomTarget }
  | { readonly kind: 'direct'; readonly session: string; readonly userId: string }
  | { readonly kind: 'thread'; readonly parent: HandleId; readonly rootId: string };

export type PageMessage =
  /** `page`: the name of a Web Lock the page holds for its lifetime (a shared worker learns when the tab closes). */
  | { readonly t: 'hello'; readonly protocol: number; readonly page?: string }
  /** `hints`: the page's `localStorage` entries of the engine's hints (crypto/encrypted-rooms.ts), by key. */
  | {
      readonly t: 'start';
      readonly id: number;
      readonly session: string;
      readonly stored: StoredSession;
      readonly options: StartOptions;
      readonly hints?: Readonly<Record<string, string>>;
    }
  | { readonly t: 'open'; readonly handle: HandleId; readonly how: OpenHow }
  | { readonly t: 'release'; readonly handle: HandleId }
  | { readonly t: 'call'; readonly id: number; readonly target: Target; readonly method: string; readonly args: readonly unknown[] }
  | { readonly t: 'stop'; readonly session: string }
  /** The page's answer to a `describe-playable` request (it has the DOM). */
  | { readonly t: 'described'; readonly id: number; readonly description: PlayableDescription | undefined }
  /** An encrypted room nears the viewport: the worker fetches and compiles the crypto wasm (crypto/prepare.ts). */
  | { readonly t: 'prepare-crypto' }
  /** A test hook: the worker dies as if it had crashed. */
  | { readonly t: 'crash' }
  /** What the worker runs: engines and pages (tests count sync connections with it). */
  | { readonly t: 'stats'; readonly id: number }
  /** A test hook: from now on the worker tells this page each request it starts and ends (`network`). */
  | { readonly t: 'watch-network'; readonly id: number }
  /** A test hook: the worker's resource timing entries (`NetworkResource[]`). */
  | { readonly t: 'resources'; readonly id: number }
  /** A test hook: the engine's User Timing measures in the worker (`omni:*`, `NetworkMeasure[]`). */
  | { readonly t: 'measures'; readonly id: number };

/** A resource the worker fetched, as its resource timing entry says. */
export interface NetworkResource {
  readonly name: string;
  readonly initiatorType: string;
  readonly decodedBodySize: number;
  /** When the request started, in milliseconds since the epoch (a worker's clock starts at another time than the page's). */
  readonly startedAt: number;
}

/** One of the engine's User Timing measures (`omni:paginate`, `omni:decrypt-page`…), as its entry says. */
export interface NetworkMeasure {
  readonly name: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly duration: number;
  readonly detail?: unknown;
}

/** An error as it crosses: `OmniError` and `MediaError` keep their class and code. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  /** An `OmniErrorCode`, a `MediaErrorCode`, or another library's code. */
  readonly code?: string;
}

/**
 * A snapshot as it crosses: its timeline items are sent once each and referred to by number afterwards
 * (the engine's models keep an unchanged item's object from one snapshot to the next).
 */
export interface WireSnapshot<S> {
  /** The snapshot without `items` (and without `root` for a thread). */
  readonly rest: Omit<S, 'items' | 'root'>;
  /** The items, oldest first, by number. */
  readonly items: readonly number[];
  /** Items the page has not seen yet, by number. */
  readonly added: ReadonlyArray<readonly [number, unknown]>;
  /** A thread's root, by number. */
  readonly root?: number;
}

/** What `stats` answers. */
export interface HostStats {
  /** Engines running (one sync loop each). */
  readonly engines: number;
  /** Pages connected. */
  readonly pages: number;
  /** `/sync` requests this worker made so far. */
  readonly syncRequests: number;
  /** The sessions (`homeserverUrl|userId`) whose engine still holds the password typed at sign-in (see `StartOptions`). */
  readonly signInPasswordHeld: readonly string[];
}

export type WorkerMessage =
  /** `alive`: a Web Lock the worker holds until it dies. */
  | { readonly t: 'hello'; readonly protocol: number; readonly version: string; readonly alive: string }
  /** A command reached the engine: from now on, sending it again after a crash could do it twice. */
  | { readonly t: 'got'; readonly id: number }
  | { readonly t: 'reply'; readonly id: number; readonly value?: unknown; readonly error?: WireError }
  | { readonly t: 'room'; readonly handle: HandleId; readonly snapshot: WireSnapshot<RoomSnapshot> }
  | { readonly t: 'thread'; readonly handle: HandleId; readonly snapshot: WireSnapshot<ThreadSnapshot> }
  | { readonly t: 'progress'; readonly id: number; readonly progress: unknown }
  | { readonly t: 'verifications'; readonly session: string; readonly requests: readonly VerificationSnapshot[] }
  | { readonly t: 'tokens'; readonly session: string; readonly tokens: Tokens }
  | { readonly t: 'logged-out'; readonly session: string; readonly soft: boolean }
  | { readonly t: 'describe-playable'; readonly id: number; readonly file: Blob; readonly kind: 'video' | 'audio' }
  /**
   * A request the worker's `fetch` started or ended, for a page that asked with `watch-network`. `body`: the
   * request's body when it is text (`start`), the response's when it is JSON (`end`).
   */
  | { readonly t: 'network'; readonly phase: 'start' | 'end'; readonly url: string; readonly body?: string }
  /** The engine changed one of its hints (crypto/encrypted-rooms.ts): the page keeps it in `localStorage`; no `value` removes it. */
  | { readonly t: 'hint'; readonly key: string; readonly value?: string };

/** What a worker's port offers: a dedicated worker's global scope, a shared worker's port, or a `Worker`. */
export interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** A media request as it crosses: the page turns the blob into its own URL. */
export type MediaReply = Blob;

export type { MediaRequest };
