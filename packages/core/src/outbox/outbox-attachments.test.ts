/**
 * Attachments in the outbox, with a scripted transport (the end-to-end behaviour against a real Synapse
 * is in test/browser/attachments.test.ts): order with text, exactly once after a lost answer, the file
 * kept across a reload, cancel and retry.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UploadError } from '../media/upload.ts';
import type { MessageItem } from '../timeline/timeline-types.ts';
import {
  Outbox,
  type AttachmentRequest,
  type OutboxRequest,
  type OutboxStorage,
  type OutboxTransport,
  type StoredOutboxEntry,
} from './outbox.ts';
import { classifyUploadFailure } from './outbox-upload.ts';

interface Script {
  /** What each upload does in turn: resolve, fail, or wait until aborted. */
  uploads: ('ok' | 'network' | 'too-large' | 'hang')[];
  /** Sends whose answer is lost (the server stored the event, the client saw an error). */
  lostSends: number;
}

function scripted(script: Script): {
  log: string[];
  stored: Map<string, Record<string, unknown>>;
  transport: OutboxTransport;
} {
  const log: string[] = [];
  const stored = new Map<string, Record<string, unknown>>();
  let uploads = 0;
  return {
    log,
    stored,
    transport: {
      async upload(request: AttachmentRequest, file: Blob, control): Promise<Record<string, unknown>> {
        uploads += 1;
        const name = String(request.content['filename']);
        log.push(`upload ${name}`);
        control.onProgress(file.size / 2, file.size);
        const step = script.uploads.shift() ?? 'ok';
        if (step === 'network') throw new UploadError('network', 'offline');
        if (step === 'too-large') throw new UploadError('too-large', 'The file is larger than this server accepts.', { status: 413 });
        if (step === 'hang') {
          await new Promise((_resolve, reject) =>
            control.signal.addEventListener('abort', () => reject(new UploadError('aborted', 'cancelled'))),
          );
        }
        return { ...request.content, url: `mxc://x/${name}-${uploads}-${await file.text()}` };
      },
      send(txnId: string, request: OutboxRequest): Promise<string> {
        if (request.op === 'redact') return Promise.resolve('$redaction');
        const content = request.content;
        const what = request.op === 'attachment' ? `send ${String(content['url'])}` : `send ${String(content['body'])}`;
        log.push(what);
        if (request.op === 'attachment' && !request.uploaded) throw new Error('sent before its upload');
        // The homeserver stores an event once per transaction id.
        if (!stored.has(txnId)) stored.set(txnId, { ...content });
        if (script.lostSends > 0) {
          script.lostSends -= 1;
          return Promise.reject(new UploadError('network', 'answer lost'));
        }
        return Promise.resolve(`$${txnId}`);
      },
      classify: (error) => classifyUploadFailure(error) ?? { kind: 'network' },
    },
  };
}

function memory(): OutboxStorage & { entries: readonly StoredOutboxEntry[]; files: Map<string, Blob> } {
  const store = {
    entries: [] as readonly StoredOutboxEntry[],
    files: new Map<string, Blob>(),
    load: () => Promise.resolve(store.entries),
    save: (entries: readonly StoredOutboxEntry[]) => {
      store.entries = entries;
      return Promise.resolve();
    },
    saveFile: (txnId: string, file: Blob) => Promise.resolve(void store.files.set(txnId, file)),
    loadFile: (txnId: string) => Promise.resolve(store.files.get(txnId)),
    deleteFile: (txnId: string) => Promise.resolve(void store.files.delete(txnId)),
  };
  return store;
}

const echo =
  (body: string, msgtype: MessageItem['msgtype'] = 'text') =>
  (txnId: string): MessageItem => ({
    kind: 'message',
    key: txnId,
    sender: { userId: '@a:x', displayName: 'A' },
    own: true,
    timestamp: 0,
    msgtype,
    body,
    edited: false,
    redacted: false,
    reactions: [],
    status: 'sending',
    continuation: false,
    readBy: [],
    ...(msgtype === 'text' ? {} : { media: { mxc: '', name: body } }),
  });

const text = (body: string): OutboxRequest => ({ op: 'event', type: 'm.room.message', content: { msgtype: 'm.text', body } });
const attachment = (name: string): AttachmentRequest => ({
  op: 'attachment',
  content: { msgtype: 'm.file', body: name, filename: name },
  encrypt: false,
  uploaded: false,
});
const file = (name: string): Blob => new File([name], name);

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

