/** Which media API a homeserver's `/versions` advertises (Dendrite 0.13.8 by its MSC3916 flag, not its spec versions). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { advertisesAuthenticatedMedia, mediaApi } from './media-api.ts';

void describe('authenticated media detection', () => {
  void test('Matrix 1.11 or the stable MSC3916 flag means authenticated media; older versions alone do not', () => {
    assert.equal(advertisesAuthenticatedMedia({ versions: ['v1.10', 'v1.11'] }), true);
    assert.equal(
      advertisesAuthenticatedMedia({ versions: ['v1.1', 'v1.2'], unstable_features: { 'org.matrix.msc3916.stable': true } }),
      true,
    );
    assert.equal(advertisesAuthenticatedMedia({ versions: ['r0.6.1', 'v1.1', 'v1.2'] }), false);
    assert.equal(advertisesAuthenticatedMedia({ versions: ['v1.2'], unstable_features: { 'org.matrix.msc3916.stable': false } }), false);
    assert.equal(advertisesAuthenticatedMedia('not an object'), false);
  });

  void test('the loader’s base follows the advertisement, and assumes authenticated media when /versions fails', async () => {
    const base = 'http://127.0.0.1:1';
    assert.deepEqual(await mediaApi(base, () => Promise.resolve({ versions: ['v1.11'] })), {
      base: `${base}/_matrix/client/v1/media`,
      authenticated: true,
    });
    assert.deepEqual(await mediaApi(base, () => Promise.resolve({ versions: ['v1.2'] })), {
      base: `${base}/_matrix/media/v3`,
      authenticated: false,
    });
    assert.equal((await mediaApi(base, () => Promise.reject(new Error('offline')))).authenticated, true);
    assert.equal((await mediaApi(base, undefined)).authenticated, true);
  });
});
