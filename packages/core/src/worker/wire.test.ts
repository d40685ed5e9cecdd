/**
 * Snapshots across the worker boundary: each timeline item crosses once, the page rebuilds the same objects, and
 * errors keep their class and code. Pure functions, no server.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { SnapshotDecoder, SnapshotEncoder, fromWireError, toWireError } from './wire.ts';
import { ENGINE_VERSION, SHARED_WORKER_NAME } from './version.ts';
import { OmniError } from '../types.ts';
import { MediaError } from '../media/media.ts';

interface Snap {
  readonly status: string;
  readonly items: readonly { readonly key: string; readonly body: string }[];
  readonly root?: { readonly key: string; readonly body: string };
}

/** What crosses a real port: a structured clone. */
const cross = <T>(value: T): T => structuredClone(value);

describe('snapshots across the worker boundary', () => {
  test('an item crosses once; the page gets the same object back while it stays', () => {
    const encoder = new SnapshotEncoder<Snap>();
    const decoder = new SnapshotDecoder<Snap>();
    const a = { key: 'a', body: 'first' };
    const b = { key: 'b', body: 'second' };
    const first = cross(encoder.encode({ status: 'ready', items: [a, b] }));
    assert.equal(first.added.length, 2);
    const page1 = decoder.decode(first);
    assert.deepEqual(page1, { status: 'ready', items: [a, b] });

    const c = { key: 'c', body: 'third' };
    const second = cross(encoder.encode({ status: 'ready', items: [a, b, c] }));
    assert.deepEqual(
      second.added.map(([, item]) => item),
      [c],
    );
    const page2 = decoder.decode(second);
    assert.deepEqual(page2.items, [a, b, c]);
    assert.equal(page2.items[0], page1.items[0], 'an unchanged item is the very object the page had');
    assert.equal(page2.items[1], page1.items[1]);
  });

  test('an item replaced (an edit) crosses again; one dropped is forgotten on both sides', () => {
    const encoder = new SnapshotEncoder<Snap>();
    const decoder = new SnapshotDecoder<Snap>();
    const a = { key: 'a', body: 'first' };
    const b = { key: 'b', body: 'second' };
    decoder.decode(cross(encoder.encode({ status: 'ready', items: [a, b] })));
    const edited = { key: 'b', body: 'second (edited)' };
    const wire = cross(encoder.encode({ status: 'ready', items: [edited] }));
    assert.deepEqual(
      wire.added.map(([, item]) => item),
      [edited],
    );
    assert.deepEqual(decoder.decode(wire).items, [edited]);
    // `a` left the window: if it comes back, it is sent again rather than looked up in a table that no longer has it.
    const back = cross(encoder.encode({ status: 'ready', items: [a, edited] }));
    assert.equal(back.added.length, 1);
    assert.deepEqual(decoder.decode(back).items, [a, edited]);
  });

  test("a thread's root is an item like the others", () => {
    const encoder = new SnapshotEncoder<Snap>();
    const decoder = new SnapshotDecoder<Snap>();
    const root = { key: 'r', body: 'root' };
    const reply = { key: 'x', body: 'reply' };
    const page = decoder.decode(cross(encoder.encode({ status: 'ready', root, items: [root, reply] })));
    assert.equal(page.root, page.items[0]);
    const next = cross(encoder.encode({ status: 'ready', root, items: [root] }));
    assert.equal(next.added.length, 0);
    assert.deepEqual(decoder.decode(next), { status: 'ready', root, items: [root] });
  });

  test('a decoder that never saw an item says so instead of showing a hole', () => {
    const encoder = new SnapshotEncoder<Snap>();
    encoder.encode({ status: 'ready', items: [{ key: 'a', body: 'a' }] });
    const wire = cross(encoder.encode({ status: 'ready', items: [{ key: 'a', body: 'a' }] }));
    assert.ok(wire.added.length === 1, 'a new object is a new item');
    const stale = { ...wire, added: [] };
    assert.throws(() => new SnapshotDecoder<Snap>().decode(stale), /never sent/);
  });

  test('errors keep their class and code', () => {
    const omni = fromWireError(cross(toWireError(new OmniError('too-large', 'Too long.'))));
    assert.ok(omni instanceof OmniError);
    assert.equal(omni.code, 'too-large');
    assert.equal(omni.message, 'Too long.');
    const media = fromWireError(cross(toWireError(new MediaError('not-found', 'Gone.'))));
    assert.ok(media instanceof MediaError);
    assert.equal(media.code, 'not-found');
    const other = fromWireError(cross(toWireError(new TypeError('bad'))));
    assert.equal(other.name, 'TypeError');
    assert.equal(other.message, 'bad');
  });

  test("a snapshot's error keeps its code (the elements word the error by it)", () => {
    const encoder = new SnapshotEncoder<Snap & { readonly error?: OmniError }>();
    const decoder = new SnapshotDecoder<Snap & { readonly error?: OmniError }>();
    const error = new OmniError('unknown-room', 'No such room.');
    const page = decoder.decode(cross(encoder.encode({ status: 'error', items: [], error })));
    assert.ok(page.error instanceof OmniError);
    assert.equal(page.error.code, 'unknown-room');
    assert.equal(page.error.message, 'No such room.');
  });

  test("the worker's name carries the package's version", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(ENGINE_VERSION, pkg.version);
    assert.ok(SHARED_WORKER_NAME.endsWith(`@${pkg.version}`));
  });
});
