/**
 * The engine worker's entry, for a dedicated and a shared worker alike. It answers the page's `hello` at once,
 * before the engine (matrix-js-sdk) has loaded, so a page learns quickly that its worker runs; messages that come
 * meanwhile wait for the engine, except `prepare-crypto`, which starts the crypto wasm at once. The worker holds a
 * Web Lock for its whole life: the browser lets it go when the worker dies, which is how the pages notice a crash.
 */
import { PROTOCOL_VERSION, type PageMessage, type Port, type WorkerMessage } from './protocol.ts';
import { ENGINE_VERSION } from './version.ts';

const alive = `omni-engine-alive:${crypto.randomUUID()}`;
const held = new Promise<void>((resolve) => {
  if (typeof navigator === 'undefined' || !('locks' in navigator)) {
    resolve();
    return;
  }
  void navigator.locks.request(alive, () => {
    resolve();
    return new Promise<never>(() => undefined);
  });
});
const host = import('./host.ts');

function accept(port: Port, shared: boolean): void {
  const waiting: MessageEvent[] = [];
  let deliver: ((event: MessageEvent) => void) | undefined;
  const buffered: Port = {
    postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer),
    addEventListener: (_type, listener) => {
      deliver = listener;
      for (const event of waiting.splice(0)) listener(event);
    },
  };
  port.addEventListener('message', (event: MessageEvent<PageMessage>) => {
    if (event.data.t === 'hello') {
      void held.then(() =>
        port.postMessage({ t: 'hello', protocol: PROTOCOL_VERSION, version: ENGINE_VERSION, alive } satisfies WorkerMessage),
      );
    }
    // Not left to the host: the crypto wasm streams in while the engine chunk (which the host imports) loads.
    if (event.data.t === 'prepare-crypto') {
      void import('../crypto/prepare.ts').then(({ prepareCrypto }) => prepareCrypto()).catch(() => undefined);
      return;
    }
    if (deliver) deliver(event);
    else waiting.push(event);
  });
  void host.then(({ serve }) => serve(buffered, shared));
}

interface WorkerScope {
  addEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
}
const scope = globalThis as unknown as Port & WorkerScope;

if ('onconnect' in globalThis) {
  scope.addEventListener('connect', (event: MessageEvent) => {
    const port = event.ports[0];
    if (!port) return;
    accept(port, true);
    port.start();
  });
} else {
  accept(scope, false);
}
