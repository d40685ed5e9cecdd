/**
 * Snapshots across the worker boundary. A room's snapshot holds its whole timeline, and a change (a message, a
 * typing notice) replaces one item or none: each item crosses once, then by number, and the page puts together the
 * same objects again, so an unchanged tile gets the very object it rendered last time.
 */
import type { WireError, WireSnapshot } from './protocol.ts';
import { OmniError, type OmniErrorCode, type OmniErrorInfo } from '../types.ts';
import { MediaError, type MediaErrorCode } from '../media/media.ts';

interface WithItems {
  readonly items: readonly unknown[];
  readonly root?: unknown;
  readonly error?: OmniErrorInfo;
}

/**
 * A snapshot's `error` as it crosses: the engine's models put an `OmniError` there, and a structured clone of an
 * `Error` keeps its message but not its `code`, the field the elements word the error by.
 */
function plainError(error: OmniErrorInfo): OmniErrorInfo {
  return { code: error.code, message: error.message };
}

/** The worker's side: remembers which items of the last snapshot the page holds. */
export class SnapshotEncoder<S extends WithItems> {
  #ids = new Map<unknown, number>();
  #next = 1;

  encode(snapshot: S): WireSnapshot<S> {
    const kept = new Map<unknown, number>();
    const added: Array<readonly [number, unknown]> = [];
    const ref = (item: unknown): number => {
      let id = kept.get(item) ?? this.#ids.get(item);
      if (id === undefined) {
        id = this.#next++;
        added.push([id, item]);
      }
      kept.set(item, id);
      return id;
    };
    const items = snapshot.items.map(ref);
    const root = snapshot.root === undefined ? undefined : ref(snapshot.root);
    this.#ids = kept;
    const rest = { ...snapshot } as Record<string, unknown>;
    delete rest['items'];
    delete rest['root'];
    if (snapshot.error !== undefined) rest['error'] = plainError(snapshot.error);
    return { rest: rest as Omit<S, 'items' | 'root'>, items, added, ...(root !== undefined ? { root } : {}) };
  }
}

/** The page's side: the items the worker referred to, rebuilt from what crossed before. */
export class SnapshotDecoder<S extends WithItems> {
  #items = new Map<number, unknown>();

  decode(wire: WireSnapshot<S>): S {
    const known = new Map<number, unknown>(wire.added);
    const get = (id: number): unknown => {
      const item = known.get(id) ?? this.#items.get(id);
      if (item === undefined) throw new Error(`snapshot item ${String(id)} was never sent`);
      known.set(id, item);
      return item;
    };
    const items = wire.items.map(get);
    const root = wire.root === undefined ? undefined : get(wire.root);
    this.#items = known;
    const rest = wire.rest as { readonly error?: OmniErrorInfo };
    const error = rest.error === undefined ? {} : { error: new OmniError(rest.error.code, rest.error.message) };
    return { ...wire.rest, items, ...(root !== undefined ? { root } : {}), ...error } as unknown as S;
  }
}

const MEDIA_CODES: ReadonlySet<string> = new Set<MediaErrorCode>([
  'bad-mxc',
  'bad-encryption',
  'bad-hash',
  'not-found',
  'refused-type',
  'http',
  'network',
  'stopped',
]);

/** An error as it can cross: its class name, message and code. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return { name: error.name, message: error.message, ...(code !== undefined ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/** The page's copy of an error from the worker: `OmniError` and `MediaError` as themselves, so `code` checks hold. */
export function fromWireError(wire: WireError): Error {
  if (wire.name === 'OmniError' && wire.code !== undefined) return new OmniError(wire.code as OmniErrorCode, wire.message);
  if (wire.name === 'MediaError' && wire.code !== undefined && MEDIA_CODES.has(wire.code)) {
    return new MediaError(wire.code as MediaErrorCode, wire.message);
  }
  const error = new Error(wire.message);
  error.name = wire.name;
  return error;
}
