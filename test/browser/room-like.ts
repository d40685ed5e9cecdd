/**
 * What every room-like view must do, run against each of them with real Synapse (the pattern of
 * Shoelace's `runFormControlBaseTests`): a signed-out visitor is offered the sign-in form; the member
 * reads the log (articles naming sender and body), sees whether the room is encrypted, receives the
 * peer's messages with their avatar (loaded through authenticated media), sends with a local echo, and replies, edits, reacts and deletes with the keyboard
 * alone; the peer receives what the member sends, encrypted on the server where the room is.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, type MatrixEvent, type RemoteNioPeer, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut } from '@omnisocial/core';
import { articles, articleWith, button, decoded, log, pngBytes, shadow, textbox, typeAndSend, waitForText } from './dom.ts';

const TIMEOUT = 90_000;

/** The other member of the conversation, as the test drives them. */
export interface RoomLikePeer {
  /** Their account; the suite gives them an avatar before anything is shown. */
  readonly user: TestUser;
  readonly userId: string;
  /** Their name as the view shows it. */
  readonly name: string;
  /** Sends a text message (encrypted where the room is). */
  send(body: string): Promise<void>;
  /** Resolves once the peer has received `body` from the member (decrypted where the room is encrypted). */
  received(body: string): Promise<void>;
}

/** A conversation ready for the member: its room, its peer, and how the view under test shows it. */
export interface RoomLikeFixture {
  readonly roomId: string;
  readonly peer: RoomLikePeer;
  /** Mounts the view for the member (a fixture, removed after each test). */
  mount(): Promise<HTMLElement>;
}

export interface RoomLikeSetup {
  /** Names the suite, e.g. `<omni-room> (encrypted room)`. */
  readonly title: string;
  readonly encrypted: boolean;
  /** Creates the conversation between `member` (not signed in yet) and a peer. */
  prepare(context: { baseUrl: string; member: TestUser }): Promise<RoomLikeFixture>;
  /** Stops what `prepare` started (an independent client…). */
  dispose?(): Promise<void>;
}

/** The member's events in the room as the server holds them (ciphertext where the room is encrypted). */
async function memberEvents(member: TestUser, roomId: string): Promise<MatrixEvent[]> {
  return peer(member).roomMessages(roomId, { limit: 100 });
}

async function waitForEvent(member: TestUser, roomId: string, what: string, match: (e: MatrixEvent) => boolean): Promise<MatrixEvent> {
  let found: MatrixEvent | undefined;
  await waitUntil(
    async () => {
      found = (await memberEvents(member, roomId)).find((e) => e.sender === member.userId && match(e));
      return found !== undefined;
    },
    `the server never held ${what}`,
    { timeout: TIMEOUT, interval: 500 },
  );
  return found as MatrixEvent;
}

type Relation = { rel_type?: string; event_id?: string; key?: string; 'm.in_reply_to'?: { event_id?: string } };
const relation = (e: MatrixEvent): Relation | undefined => e.content['m.relates_to'] as Relation | undefined;

