/**
 * `node test/bench/crypto.ts`: what end-to-end encryption costs a page, against a real Synapse in
 * Debian's Chromium, with matrix-nio (test/interop/nio_peer.py) as the other member.
 *
 *  (a) bytes of crypto wasm fetched by a page showing only a public room (target 0), and by a page
 *      that opens an encrypted room;
 *  (b) cold time from opening an encrypted `<omni-room>` (crypto not loaded in the page yet, HTTP
 *      cache warm, the device's crypto store already in IndexedDB) to the first decrypted message
 *      painted — median of OMNI_BENCH_RUNS runs (default 5).
 *
 * Prints figures; not a test. `pnpm bench` runs only the sync benchmark (run.ts selects no scenarios).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startSynapse, stopAllSynapses } from '@omnisocial/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, servePages } from '../support/chromium.ts';
import { NioPeer } from '../support/nio.ts';
import type { OmniBench } from './page.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env['OMNI_BENCH_RUNS'] ?? 5);

interface WasmFigures {
  count: number;
  decodedBytes: number;
  transferBytes: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Opens the bench page in `context` and signs in; resolves to the device id the login created. */
async function signedInPage(context: BrowserContext, url: string, homeserver: string, username: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'omniBench' in window);
  await page.evaluate(([hs, user, pass]) => (window as unknown as { omniBench: OmniBench }).omniBench.signIn(hs, user, pass), [
    homeserver,
    username,
    password,
  ] as const);
  return page;
}