void describe('outbox attachments', () => {
  void test('text sent during an upload waits behind it, queued, and goes out after it', async () => {
    const { log, transport } = scripted({ uploads: ['hang'], lostSends: 0 });
    const outbox = new Outbox(transport, memory());
    outbox.merge([]);
    const key = outbox.enqueue(attachment('a.pdf'), echo('a.pdf', 'file'), { file: file('a.pdf') });
    outbox.enqueue(text('after'), echo('after'));
    await until(() => log.length === 1);
    const [uploading, waiting] = outbox.remerge() as [MessageItem, MessageItem];
    assert.equal(uploading.status, 'sending');
    assert.deepEqual(uploading.upload, { sent: 2.5, total: 5 });
    assert.equal(waiting.status, 'queued');
    // Cancelling the upload lets the text go.
    outbox.cancel(key);
    await until(() => outbox.pending().length === 0);
    assert.deepEqual(log, ['upload a.pdf', 'send after']);
  });

  void test('uploads and sends in the order given, each once', async () => {
    const { log, transport } = scripted({ uploads: [], lostSends: 0 });
    const outbox = new Outbox(transport, memory());
    outbox.enqueue(text('before'));
    outbox.enqueue(attachment('one'), undefined, { file: file('one') });
    outbox.enqueue(attachment('two'), undefined, { file: file('two') });
    outbox.enqueue(text('after'));
    await until(() => outbox.pending().length === 0);
    assert.deepEqual(log, ['send before', 'upload one', 'send mxc://x/one-1-one', 'upload two', 'send mxc://x/two-2-two', 'send after']);
  });

  void test('a lost answer to the send sends the same event again, never the file', async () => {
    const storage = memory();
    const { log, stored, transport } = scripted({ uploads: [], lostSends: 2 });
    const outbox = new Outbox(transport, storage, { backoffMs: 5 });
    outbox.enqueue(attachment('doc'), undefined, { file: file('doc') });
    await until(() => outbox.pending().length === 0);
    assert.deepEqual(log, ['upload doc', 'send mxc://x/doc-1-doc', 'send mxc://x/doc-1-doc', 'send mxc://x/doc-1-doc']);
    assert.equal(stored.size, 1, 'the server stored one event');
    await outbox.flushed();
    assert.equal(storage.files.size, 0, 'the file is let go once sent');
    assert.deepEqual(storage.entries, []);
  });

  void test('the completed content is stored before the event is sent, so a reload does not upload again', async () => {
    const storage = memory();
    const first = scripted({ uploads: [], lostSends: 99 });
    const before = new Outbox(first.transport, storage, { backoffMs: 60_000 });
    before.enqueue(attachment('kept'), undefined, { file: file('kept') });
    await until(() => first.log.length === 2);
    await before.flushed();
    const [entry] = storage.entries as [StoredOutboxEntry];
    assert.equal((entry.request as AttachmentRequest).uploaded, true);
    assert.equal((entry.request as AttachmentRequest).content['url'], 'mxc://x/kept-1-kept');
    // The page reloads: a new outbox over what was stored.
    const reloaded = memory();
    reloaded.entries = storage.entries;
    for (const [txnId, kept] of storage.files) reloaded.files.set(txnId, kept);
    before.cancel(entry.txnId);
    const second = scripted({ uploads: [], lostSends: 0 });
    const after = new Outbox(second.transport, reloaded);
    await after.loaded;
    await until(() => after.pending().length === 0);
    assert.deepEqual(second.log, ['send mxc://x/kept-1-kept']);
  });

  void test('a reload during an upload uploads the kept file again, then sends it once', async () => {
    const storage = memory();
    const first = scripted({ uploads: ['hang'], lostSends: 0 });
    const before = new Outbox(first.transport, storage);
    before.merge([]);
    before.enqueue(attachment('photo'), echo('photo', 'file'), { file: file('photo') });
    await until(() => first.log.length === 1);
    await before.flushed();
    assert.equal(storage.files.size, 1, 'the file is kept while unsent');
    const second = scripted({ uploads: [], lostSends: 0 });
    const after = new Outbox(second.transport, storage);
    after.merge([]);
    await after.loaded;
    const [restored] = after.remerge() as [MessageItem];
    assert.equal(restored.body, 'photo', 'the local echo is back after the reload');
    await until(() => after.pending().length === 0);
    assert.deepEqual(second.log, ['upload photo', 'send mxc://x/photo-1-photo']);
    await after.flushed();
    assert.equal(storage.files.size, 0);
  });

  void test('a refused upload fails for good and holds nothing; a network failure is retried', async () => {
    const { log, transport } = scripted({ uploads: ['network', 'ok', 'too-large'], lostSends: 0 });
    const outbox = new Outbox(transport, memory(), { backoffMs: 5 });
    outbox.merge([]);
    outbox.enqueue(attachment('flaky'), echo('flaky', 'file'), { file: file('flaky') });
    outbox.enqueue(attachment('huge'), echo('huge', 'file'), { file: file('huge') });
    outbox.enqueue(text('after'), echo('after'));
    await until(() => log.includes('send after'));
    const items = outbox.remerge() as MessageItem[];
    const huge = items.find((item) => item.body === 'huge');
    assert.equal(huge?.status, 'failed');
    assert.equal(huge.retryable, false);
    assert.equal(huge.sendError, 'The file is larger than this server accepts.');
    assert.equal(huge.upload, undefined, 'no progress bar on a failed upload');
    assert.deepEqual(log, ['upload flaky', 'upload flaky', 'send mxc://x/flaky-2-flaky', 'upload huge', 'send after']);
  });

  void test('an entry whose file was not kept fails with a message, not silently', async () => {
    const storage = memory();
    storage.entries = [{ txnId: 'lost', request: attachment('gone'), createdAt: 0, status: 'queued', echo: echo('gone', 'file')('lost') }];
    const { log, transport } = scripted({ uploads: [], lostSends: 0 });
    const outbox = new Outbox(transport, storage);
    outbox.merge([]);
    await until(() => outbox.pending()[0]?.status === 'failed');
    const [item] = outbox.remerge() as [MessageItem];
    assert.match(item.sendError ?? '', /not kept in this browser/u);
    assert.deepEqual(log, []);
  });
});