export function runRoomLikeTests(setup: RoomLikeSetup): void {
  describe(`room-like: ${setup.title}`, function () {
    // Crypto start, key sharing and an independent client on a loaded two-core machine take a while.
    this.timeout(180_000);
    const tag = crypto.randomUUID().slice(0, 8);
    const fromPeer = `hello from the peer ${tag}`;
    const fromMember = `hello from the member ${tag}`;
    let baseUrl: string;
    let member: TestUser;
    let conversation: RoomLikeFixture;
    /** The message types the server holds for what the member sends. */
    const sentType = setup.encrypted ? 'm.room.encrypted' : 'm.room.message';

    before(async () => {
      ({ baseUrl } = await homeserver());
      member = await registerUser({ displayName: 'Alice' });
      conversation = await setup.prepare({ baseUrl, member });
      // Avatars come from authenticated media through the view's media loader (all three views have one).
      const avatar = await peer(conversation.peer.user).upload(await pngBytes(48, 48, '#2f7d32'), 'image/png', 'peer.png');
      await peer(conversation.peer.user).setAvatarUrl(avatar);
    });

    after(async () => {
      await setup.dispose?.();
    });

    it('offers the sign-in form (Username, Password, Sign in) to a signed-out visitor', async () => {
      const el = await conversation.mount();
      const form = (): HTMLFormElement | null | undefined =>
        shadow(el).querySelector('omni-sign-in')?.shadowRoot?.querySelector<HTMLFormElement>('form[aria-label="Sign in"]');
      await waitUntil(form, 'no sign-in form', { timeout: TIMEOUT });
      const fields = [...(form()?.querySelectorAll('input') ?? [])].map((input) => input.labels?.[0]?.textContent.trim());
      expect(fields).to.include.members(['Username', 'Password']);
      expect(form()?.querySelector('button[type="submit"]')?.textContent.trim()).to.equal('Sign in');
      expect(log(el), 'no messages before signing in').to.equal(null);
      await expect(el).to.be.accessible();
    });

    describe('signed in', () => {
      let el: HTMLElement;

      before(async () => {
        await signIn({ homeserver: baseUrl, username: member.username, password: member.password });
      });

      after(async () => {
        await signOut();
      });

      beforeEach(async () => {
        el = await conversation.mount();
        await waitUntil(() => log(el), 'the conversation never opened', { timeout: TIMEOUT });
      });

      it(`shows the log, the peer's messages naming sender and body, and ${setup.encrypted ? 'the encryption indicator' : 'no encryption indicator'}`, async () => {
        expect(log(el)?.getAttribute('aria-label')).to.be.a('string').and.not.equal('');
        const indicator = shadow(el).querySelector('[part="header"] [part="encryption"]');
        if (setup.encrypted) {
          expect(indicator?.textContent.trim()).to.equal('End-to-end encrypted');
          expect(indicator?.getAttribute('title')).to.match(/can read these messages|end-to-end encrypted/u);
        } else {
          expect(indicator, 'a room that is not encrypted shows no indicator').to.equal(null);
        }
        await conversation.peer.send(fromPeer);
        const shown = await waitForText(el, fromPeer, TIMEOUT);
        expect(shown.textContent).to.include(conversation.peer.name);
        await waitUntil(() => shown.querySelector('.avatar img'), 'the peer’s avatar never loaded', { timeout: TIMEOUT });
        const avatar = await decoded(shown.querySelector<HTMLImageElement>('.avatar img') as HTMLImageElement, TIMEOUT);
        expect(avatar.src).to.match(/^blob:/u);
        await expect(el).to.be.accessible();
      });

      it('sends with Enter: the message shows at once, is confirmed, and the peer receives it', async () => {
        await typeAndSend(el, fromMember, TIMEOUT);
        // The local echo is in the log before the server has answered.
        expect(articleWith(el, fromMember), 'no local echo').to.not.equal(undefined);
        expect(textbox(el)?.value, 'the composer is cleared').to.equal('');
        await waitUntil(() => articleWith(el, fromMember)?.dataset['eventId'], 'the message was never confirmed', { timeout: TIMEOUT });
        expect(articleWith(el, fromMember)?.textContent).to.include('Alice');
        await conversation.peer.received(fromMember);
        const stored = await waitForEvent(
          member,
          conversation.roomId,
          'the message',
          (e) => e.event_id === articleWith(el, fromMember)?.dataset['eventId'],
        );
        expect(stored.type).to.equal(sentType);
      });

      it('replies, edits (Up), reacts (+) and deletes (Delete) using only the keyboard', async () => {
        await waitForText(el, fromPeer, TIMEOUT);
        const mine = await waitForText(el, fromMember, TIMEOUT);
        const mineId = mine.dataset['eventId'];
        expect(mineId, 'the member’s message is confirmed').to.be.a('string');

        // Up in the empty composer edits the member's last message.
        textbox(el)?.focus();
        await sendKeys({ press: 'ArrowUp' });
        await waitUntil(() => textbox(el)?.value === fromMember, 'Up did not load the last message for editing');
        const edited = `edited by the member ${tag}`;
        const box = textbox(el) as HTMLTextAreaElement;
        box.value = edited;
        box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        await sendKeys({ press: 'Enter' });
        await waitUntil(() => articleWith(el, edited)?.textContent.includes('(edited)'), 'the edit never showed', { timeout: TIMEOUT });
        const edit = await waitForEvent(member, conversation.roomId, 'the edit', (e) => relation(e)?.rel_type === 'm.replace');
        expect(relation(edit)?.event_id).to.equal(mineId);
        expect(edit.type).to.equal(sentType);

        // Reply: arrow keys through the log to the peer's message, R, type, Enter.
        log(el)?.focus();
        await sendKeys({ press: 'End' });
        for (let guard = 0; guard < 20 && !(shadow(el).activeElement as HTMLElement | null)?.textContent.includes(fromPeer); guard++) {
          await sendKeys({ press: 'ArrowUp' });
        }
        const target = shadow(el).activeElement as HTMLElement;
        expect(target.textContent, 'arrow keys reach the peer’s message').to.include(fromPeer);
        const targetId = target.dataset['eventId'];
        await sendKeys({ press: 'r' });
        await waitUntil(() => shadow(el).textContent.includes(`Replying to ${conversation.peer.name}`), 'no reply banner');
        const answer = `a reply from the keyboard ${tag}`;
        await typeAndSend(el, answer, TIMEOUT);
        await waitForText(el, answer, TIMEOUT);
        // The quote names the original once the reply is confirmed (its local echo may say "a message").
        await waitUntil(
          () => articleWith(el, answer)?.querySelector('blockquote')?.textContent.includes(fromPeer),
          'the reply does not quote the peer',
          {
            timeout: TIMEOUT,
          },
        );
        const sentReply = await waitForEvent(
          member,
          conversation.roomId,
          'the reply',
          (e) => relation(e)?.['m.in_reply_to']?.event_id === targetId,
        );
        expect(sentReply.type).to.equal(sentType);
        await conversation.peer.received(answer);

        // React: "+" on the focused message opens the picker; pick 🎉 with the keyboard.
        const reacted = articles(el).find((a) => a.dataset['eventId'] === targetId) as HTMLElement;
        reacted.focus();
        await sendKeys({ press: '+' });
        await waitUntil(() => button(reacted, 'React with 🎉'), 'no reaction picker');
        button(reacted, 'React with 🎉')?.focus();
        await sendKeys({ press: 'Enter' });
        await waitUntil(
          () =>
            articles(el)
              .find((a) => a.dataset['eventId'] === targetId)
              ?.querySelector('.reactions button')
              ?.textContent.includes('🎉'),
          'the reaction never showed',
          { timeout: TIMEOUT },
        );
        const reaction = await waitForEvent(
          member,
          conversation.roomId,
          'the reaction',
          (e) => relation(e)?.rel_type === 'm.annotation' && relation(e)?.event_id === targetId,
        );
        // js-sdk sends reactions in the clear even in encrypted rooms (as Element does): the emoji and its target are metadata.
        expect(reaction.type).to.equal('m.reaction');

        // Delete the member's own message: focus it, Delete, confirm with Enter.
        const own = articleWith(el, edited) as HTMLElement;
        own.focus();
        await sendKeys({ press: 'Delete' });
        await waitUntil(() => button(own, 'Delete message'), 'no delete confirmation');
        button(own, 'Delete message')?.focus();
        await sendKeys({ press: 'Enter' });
        // Room versions before 11 carry `redacts` beside the content, later ones in it.
        await waitForEvent(
          member,
          conversation.roomId,
          'the redaction',
          (e) => e.type === 'm.room.redaction' && ((e as { redacts?: string }).redacts ?? e.content['redacts']) === mineId,
        );
        const deleted = (): HTMLElement | undefined => articles(el).find((a) => a.dataset['eventId'] === mineId);
        await waitUntil(() => deleted()?.textContent.includes('Message deleted'), 'the deletion never showed', { timeout: TIMEOUT }).catch(
          (error: unknown) => {
            const shown = articles(el).map((a) => `[${a.dataset['eventId'] ?? '?'}] ${a.textContent.replace(/\s+/gu, ' ').slice(0, 80)}`);
            throw new Error(
              `${String(error)}; the message shows: ${deleted()?.textContent.replace(/\s+/gu, ' ') ?? '(no article)'}; ${mineId ?? ''} in the log: ${shown.join(' | ')}`,
            );
          },
        );
        expect(articleWith(el, edited)).to.equal(undefined);
        await expect(el).to.be.accessible();
      });
    });
  });
}

