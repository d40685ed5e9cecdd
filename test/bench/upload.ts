/**
 * `node test/bench/upload.ts`: sending a 20 MB file against a real Synapse on loopback, through core's own
 * upload code (packages/core/src/media/), run in Node:
 *
 *  - throughput of a plain upload and of an encrypted one (encrypt in 1 MiB chunks + SHA-256 + upload), MB/s,
 *    and the ratio encrypted/plain (median of RUNS each, interleaved);
 *  - the longest the event loop was held while the file is encrypted (a 5 ms timer's largest lateness) —
 *    target: under 50 ms, the browser's long-task threshold — and during the whole encrypted upload (which
 *    includes Node's own fetch sending a 20 MB body; in a browser XMLHttpRequest sends it off the main thread).
 *
 * The browser figures (long tasks in Chromium, paste → local echo) are upload-browser.ts's (`pnpm bench upload`). Prints a table
 * and writes bench-results/upload.json. A command that prints figures, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startSynapse } from '@omnisocial/testing';
import { attachmentContent, encryptAttachment, uploadAttachment, uploadMedia } from '@omnisocial/core/internal';
import { median } from './stats.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env['OMNI_BENCH_RUNS'] ?? 3);
const SIZE = 20 * 1_000_000;
const LONG_TASK_MS = 50;

function randomFile(): File {
  const bytes = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(SIZE, i + 65_536)));
  return new File([bytes], 'bench.bin', { type: 'application/octet-stream' });
}

/** Runs `task` while a 5 ms timer measures how late it fires: the longest the event loop was held. */
async function withLoopWatch<T>(task: () => Promise<T>): Promise<{ result: T; maxBlockMs: number }> {
  let last = performance.now();
  let maxBlockMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxBlockMs = Math.max(maxBlockMs, now - last - 5);
    last = now;
  }, 5);
  try {
    return { result: await task(), maxBlockMs };
  } finally {
    clearInterval(timer);
  }
}

const hs = await startSynapse();
try {
  const user = await hs.registerUser();
  const file = randomFile();
  const plainMs: number[] = [];
  const encryptedMs: number[] = [];
  const blocks: number[] = [];
  const encryptBlocks: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    let started = performance.now();
    await uploadMedia({ baseUrl: hs.baseUrl, accessToken: user.accessToken, body: file, contentType: file.type, filename: file.name });
    plainMs.push(performance.now() - started);
    started = performance.now();
    const { maxBlockMs } = await withLoopWatch(() =>
      uploadAttachment({ baseUrl: hs.baseUrl, accessToken: user.accessToken, file, content: attachmentContent(file), encrypt: true }),
    );
    encryptedMs.push(performance.now() - started);
    blocks.push(maxBlockMs);
    encryptBlocks.push((await withLoopWatch(() => encryptAttachment(file))).maxBlockMs);
  }
  const mbps = (ms: number): number => SIZE / 1_000_000 / (ms / 1000);
  const plain = mbps(median(plainMs));
  const encrypted = mbps(median(encryptedMs));
  const maxBlock = Math.max(...blocks);
  const maxEncryptBlock = Math.max(...encryptBlocks);
  const results = {
    sizeBytes: SIZE,
    runs: RUNS,
    plain: { runsMs: plainMs, mbPerS: plain },
    encrypted: { runsMs: encryptedMs, mbPerS: encrypted },
    ratioEncryptedToPlain: encrypted / plain,
    eventLoop: { encryptionMaxBlockMs: maxEncryptBlock, wholeUploadMaxBlockMs: maxBlock, targetMs: LONG_TASK_MS },
  };
  console.log(`upload of ${SIZE / 1_000_000} MB, median of ${RUNS} (Node, loopback Synapse)`);
  console.log(`  plain       ${plain.toFixed(1)} MB/s`);
  console.log(`  encrypted   ${encrypted.toFixed(1)} MB/s   ratio encrypted/plain ${(encrypted / plain).toFixed(2)}`);
  console.log(
    `  event loop held at most ${maxEncryptBlock.toFixed(1)} ms while encrypting (target < ${LONG_TASK_MS} ms) ${maxEncryptBlock < LONG_TASK_MS ? '✔' : '✖'}`,
  );
  console.log(`  event loop held at most ${maxBlock.toFixed(1)} ms during the whole encrypted upload (Node's fetch included)`);
  await mkdir(`${root}bench-results`, { recursive: true });
  await writeFile(`${root}bench-results/upload.json`, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await hs.stop();
}
