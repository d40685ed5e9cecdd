/**
 * `pnpm bench upload`: sending files from `<omni-room>` in Debian's Chromium against a real Synapse, driven as
 * a member drives it (Playwright pastes, picks and presses Enter):
 *
 *  - paste of a 1200×900 PNG into the Message textbox → its preview in the tray, and Enter → the local echo
 *    with the member's own picture laid out in the log (ms, median of PASTES);
 *  - a 20 MB file sent in a plain room and in an encrypted one: Enter → the message sent with its file (the
 *    remote echo), as MB/s, and the ratio encrypted/plain;
 *  - main-thread long tasks (PerformanceObserver `longtask`, over 50 ms) during the encrypted 20 MB upload:
 *    count and longest — target none.
 *
 * Prints a table and writes bench-results/upload-browser.json. A command that prints figures, not a test.
 * `node test/bench/upload.ts` measures the same upload code in Node.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startSynapse, type Homeserver } from '@omnisocial/testing';
import { launchChromium, servePages } from '../support/chromium.ts';
import { bounded } from './bounded.ts';
import { openRoom } from './sending.ts';
import { median } from './stats.ts';
import { check, info, num, obj, type Figure, type Json } from './figures.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PASTES = Number(process.env['OMNI_BENCH_PASTES'] ?? 5);
const SIZE = 20 * 1_000_000;
const LONG_TASK_MS = 50;
const round = (value: number): number => Math.round(value * 10) / 10;

/** In the page: finds through shadow roots, and waits for the first animation frame in which `ready()` holds. */
async function installUploadProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const all = (node: ParentNode, selector: string): Element[] => {
      const found = [...node.querySelectorAll(selector)];
      for (const el of node.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot, selector));
      return found;
    };
    const frameWhen = (ready: () => boolean): Promise<number> =>
      new Promise((resolve) => {
        const frame = (now: number): void => {
          if (ready()) resolve(now);
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
    const laidOut = (el: Element | undefined): boolean => (el?.getBoundingClientRect().height ?? 0) > 0;
    const tile = (name: string): Element | undefined =>
      all(document, '[role="log"] article').find((a) => (a.querySelector('img')?.getAttribute('alt') ?? a.textContent).includes(name));
    const longTasks: number[] = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
    Object.assign(window, {
      uploadProbe: {
        async paste(name: string): Promise<number> {
          const canvas = new OffscreenCanvas(1200, 900);
          const context = canvas.getContext('2d');
          if (!context) throw new Error('no 2d context');
          context.fillStyle = `hsl(${String(Math.random() * 360)} 60% 50%)`;
          context.fillRect(0, 0, 1200, 900);
          const file = new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
          const box = all(document, 'textarea')[0] as HTMLTextAreaElement;
          const data = new DataTransfer();
          data.items.add(file);
          const started = performance.now();
          box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, composed: true, cancelable: true }));
          const shown = await frameWhen(() => {
            const preview = all(document, '[aria-label="Files to send"] img')[0] as HTMLImageElement | undefined;
            return preview !== undefined && preview.complete && preview.naturalWidth > 0;
          });
          return shown - started;
        },
        /** After Enter: the frame showing the local echo of `name` with its picture drawn. */
        echoShown(name: string): Promise<number> {
          return frameWhen(() => {
            const picture = tile(name)?.querySelector('img') ?? undefined;
            return laidOut(picture) && (picture as HTMLImageElement).complete;
          });
        },
        /** The frame in which `name` is shown sent: its file link or picture from the server (the remote echo), no progress bar. */
        sentShown(name: string): Promise<number> {
          return frameWhen(() => {
            const t = tile(name);
            return (
              t !== undefined &&
              t.querySelector('progress') === null &&
              t.querySelector('a.file, .image-open, [part="media-image"]') !== null
            );
          });
        },
        now: () => performance.now(),
        longTasksSince(count: number): number[] {
          return longTasks.slice(count);
        },
        longTaskCount: () => longTasks.length,
      },
    });
  });
}

