/**
 * Everything a member does in a room works when the room is encrypted, both ways between the
 * components and an independent client (matrix-nio + libolm), against a real Synapse: replies,
 * edits, reactions and redactions. The server stores message content (messages, replies, edits)
 * only as `m.room.encrypted`; reactions and redactions travel in the clear, as both js-sdk and nio
 * send them (the spec has no encrypted redaction, and the relation of any event stays readable by
 * the server so that it can aggregate them).
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  databaseContains,
  homeserver,
  peer,
  registerUser,
  startNioPeer,
  storedRoomEvents,
  type RemoteNioPeer,
  type TestUser,
} from '@omnisocial/testing/browser';
import { type MessageItem, type RoomHandle, sessionFor, signIn, signOut } from '@omnisocial/core';

const TIMEOUT = 60_000;

function message(room: RoomHandle, eventId: string): MessageItem | undefined {
  return room.snapshot.items.find((item): item is MessageItem => item.kind === 'message' && item.eventId === eventId);
}

function messageWithBody(room: RoomHandle, body: string): MessageItem | undefined {
  return room.snapshot.items.find((item): item is MessageItem => item.kind === 'message' && item.body === body);
}

/** The event id the element's own message got once the server accepted it. */
async function sentEventId(room: RoomHandle, body: string): Promise<string> {
  let eventId: string | undefined;
  await waitUntil(
    () => {
      const item = messageWithBody(room, body);
      eventId = item?.status === 'sent' ? item.eventId : undefined;
      return eventId !== undefined && !eventId.startsWith('~');
    },
    `"${body}" was never sent`,
    { timeout: TIMEOUT },
  );
  return eventId as string;
}

interface StoredEvent {
  type: string;
  redacts?: string;
  content: Record<string, unknown> & { redacts?: string; 'm.relates_to'?: Record<string, unknown> };
}

