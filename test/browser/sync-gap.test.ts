/**
 * A member whose connection drops while a room goes on without them: when it comes back, the server's sync
 * sends only the newest messages (`limited`). The room must show every message in between, in order, and what
 * was removed meanwhile as removed, never a silent hole (sync/sync-gap.ts). The member's homeserver is reached
 * through the fault proxy, which cuts the connection; the other member writes straight to Synapse.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, resetProxy, setProxy, startProxy, stopProxy, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import type { MessageItem, RoomHandle, TimelineItem } from '@omnisocial/core';
import { shadow } from './dom.ts';
import { engineSession } from './engine-session.ts';

/** More than a room subscription's timeline limit (30, sync/sync.ts): the sync after the drop is `limited`. */
const MISSED = 45;

const isMessage = (item: TimelineItem): item is MessageItem => item.kind === 'message';

function articles(room: OmniRoom): string[] {
  return [...shadow(room).querySelectorAll('[role="log"] article')].map((article) => article.textContent.replace(/\s+/gu, ' '));
}

describe('a dropped connection while the room went on', function () {
  this.timeout(120_000);
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;

  before(async () => {
    await homeserver();
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    ({ roomId } = await peer(bob).createRoom({ name: 'Busy room', preset: 'public_chat' }));
    await peer(alice).joinRoom(roomId);
  });

  it('shows every message sent meanwhile, in order, and the one removed meanwhile as removed', async () => {
    const { baseUrl: proxy } = await startProxy();
    let handle: RoomHandle | undefined;
    try {
      const removedLater = await peer(bob).sendMessage(roomId, 'a message removed while Alice was away');
      await peer(bob).sendMessage(roomId, 'before the drop');
      await signIn({ homeserver: proxy, accessToken: alice.accessToken, userId: alice.userId, deviceId: alice.deviceId });
      const room = await fixture<OmniRoom>(html`<omni-room homeserver=${proxy} room=${roomId} style="block-size: 600px"></omni-room>`);
      await waitUntil(() => articles(room).some((text) => text.includes('before the drop')), 'the room never showed its messages', {
        timeout: 30_000,
      });

      // The engine has the room (not only the light read before it): what follows reaches it through its sync.
      handle = (await engineSession(proxy))?.openRoom(roomId);
      await waitUntil(
        () => handle?.snapshot.items.some((item) => isMessage(item) && item.body === 'before the drop'),
        'the engine never had the room',
        {
          timeout: 30_000,
        },
      );
      await setProxy(proxy, { offline: true });
      const missed: string[] = [];
      for (let n = 1; n <= MISSED; n += 1) missed.push(await peer(bob).sendMessage(roomId, `while away ${String(n)}`));
      await peer(bob).redact(roomId, removedLater);
      const last = await peer(bob).sendMessage(roomId, 'the newest message');
      await resetProxy(proxy);

      await waitUntil(() => articles(room).some((text) => text.includes('the newest message')), 'the newest message never came', {
        timeout: 30_000,
      });
      const shown = (): MessageItem[] => handle?.snapshot.items.filter(isMessage) ?? [];
      const ids = (): string[] => shown().map((item) => item.eventId ?? '');
      await waitUntil(() => missed.every((id) => ids().includes(id)), 'messages sent while away are missing', { timeout: 30_000 });
      const at = (id: string): number => ids().indexOf(id);
      expect(
        missed.map(at).every((index, n, all) => n === 0 || index === (all[n - 1] ?? -1) + 1),
        'the messages sent while away are in order, one after the other',
      ).to.equal(true);
      expect(at(last), 'the newest message comes right after them').to.equal(at(missed.at(-1) ?? '') + 1);
      expect(at(missed[0] ?? ''), 'the first comes right after the last one shown before the drop').to.equal(
        ids().findIndex((id, index) => shown()[index]?.body === 'before the drop' && id !== '') + 1,
      );
      await waitUntil(() => shown().find((item) => item.eventId === removedLater)?.redacted === true, 'the removed message still shows', {
        timeout: 10_000,
      });
      expect(new Set(ids()).size, 'no message twice').to.equal(ids().length);
    } finally {
      handle?.release();
      await signOut(proxy).catch(() => undefined);
      await stopProxy(proxy);
    }
  });
});