/** Mounts `<omni-room>` and resolves with the ms until `text` is in the DOM at a frame's start (painted then). */
function timeToText(page: Page, homeserver: string, room: string, text: string): Promise<number> {
  return page.evaluate(
    ([hs, roomId, expected]) => {
      const deepText = (node: Node): string => {
        let out = node.nodeType === Node.TEXT_NODE ? (node.textContent ?? '') : '';
        if (node instanceof Element && node.shadowRoot) out += deepText(node.shadowRoot);
        for (const child of node.childNodes) out += deepText(child);
        return out;
      };
      const start = performance.now();
      const el = document.createElement('omni-room');
      el.setAttribute('homeserver', hs);
      el.setAttribute('room', roomId);
      document.body.append(el);
      return new Promise<number>((resolve) => {
        const frame = (now: number): void => {
          if (deepText(el).includes(expected)) resolve(now - start);
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
    },
    [homeserver, room, text] as const,
  );
}

function wasmFetched(page: Page): Promise<WasmFigures> {
  return page.evaluate(() => {
    const entries = performance
      .getEntriesByType('resource')
      .filter((e): e is PerformanceResourceTiming => e instanceof PerformanceResourceTiming && new URL(e.name).pathname.endsWith('.wasm'));
    return {
      count: entries.length,
      decodedBytes: entries.reduce((sum, e) => sum + e.decodedBodySize, 0),
      transferBytes: entries.reduce((sum, e) => sum + e.transferSize, 0),
    };
  });
}

let pages: Awaited<ReturnType<typeof servePages>> | undefined;
let browser: Browser | undefined;
const nio = new NioPeer();

try {
  process.stdout.write('omni crypto bench: starting Synapse…\n');
  const homeserver = await startSynapse();
  const alice = await homeserver.registerUser({ displayName: 'Alice' });
  const bob = await homeserver.registerUser({ displayName: 'Bob' });
  const { roomId: publicRoom } = await bob.createRoom({ name: 'Public', preset: 'public_chat' });
  await bob.sendMessage(publicRoom, 'a public message');
  const { roomId: secretRoom } = await bob.createRoom({ name: 'Secret', preset: 'public_chat', encrypted: true });
  await alice.joinRoom(secretRoom);
  await nio.call('login', { homeserver: homeserver.baseUrl, user: bob.userId, password: bob.password, device: 'NIOBENCH' });
  await nio.call('join', { room: secretRoom });

  pages = await servePages();
  const url = pages.url('/test/bench/index.html');
  browser = await launchChromium();

  // (a) wasm bytes: a page with only a public room, then the same page opening the encrypted room.
  const context = await browser.newContext();
  const page = await signedInPage(context, url, homeserver.baseUrl, alice.username, alice.password);
  await timeToText(page, homeserver.baseUrl, publicRoom, 'a public message');
  await page.waitForTimeout(1000);
  const publicOnly = await wasmFetched(page);
  await page.evaluate(
    ([hs, roomId]) => {
      const el = document.createElement('omni-room');
      el.setAttribute('homeserver', hs);
      el.setAttribute('room', roomId);
      document.body.append(el);
    },
    [homeserver.baseUrl, secretRoom] as const,
  );
  await page.waitForFunction(
    () => performance.getEntriesByType('resource').some((e) => new URL(e.name).pathname.endsWith('.wasm')),
    undefined,
    {
      timeout: 60_000,
    },
  );
  const withEncrypted = await wasmFetched(page);
  await page.close();
  await context.close();
  const wasmFile = (await readFile(
    `${root}node_modules/.pnpm/node_modules/@matrix-org/matrix-sdk-crypto-wasm/pkg/matrix_sdk_crypto_wasm_bg.wasm`,
  ).catch(() => undefined)) as Buffer | undefined;

  // (b) cold decrypt-ready: each run a fresh profile and device. A first page starts crypto (keys
  // uploaded, store in IndexedDB) and closes; nio sends; a second page (same profile: HTTP cache and
  // crypto store warm, crypto not loaded in it) opens the room.
  const runsMs: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const profile = await browser.newContext();
    let deviceId = '';
    profile.on('response', (response) => {
      if (!response.url().endsWith('/_matrix/client/v3/login') || response.request().method() !== 'POST') return;
      void response.json().then((body: { device_id?: string }) => (deviceId = body.device_id ?? deviceId));
    });
    const first = await signedInPage(profile, url, homeserver.baseUrl, alice.username, alice.password);
    await first.evaluate(
      ([hs, roomId]) => {
        const el = document.createElement('omni-room');
        el.setAttribute('homeserver', hs);
        el.setAttribute('room', roomId);
        document.body.append(el);
      },
      [homeserver.baseUrl, secretRoom] as const,
    );
    await first.waitForFunction(() => performance.getEntriesByType('resource').some((e) => new URL(e.name).pathname.endsWith('.wasm')));
    await nio.call('trust', { user: alice.userId, device: deviceId, timeout: 60 });
    await first.close();
    const body = `bench secret ${run} ${Date.now()}`;
    await nio.call('send', { room: secretRoom, body });
    const second = await profile.newPage();
    await second.goto(url);
    await second.waitForFunction(() => 'omniBench' in window);
    runsMs.push(await timeToText(second, homeserver.baseUrl, secretRoom, body));
    await profile.close();
    process.stdout.write(`omni crypto bench: run ${run + 1}/${RUNS}: ${Math.round(runsMs.at(-1) ?? 0)} ms\n`);
  }

  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
  console.log('');
  console.log(`End-to-end encryption — Synapse ${homeserver.serverName}, Chromium (Vite dev server: uncompressed)`);
  console.log(`  wasm fetched, page with only a public room:  ${publicOnly.count} files, ${publicOnly.decodedBytes} bytes (target 0)`);
  console.log(
    `  wasm fetched, page opening an encrypted room: ${withEncrypted.count} file(s), ${kb(withEncrypted.decodedBytes)} decoded, ${kb(withEncrypted.transferBytes)} transferred`,
  );
  if (wasmFile) console.log(`  the wasm file gzipped (what a compressing server sends): ${kb(gzipSync(wasmFile, { level: 6 }).length)}`);
  console.log(
    `  open encrypted <omni-room> → first decrypted message painted (cold crypto, warm cache): median ${Math.round(median(runsMs))} ms over ${RUNS} runs [${runsMs.map((ms) => Math.round(ms)).join(', ')}]`,
  );
} finally {
  await nio.close();
  await browser?.close();
  await pages?.close();
  await stopAllSynapses();
}