interface UploadProbe {
  paste(name: string): Promise<number>;
  echoShown(name: string): Promise<number>;
  sentShown(name: string): Promise<number>;
  now(): number;
  longTasksSince(count: number): number[];
  longTaskCount(): number;
}
type ProbeWindow = Window & { uploadProbe: UploadProbe };

/** Pastes an image and sends it: paste → tray preview, and Enter → local echo with the picture (ms). */
async function pasteAndSend(page: Page, name: string): Promise<{ trayMs: number; echoMs: number }> {
  const trayMs = await bounded(
    page.evaluate((n) => (window as unknown as ProbeWindow).uploadProbe.paste(n), name),
    `upload: ${name} pasted into the tray`,
  );
  const echo = page.evaluate((n) => (window as unknown as ProbeWindow).uploadProbe.echoShown(n), name);
  const pressed = await page.evaluate(() => (window as unknown as ProbeWindow).uploadProbe.now());
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  const echoMs = (await bounded(echo, `upload: local echo of ${name}`)) - pressed;
  await bounded(
    page.evaluate((n) => (window as unknown as ProbeWindow).uploadProbe.sentShown(n), name),
    `upload: ${name} sent`,
  );
  return { trayMs, echoMs };
}

/** Picks a 20 MB file and sends it: ms from Enter until it is shown sent, and the long tasks meanwhile. */
async function sendLarge(page: Page, name: string): Promise<{ ms: number; longTasks: number[] }> {
  await page.locator('input.file-picker').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: randomBytes(SIZE) });
  await page.getByRole('list', { name: 'Files to send' }).getByText(name).waitFor({ timeout: 60_000 });
  const before = await page.evaluate(() => (window as unknown as ProbeWindow).uploadProbe.longTaskCount());
  const sent = page.evaluate((n) => (window as unknown as ProbeWindow).uploadProbe.sentShown(n), name);
  const pressed = await page.evaluate(() => (window as unknown as ProbeWindow).uploadProbe.now());
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  const ms = (await bounded(sent, `upload: ${name} sent`)) - pressed;
  const longTasks = await page.evaluate((count) => (window as unknown as ProbeWindow).uploadProbe.longTasksSince(count), before);
  return { ms, longTasks };
}

