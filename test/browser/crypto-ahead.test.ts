/**
 * The crypto wasm of a member's encrypted room is fetched as the room's `<omni-room>` nears the viewport, not when
 * the engine opens the room, against a real Synapse. Each case is a member returning to a page: their session is
 * stored (for a homeserver URL of its own, a loopback proxy, so the page has not seen it yet) and restored as a view
 * first needs it; the engine's sync is held at the proxy, so the engine can never learn that the room is encrypted
 * nor open it, and only the view's light read (made once the element nears the viewport) can. A plain room scrolled
 * into view, and an encrypted room far below the fold, fetch no wasm. The wasm is compiled once per page, so the cases
 * that must fetch none run first.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { peer, proxyLog, registerUser, setProxy, startProxy, stopProxy, type TestUser } from '@omnisocial/testing/browser';
import { signOut, type OmniRoom } from '@omnisocial/chat';
import { resourceEntries } from '@omnisocial/core/internal/worker';
import { LIGHT_READ_CONN_ID } from '@omnisocial/core/internal';
import { sessionStore } from '../../packages/core/src/session/session-store.ts';
import { deepText, quietWindow } from './dom.ts';
import { engineResources } from './engine-network.ts';

const TIMEOUT = 45_000;
/** How long a wasm that must not be fetched is given to show up. */
const NO_WASM_WINDOW_MS = 2_000;
/** The engine's sync requests (sliding sync without a `conn_id`, or `/v3/sync`); the light read's has its own connection. */
const SYNC = { path: '/sync', connId: '' } as const;

const isWasm = (name: string): boolean => new URL(name).pathname.endsWith('.wasm');

/** Where the page asks the engine to run (web-test-runner.config.mjs sets the meta for `OMNI_ENGINE`). */
const engineMode = document.querySelector<HTMLMetaElement>('meta[name="omni-chat-engine"]')?.content.trim().toLowerCase() ?? 'main';

describe('the crypto wasm of an encrypted room, prepared as its <omni-room> nears the viewport', function () {
  this.timeout(240_000);
  let proxy: string;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    bob = await registerUser({ displayName: 'Bob' });
  });

  /** A member whose session this browser stores for a homeserver URL the page has not used, with the engine's sync held. */
  beforeEach(async () => {
    ({ baseUrl: proxy } = await startProxy());
    await setProxy(proxy, { delay: { ...SYNC, ms: 120_000 } });
    alice = await registerUser({ displayName: 'Alice' });
    const { userId, deviceId, accessToken } = alice;
    await (await sessionStore()).save({ homeserverUrl: proxy, userId, deviceId, accessToken });
  });

  afterEach(async () => {
    window.scrollTo(0, 0);
    await signOut();
    await stopProxy(proxy);
  });

  async function roomWith(options: { encrypted: boolean; message: string }): Promise<string> {
    const { roomId } = await peer(bob).createRoom({ name: 'Room', preset: 'public_chat', encrypted: options.encrypted });
    await peer(alice).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, options.message);
    return roomId;
  }

  async function wasmRequested(): Promise<boolean> {
    return (await engineResources()).some((entry) => isWasm(entry.name));
  }

  /** Sync answers that reached the engine. */
  async function syncAnswered(): Promise<number> {
    return (await proxyLog(proxy, SYNC)).filter((entry) => entry.method !== 'OPTIONS' && entry.outcome === 'forwarded').length;
  }

  /** Requests about `roomId` that went through the proxy (a view's light read: its sliding sync, or the separate reads). */
  async function readsOf(roomId: string): Promise<number> {
    const lightRead = await proxyLog(proxy, { method: 'POST', path: '/sync', connId: LIGHT_READ_CONN_ID, room: roomId });
    return lightRead.length + (await proxyLog(proxy, { path: `/rooms/${encodeURIComponent(roomId)}/` })).length;
  }

  it('fetches no wasm for a plain room scrolled into view', async () => {
    const roomId = await roomWith({ encrypted: false, message: 'plain words' });
    const page = await fixture<HTMLElement>(
      html`<div>
        <div style="height: 500vh"></div>
        <omni-room homeserver=${proxy} room=${roomId}></omni-room>
      </div>`,
    );
    const el = page.querySelector<OmniRoom>('omni-room');
    if (!el) throw new Error('no <omni-room>');
    await quietWindow(500);
    expect(await readsOf(roomId), 'the room below the fold was read').to.equal(0);
    el.scrollIntoView();
    // Only the light read can show it: the engine's sync is held.
    await waitUntil(() => deepText(el).includes('plain words'), 'the light read showed nothing', { timeout: TIMEOUT });
    await quietWindow(NO_WASM_WINDOW_MS);
    expect(await wasmRequested(), 'crypto wasm fetched for a plain room').to.equal(false);
  });

  it('fetches no wasm for an encrypted room far below the fold', async () => {
    const plain = await roomWith({ encrypted: false, message: 'in view' });
    const secret = await roomWith({ encrypted: true, message: 'far below' });
    const page = await fixture<HTMLElement>(
      html`<div>
        <omni-room homeserver=${proxy} room=${plain}></omni-room>
        <div style="height: 500vh"></div>
        <omni-room homeserver=${proxy} room=${secret}></omni-room>
      </div>`,
    );
    const top = page.querySelector<OmniRoom>('omni-room');
    if (!top) throw new Error('no <omni-room>');
    await waitUntil(() => deepText(top).includes('in view'), 'the room in view showed nothing', { timeout: TIMEOUT });
    await quietWindow(NO_WASM_WINDOW_MS);
    expect(await readsOf(secret), 'the room far below was read').to.equal(0);
    expect(await wasmRequested(), 'crypto wasm fetched for a room far below the fold').to.equal(false);
  });

  it('fetches and compiles the wasm where the engine runs once an encrypted room is scrolled into view, before the engine could open it', async () => {
    const secret = await roomWith({ encrypted: true, message: 'sealed words' });
    const page = await fixture<HTMLElement>(
      html`<div>
        <div style="height: 500vh"></div>
        <omni-room homeserver=${proxy} room=${secret}></omni-room>
      </div>`,
    );
    const el = page.querySelector<OmniRoom>('omni-room');
    if (!el) throw new Error('no <omni-room>');
    await quietWindow(NO_WASM_WINDOW_MS);
    expect(await wasmRequested(), 'crypto wasm fetched before the room neared the viewport').to.equal(false);

    el.scrollIntoView();
    await waitUntil(wasmRequested, 'the crypto wasm was not fetched as the encrypted room came into view', { timeout: TIMEOUT });
    // Where the engine runs: the module its `initRustCrypto` will find compiled.
    const onPage = resourceEntries().some((entry) => isWasm(entry.name));
    expect(onPage, `fetched on the page with the engine ${engineMode === 'main' ? 'there' : 'in a worker'}`).to.equal(
      engineMode === 'main',
    );
    if (engineMode === 'main') {
      await waitUntil(() => performance.getEntriesByName('omni:crypto-wasm', 'mark').length > 0, 'the wasm was not compiled', {
        timeout: TIMEOUT,
      });
    }
    // The engine has had no sync answer: it could neither learn that the room is encrypted nor open it.
    expect(await syncAnswered(), 'a sync answer reached the engine').to.equal(0);
    expect(deepText(el)).not.to.include('sealed words');
    // Compiling the wasm opened no crypto store.
    const stores = (await indexedDB.databases()).map((db) => db.name ?? '').filter((name) => name.startsWith('omni-crypto:'));
    expect(stores, 'a crypto store was opened').to.deep.equal([]);
  });
});
