/**
 * A first visit: no session database exists for the page's origin, so a sign-in does not wait for the store to be
 * created (10-50 ms, several times that on a slow device) to learn that no earlier session waits to be resumed; it is
 * saved there all the same. Once the store exists (or was opened on the page), a sign-in reads it first, as an expired
 * session's device is kept (test/node/sessions.test.ts). Against a real Synapse.
 */
import { expect } from '@open-wc/testing';
import { homeserver, registerUser } from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/chat';
import { sessionsMayBeStored } from '@omnisocial/core/internal';

const deleted = (): Promise<void> =>
  new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase('omni-chat');
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('the session database could not be deleted'));
  });

/** The session the store keeps for `homeserverUrl`, read with IndexedDB itself. */
const storedSession = (homeserverUrl: string): Promise<{ userId?: string } | undefined> =>
  new Promise((resolve, reject) => {
    const opening = indexedDB.open('omni-chat');
    opening.onerror = () => reject(opening.error ?? new Error('the session database could not be opened'));
    opening.onsuccess = () => {
      const database = opening.result;
      const reading = database.transaction('sessions').objectStore('sessions').get(homeserverUrl);
      reading.onerror = () => reject(reading.error ?? new Error('the session could not be read'));
      reading.onsuccess = () => {
        database.close();
        resolve(reading.result as { userId?: string } | undefined);
      };
    };
  });

describe('signing in on a first visit', function () {
  this.timeout(120_000);

  after(async () => {
    await signOut();
  });

  it('knows no session can be stored before the store exists, and stores the new one', async () => {
    await deleted();
    expect(await sessionsMayBeStored(), 'a session may be stored where no database exists').to.equal(false);
    const { baseUrl } = await homeserver();
    const alice = await registerUser({ displayName: 'Alice' });
    const info = await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    expect(info.userId).to.equal(alice.userId);
    expect(await sessionsMayBeStored(), 'the store is open now').to.equal(true);
    expect((await storedSession(info.homeserverUrl))?.userId, 'the session was not stored').to.equal(alice.userId);
  });
});