/** Runs the scenario against `shared` (left running) or a Synapse of its own. */
export async function runUploadBench(shared?: Homeserver): Promise<void> {
  let own: Homeserver | undefined;
  let browser: Browser | undefined;
  let pages: Awaited<ReturnType<typeof servePages>> | undefined;
  try {
    process.stdout.write('omni bench upload: starting Synapse, Vite and Chromium…\n');
    const [hs, launched, served] = await Promise.all([
      shared ?? startSynapse({ bench: true }).then((started) => (own = started)),
      launchChromium(),
      servePages({ production: true }),
    ]);
    browser = launched;
    pages = served;
    const [alice, bob] = await Promise.all([hs.registerUser({ displayName: 'Alice' }), hs.registerUser({ displayName: 'Bob' })]);
    const { roomId: plainRoom } = await bob.createRoom({ name: 'Files', preset: 'public_chat' });
    const { roomId: secretRoom } = await bob.createRoom({ name: 'Files, encrypted', preset: 'public_chat', encrypted: true });
    await Promise.all([alice.joinRoom(plainRoom), alice.joinRoom(secretRoom)]);
    const url = (room: string): string =>
      served.url(`/test/pages/session.html?hs=${encodeURIComponent(hs.baseUrl)}&room=${encodeURIComponent(room)}`);

    const stage = (what: string): void => void process.stdout.write(`omni bench upload: ${what}…\n`);
    stage('paste → local echo');
    const plain = await bounded(openRoom(launched, url(plainRoom), alice, hs.baseUrl), 'upload: the plain room opened');
    await installUploadProbe(plain.page);
    await pasteAndSend(plain.page, 'warm-up.png'); // Vite, the upload chunk and first layout are no part of the figures.
    const pastes: Array<{ trayMs: number; echoMs: number }> = [];
    for (let i = 0; i < PASTES; i += 1) pastes.push(await pasteAndSend(plain.page, `pasted-${String(i)}.png`));
    stage('20 MB, plain');
    const plainLarge = await sendLarge(plain.page, 'plain-20mb.bin');
    await plain.close();

    stage('20 MB, encrypted');
    const secret = await bounded(openRoom(launched, url(secretRoom), alice, hs.baseUrl), 'upload: the encrypted room opened');
    await installUploadProbe(secret.page);
    // The room's crypto (wasm, keys shared with the room) settles on a first message, no part of the upload.
    await pasteAndSend(secret.page, 'encrypted-warm-up.png');
    const encryptedLarge = await sendLarge(secret.page, 'encrypted-20mb.bin');
    await secret.close();

    const mbps = (ms: number): number => SIZE / 1_000_000 / (ms / 1000);
    const results = {
      date: new Date().toISOString(),
      paste: {
        runs: PASTES,
        toTrayPreviewMs: round(median(pastes.map((p) => p.trayMs))),
        enterToLocalEchoMs: round(median(pastes.map((p) => p.echoMs))),
      },
      plain: { ms: round(plainLarge.ms), mbPerS: round(mbps(plainLarge.ms)), longTasks: plainLarge.longTasks.length },
      encrypted: {
        ms: round(encryptedLarge.ms),
        mbPerS: round(mbps(encryptedLarge.ms)),
        longTasks: encryptedLarge.longTasks.length,
        longTaskMaxMs: round(Math.max(0, ...encryptedLarge.longTasks)),
      },
      ratioEncryptedToPlain: Math.round((mbps(encryptedLarge.ms) / mbps(plainLarge.ms)) * 100) / 100,
      longTaskThresholdMs: LONG_TASK_MS,
    };
    const rows: Array<[string, string, string]> = [
      ['paste → preview in the tray (median)', `${String(results.paste.toTrayPreviewMs)} ms`, '—'],
      ['Enter → local echo with its picture (median)', `${String(results.paste.enterToLocalEchoMs)} ms`, '≤ 16.7 ms (one frame)'],
      ['20 MB plain: Enter → sent', `${String(results.plain.mbPerS)} MB/s`, '—'],
      ['20 MB encrypted: Enter → sent', `${String(results.encrypted.mbPerS)} MB/s`, '—'],
      ['ratio encrypted / plain', String(results.ratioEncryptedToPlain), '—'],
      [
        'long tasks during the encrypted upload',
        `${String(results.encrypted.longTasks)}, longest ${String(results.encrypted.longTaskMaxMs)} ms`,
        '0',
      ],
    ];
    process.stdout.write('omni bench upload (Chromium, loopback Synapse)\n');
    for (const [figure, value, target] of rows) process.stdout.write(`  ${figure.padEnd(46)} ${value.padEnd(22)} target ${target}\n`);
    await mkdir(`${root}bench-results`, { recursive: true });
    await writeFile(`${root}bench-results/upload-browser.json`, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await browser?.close();
    await pages?.close();
    await own?.stop();
  }
}

/** The summary's rows (all.ts) from bench-results/upload-browser.json. */
export function uploadFigures(upload: Json): Figure[] {
  const figures: Figure[] = [];
  const encrypted = obj(upload['encrypted']);
  const echo = num(obj(upload['paste'])['enterToLocalEchoMs']);
  const longTasks = num(encrypted['longTasks']);
  figures.push({
    figure: 'pasted image: Enter → local echo with its picture',
    value: echo,
    unit: 'ms',
    target: '≤ 16.7 ms',
    ok: check(echo, (v) => v <= 16.7),
  });
  figures.push(info('20 MB plain upload', num(obj(upload['plain'])['mbPerS']), 'MB/s'));
  figures.push(info('20 MB encrypted upload', num(encrypted['mbPerS']), 'MB/s'));
  figures.push(info('encrypted / plain throughput', num(upload['ratioEncryptedToPlain']), ''));
  figures.push({
    figure: 'long tasks (> 50 ms) during the encrypted upload',
    value: longTasks,
    unit: '',
    target: '0',
    ok: check(longTasks, (v) => v === 0),
  });
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runUploadBench();