/** A peer that is a plain HTTP client of the homeserver (for rooms that are not encrypted). */
export function httpPeer(user: TestUser, name: string, roomId: string): RoomLikePeer {
  return {
    user,
    userId: user.userId,
    name,
    send: async (body) => {
      await peer(user).sendMessage(roomId, body);
    },
    received: async (body) => {
      await peer(user).waitForMessage(roomId, { body }, TIMEOUT);
    },
  };
}

/**
 * A peer that is an independent client with its own encryption (matrix-nio): it waits for the
 * member to join and trusts their devices before writing, and reads what the member sends decrypted.
 */
export function nioPeer(nio: RemoteNioPeer, user: TestUser, name: string, roomId: string, member: TestUser): RoomLikePeer {
  return {
    user,
    userId: user.userId,
    name,
    send: async (body) => {
      await nio.waitMember({ room: roomId, user: member.userId, timeout: TIMEOUT / 1000 });
      await nio.trust({ user: member.userId, timeout: TIMEOUT / 1000 });
      await nio.send({ room: roomId, body });
    },
    received: async (body) => {
      const message = await nio.waitMessage({ room: roomId, body, timeout: TIMEOUT / 1000 });
      expect(message.sender).to.equal(member.userId);
      expect(message.decrypted, 'the peer decrypted it').to.equal(true);
    },
  };
}