describe('encrypted rooms: replies, edits, reactions and redactions with matrix-nio (real Synapse)', function () {
  this.timeout(400_000);
  let baseUrl: string;
  let alice: TestUser;
  let bob: TestUser;
  let nio: RemoteNioPeer;
  let roomId: string;
  let room: RoomHandle;
  const tag = crypto.randomUUID().slice(0, 8);
  const text = {
    fromElement: `element first ${tag}`,
    fromNio: `nio first ${tag}`,
    elementReply: `element reply ${tag}`,
    nioReply: `nio reply ${tag}`,
    elementEdit: `element edited ${tag}`,
    nioEdit: `nio edited ${tag}`,
  };
  const ids = { fromElement: '', fromNio: '', elementReply: '', nioReply: '' };

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
    ({ roomId } = await peer(bob).createRoom({ name: 'Secret relations', preset: 'public_chat', encrypted: true }));
    nio = await startNioPeer();
    await nio.login({ homeserver: baseUrl, user: bob.userId, password: bob.password, device: `NIO${tag}` });
    await nio.join({ room: roomId });
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const session = sessionFor(baseUrl);
    if (!session) throw new Error('no session');
    room = session.openRoom(roomId);
    await waitUntil(() => room.snapshot.status === 'ready', 'the encrypted room never got ready', { timeout: TIMEOUT });
    await nio.waitMember({ room: roomId, user: alice.userId, timeout: 60 });
  });

  after(async () => {
    room.release();
    await nio.close();
    await signOut();
  });

  it('exchanges plain messages both ways, encrypted', async () => {
    await room.send(text.fromElement);
    ids.fromElement = await sentEventId(room, text.fromElement);
    const received = await nio.waitMessage({ room: roomId, body: text.fromElement, timeout: 60 });
    expect(received.decrypted, 'nio decrypted it').to.equal(true);

    expect(await nio.trust({ user: alice.userId })).to.be.greaterThan(0);
    ids.fromNio = await nio.send({ room: roomId, body: text.fromNio });
    await waitUntil(() => message(room, ids.fromNio)?.body === text.fromNio, 'the element never decrypted nio’s message', {
      timeout: TIMEOUT,
    });
  });

  it('replies both ways', async () => {
    await room.send(text.elementReply, { replyTo: ids.fromNio });
    ids.elementReply = await sentEventId(room, text.elementReply);
    const seen = await nio.waitEvent({
      room: roomId,
      where: { 'content/m.relates_to/m.in_reply_to/event_id': ids.fromNio, 'content/body': text.elementReply },
      timeout: 60,
    });
    expect(seen.decrypted, 'the reply reached nio encrypted').to.equal(true);

    ids.nioReply = await nio.sendEvent({
      room: roomId,
      type: 'm.room.message',
      content: { msgtype: 'm.text', body: text.nioReply, 'm.relates_to': { 'm.in_reply_to': { event_id: ids.fromElement } } },
    });
    await waitUntil(() => message(room, ids.nioReply)?.replyTo?.eventId === ids.fromElement, 'nio’s reply never showed as a reply', {
      timeout: TIMEOUT,
    });
    const reply = message(room, ids.nioReply);
    expect(reply?.body).to.equal(text.nioReply);
    expect(reply?.replyTo?.body, 'the quote shows the decrypted original').to.equal(text.fromElement);
  });

  it('edits both ways', async () => {
    await room.edit(ids.fromElement, text.elementEdit);
    const seen = await nio.waitEvent({
      room: roomId,
      where: {
        'content/m.relates_to/rel_type': 'm.replace',
        'content/m.relates_to/event_id': ids.fromElement,
        'content/m.new_content/body': text.elementEdit,
      },
      timeout: 60,
    });
    expect(seen.decrypted, 'the edit reached nio encrypted').to.equal(true);

    await nio.sendEvent({
      room: roomId,
      type: 'm.room.message',
      content: {
        msgtype: 'm.text',
        body: `* ${text.nioEdit}`,
        'm.new_content': { msgtype: 'm.text', body: text.nioEdit },
        'm.relates_to': { rel_type: 'm.replace', event_id: ids.fromNio },
      },
    });
    await waitUntil(() => message(room, ids.fromNio)?.body === text.nioEdit, 'nio’s edit never replaced the message', {
      timeout: TIMEOUT,
    });
    expect(message(room, ids.fromNio)?.edited).to.equal(true);
    expect(message(room, ids.fromElement)?.body, 'the element shows its own edit').to.equal(text.elementEdit);
  });

  it('reacts both ways', async () => {
    await room.toggleReaction(ids.fromNio, '👍');
    const seen = await nio.waitEvent({
      room: roomId,
      where: { type: 'm.reaction', 'content/m.relates_to/event_id': ids.fromNio, 'content/m.relates_to/key': '👍' },
      timeout: 60,
    });
    expect(seen.event.sender).to.equal(alice.userId);

    await nio.sendEvent({
      room: roomId,
      type: 'm.reaction',
      content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: ids.fromElement, key: '🎉' } },
    });
    await waitUntil(
      () => message(room, ids.fromElement)?.reactions.some((r) => r.key === '🎉' && r.count === 1),
      'nio’s reaction never showed',
      { timeout: TIMEOUT },
    );
    expect(message(room, ids.fromNio)?.reactions.find((r) => r.key === '👍')?.ownEventId, 'the element’s own reaction').to.be.a('string');
  });

  it('deletes both ways', async () => {
    await room.redact(ids.elementReply);
    await nio.waitEvent({ room: roomId, where: { type: 'm.room.redaction', redacts: ids.elementReply }, timeout: 60 });
    await waitUntil(() => message(room, ids.elementReply)?.redacted, 'the element never showed its reply deleted', { timeout: TIMEOUT });

    await nio.redact({ room: roomId, event_id: ids.nioReply, reason: 'test' });
    await waitUntil(() => message(room, ids.nioReply)?.redacted, 'nio’s deletion never showed', { timeout: TIMEOUT });
    expect(message(room, ids.nioReply)?.body ?? '').to.not.include(text.nioReply);
  });

  it('the server stores message content only as m.room.encrypted, reactions and redactions as the spec sends them', async () => {
    const stored = (await storedRoomEvents(roomId)).filter((e) => e.type !== 'm.room.member').map((e) => JSON.parse(e.json) as StoredEvent);
    const byType = (type: string): StoredEvent[] => stored.filter((e) => e.type === type);
    expect(byType('m.room.message'), 'messages stored in the clear').to.deep.equal([]);
    // Two messages, two replies, two edits.
    expect(byType('m.room.encrypted').length).to.be.greaterThanOrEqual(6);
    // Relations stay readable to the server (copied to the encrypted event's content) so it can aggregate them.
    const edits = byType('m.room.encrypted').filter((e) => e.content['m.relates_to']?.['rel_type'] === 'm.replace');
    expect(edits.map((e) => e.content['m.relates_to']?.['event_id']).sort()).to.deep.equal([ids.fromElement, ids.fromNio].sort());
    // Reactions are not encrypted by js-sdk nor nio: only the emoji and the target are visible.
    expect(
      byType('m.reaction')
        .map((e) => e.content['m.relates_to']?.['key'])
        .sort(),
    ).to.deep.equal(['🎉', '👍'].sort());
    // The spec has no encrypted redaction: they name the event they delete.
    const redacted = byType('m.room.redaction').map((e) => e.redacts ?? e.content.redacts);
    expect(redacted.sort()).to.deep.equal([ids.elementReply, ids.nioReply].sort());
    for (const plaintext of Object.values(text)) {
      expect(await databaseContains(plaintext), `"${plaintext}" in the database files`).to.equal(false);
    }
  });
});
