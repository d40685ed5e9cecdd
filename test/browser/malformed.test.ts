/**
 * Malformed and spoofing events from a real Synapse into <omni-room>: wrong types, missing content,
 * prototype keys, unknown msgtypes, bidi and zalgo names, duplicate names, deep nesting, and rooms
 * whose upgrade history is one-sided or cyclic. Everything renders (a placeholder at worst), with no uncaught
 * error in the page and no prototype pollution; a pathological case (a name or body that makes a pattern backtrack
 * for minutes) fails the wait's bound. How fast rooms render is the benchmarks' to measure, not a test's.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';

const logText = (el: OmniRoom): string => el.shadowRoot?.querySelector('[role="log"]')?.textContent ?? '';

describe('malformed and spoofing events (real Synapse)', function () {
  this.timeout(120_000);
  let baseUrl: string;
  let alice: TestUser;
  let mallory: TestUser;
  const errors: string[] = [];
  const onError = (event: ErrorEvent): void => {
    errors.push(event.message);
  };
  const onRejection = (event: PromiseRejectionEvent): void => void errors.push(String(event.reason));

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    mallory = await registerUser({ displayName: 'Alice' });
    addEventListener('error', onError);
    addEventListener('unhandledrejection', onRejection);
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
  });

  after(async () => {
    removeEventListener('error', onError);
    removeEventListener('unhandledrejection', onRejection);
    await signOut();
  });

  it('renders every malformed or spoofing event safely and quickly, without polluting prototypes', async () => {
    const { roomId } = await peer(mallory).createRoom({ name: 'Malformed', preset: 'public_chat' });
    await peer(alice).joinRoom(roomId);
    const deep = `${'<blockquote>'.repeat(1_500)}deep${'</blockquote>'.repeat(1_500)}`;
    const contents: Record<string, unknown>[] = [
      // Synapse refuses a missing or non-string `body` or `msgtype` (the timeline's unit tests cover those); the rest may be wrong.
      { msgtype: 'm.text', body: 'object formatted body', format: 'org.matrix.custom.html', formatted_body: { not: 'a string' } },
      { msgtype: 'm.text', body: 'numeric formatted body', format: 7, formatted_body: 5 },
      { msgtype: 'org.example.unknown', body: 'unknown msgtype' },
      { msgtype: 'm.image', body: 'image without url' },
      { msgtype: 'm.text', body: 'bad relation', 'm.relates_to': 'not an object' },
      { msgtype: 'm.text', body: 'reply to nothing', 'm.relates_to': { 'm.in_reply_to': { event_id: '__proto__' } } },
      {
        msgtype: 'm.text',
        body: 'edit of nothing',
        'm.new_content': { body: 7 },
        'm.relates_to': { rel_type: 'm.replace', event_id: 'constructor' },
      },
      JSON.parse(
        '{"msgtype":"m.text","body":"proto keys","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      ) as Record<string, unknown>,
      { msgtype: 'm.text', body: 'deep nesting', format: 'org.matrix.custom.html', formatted_body: deep },
      { msgtype: 'm.text', body: 'bidi \u202eevil\u202c and Z̷̡̛̗a̶l̸g̵o̴ text' },
      { msgtype: 'm.text', body: 'x'.repeat(40_000) },
    ];
    // What Synapse itself refuses never reaches a client; everything it stores must render.
    let accepted = 0;
    const attempt = async (send: () => Promise<unknown>): Promise<void> => {
      accepted += await send().then(
        () => 1,
        () => 0,
      );
    };
    for (const content of contents) await attempt(() => peer(mallory).sendEvent(roomId, 'm.room.message', content));
    await attempt(() =>
      peer(mallory).sendEvent(roomId, 'm.reaction', {
        'm.relates_to': { rel_type: 'm.annotation', event_id: '__proto__', key: '__proto__' },
      }),
    );
    await attempt(() => peer(mallory).sendEvent(roomId, 'org.example.custom', { anything: true }));
    await attempt(() => peer(mallory).sendState(roomId, 'm.room.name', '', { name: 12 }));
    expect(accepted, 'malformed events the server stored').to.be.at.least(8);
    await peer(mallory).setDisplayName('\u202eecilA');
    await peer(mallory).sendMessage(roomId, 'malformed sentinel');

    const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${roomId}></omni-room>`);
    await waitUntil(() => logText(el).includes('malformed sentinel'), 'the room never rendered its last message', { timeout: 60_000 });
    // Both members named "Alice" are told apart by their ids.
    const names = [...(el.shadowRoot?.querySelectorAll('[role="log"] .sender') ?? [])].map((node) => node.textContent);
    expect(names.some((name) => name.includes(mallory.userId) || name.includes('ecilA'))).to.equal(true);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect(Object.prototype).not.to.have.property('polluted');
    await expect(el).to.be.accessible();
    expect(errors).to.deep.equal([]);
  });

  it('shows rooms with a one-sided tombstone and a cyclic upgrade history without looping', async () => {
    const a = await peer(mallory).createRoom({ name: 'Room A', preset: 'public_chat' });
    const b = (await peer(mallory).request('POST', '/_matrix/client/v3/createRoom', {
      name: 'Room B',
      preset: 'public_chat',
      creation_content: { predecessor: { room_id: a.roomId, event_id: '$nothing' } },
    })) as { room_id: string };
    await peer(alice).joinRoom(a.roomId);
    await peer(alice).joinRoom(b.room_id);
    // A points to B, and B back to A: a cycle. A third room points to a room that does not exist.
    await peer(mallory).sendState(a.roomId, 'm.room.tombstone', '', { body: 'moved to B', replacement_room: b.room_id });
    await peer(mallory).sendState(b.room_id, 'm.room.tombstone', '', { body: 'moved back to A', replacement_room: a.roomId });
    const c = await peer(mallory).createRoom({ name: 'Room C', preset: 'public_chat' });
    await peer(alice).joinRoom(c.roomId);
    await peer(mallory).sendState(c.roomId, 'm.room.tombstone', '', { body: 'moved nowhere', replacement_room: '!missing:localhost' });
    for (const roomId of [a.roomId, b.room_id, c.roomId]) await peer(mallory).sendMessage(roomId, `still here in ${roomId}`);

    for (const roomId of [a.roomId, b.room_id, c.roomId]) {
      const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${roomId}></omni-room>`);
      await waitUntil(() => logText(el).includes(`still here in ${roomId}`), `room ${roomId} never rendered`, { timeout: 30_000 });
      el.remove();
    }
    expect(errors).to.deep.equal([]);
  });
});
