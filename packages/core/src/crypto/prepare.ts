/**
 * Fetching and compiling the crypto wasm ahead of need: the largest part of starting end-to-end
 * encryption (~2 MB gzip, compiled in the background by the browser while it streams in) and the only
 * part that needs neither the member's keys nor the sync loop. Called when an encrypted room nears the
 * viewport, and by the engine as soon as it learns that one will be shown, so that opening the room
 * finds the module compiled. It starts nothing else: no crypto store is opened, no request is made to
 * the homeserver.
 */
import { markStage } from './stages.ts';

let prepared: Promise<void> | undefined;

/**
 * Fetches, compiles and instantiates js-sdk's crypto wasm once per page (the very module
 * `initRustCrypto` uses, which then finds it ready). Later calls return the same promise; a failed
 * fetch (offline) is tried again by the next call.
 */
export function prepareCrypto(): Promise<void> {
  prepared ??= import('@matrix-org/matrix-sdk-crypto-wasm')
    .then((wasm) => wasm.initAsync())
    .then(
      () => markStage('crypto-wasm'),
      (error: unknown) => {
        prepared = undefined;
        throw error;
      },
    );
  return prepared;
}
