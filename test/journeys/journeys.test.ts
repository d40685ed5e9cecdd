/**
 * What a member and a visitor see (issue 13): the built script-tag module on a plain host page, two members
 * and a visitor in separate browser contexts of Debian Chromium against one real Synapse, driven as people
 * drive it (click, type, keyboard) and judged by what is visible on their screens. Each journey uses its own
 * rooms, so one broken journey does not break the next.
 */
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import {
  assertFits,
  assertFitsAt,
  close,
  composer,
  DESKTOP,
  Findings,
  journey,
  INTERNALS,
  messages,
  openPerson,
  openPostElement,
  paste,
  PATIENCE,
  PHONE,
  roomElement,
  seenText,
  signInThroughSite,
  signInWithForm,
  SMALL_PHONE,
  until,
  visit,
  waitForMessage,
  write,
  type Person,
} from './person.ts';
import { createMembersRoom, createOpenPost, openWorld, type World } from './world.ts';

const JOURNEY = { timeout: 180_000 };
const WIDTHS = [SMALL_PHONE.width, PHONE.width, DESKTOP.width] as const;

let world: World;

before(async () => {
  world = await openWorld();
});

after(async () => {
  await world.close();
});

/** Hovers a message (as a pointer does) and presses one of its actions. */
async function act(article: Locator, action: RegExp): Promise<void> {
  await article.hover();
  await article.getByRole('button', { name: action }).first().click();
}

/** Waits until an open post shows its discussion and is done connecting (the engine has taken over). */
async function settled(person: Person, chat: Locator): Promise<void> {
  for (const body of world.post.discussion) await waitForMessage(person, chat, body, `the post's message "${body}"`);
  await until(
    person,
    async () => !/connecting|loading/iu.test(await seenText(chat)),
    async () => `the open post never finished connecting: "${await seenText(chat)}"`,
  );
}

/** The post's discussion shows what people wrote: no anonymous readers joining, no room set-up state. */
async function expectQuietDiscussion(seen: Findings, person: Person, chat: Locator): Promise<void> {
  const log = await seenText(chat.getByRole('log'));
  const noise = [
    [/\b\d+ joined\b/u, 'numbered guests "joined"'],
    [/\bguest/iu, 'guests'],
    [/power level/iu, '"changed the power level"'],
    [/changed the topic/iu, '"changed the topic"'],
    [/%2F/iu, 'a raw "%2F"'],
  ] as const;
  const found = noise.filter(([pattern]) => pattern.test(log)).map(([, what]) => what);
  if (found.length) {
    await seen.note(person, `the post's discussion is cluttered with readers and set-up state (${found.join(', ')}): "${log}"`);
  }
}

describe('a visitor on a desktop', () => {
  test('reads an open post without join noise or set-up state, and signs in from the lobby to write', JOURNEY, () =>
    journey(async (seen) => {
      const page = { elements: [openPostElement(world, world.post), roomElement(world, world.lobby.alias)] };

      // Two earlier visitors read the post, as every reader of a public page does, until the element has
      // finished connecting (where a guest's reading may turn into a join).
      for (const name of ['an earlier reader', 'another earlier reader']) {
        const reader = await openPerson(world, name, DESKTOP);
        await visit(world, reader, { elements: [openPostElement(world, world.post)] });
        await settled(reader, reader.page.locator('omni-chat'));
        await close(reader);
      }

      const visitor = await openPerson(world, 'the visitor', DESKTOP);
      await visit(world, visitor, page);
      const chat = visitor.page.locator('omni-chat');
      await settled(visitor, chat);
      await expectQuietDiscussion(seen, visitor, chat);
      const everything = await seenText(chat);
      if (/%2F/iu.test(everything)) await seen.note(visitor, `the post's header shows its URL still encoded (%2F): "${everything}"`);
      await assertFitsAt(seen, visitor, 'reading the open post', WIDTHS);

      // The lobby is for members; a guest is offered to sign in there and told why, never a red dead end.
      const lobby = visitor.page.locator('omni-room');
      const offered = await seen.expect(
        visitor,
        () => lobby.getByRole('textbox', { name: 'Username' }).isVisible(),
        async () => `the lobby offers no way in for a visitor, only: "${await seenText(lobby)}"`,
      );
      const lobbyText = await seenText(lobby);
      if (/guest access not allowed|cannot join/iu.test(lobbyText) || INTERNALS.test(lobbyText)) {
        await seen.note(visitor, `the lobby shows an error instead of inviting to sign in: "${lobbyText}"`);
      }
      if (!/members|guests?\b|account|to (join|write|take part)/iu.test(lobbyText)) {
        await seen.note(visitor, `the lobby's sign-in form does not say why signing in is needed: "${lobbyText}"`);
      }
      const alerts = offered ? await lobby.getByRole('alert').all() : [];
      for (const alert of alerts) {
        if (await alert.isVisible())
          await seen.note(visitor, `the lobby shows an alert before anything went wrong: "${await seenText(alert)}"`);
      }

      if (offered) {
        await assertFitsAt(seen, visitor, 'the sign-in form in the lobby', WIDTHS);
        await signInWithForm(visitor, lobby, world.carol);
        const hello = `Hello neighbours, Carol here ${world.tag}`;
        await write(visitor, lobby, hello);
        await waitForMessage(visitor, lobby, hello, 'her own message in the lobby');
        await world.alice.peer.waitForMessage(world.lobby.roomId, (e) => e.content['body'] === hello, PATIENCE);
        await assertFitsAt(seen, visitor, 'signed in and writing in the lobby', WIDTHS);
      }
      await close(visitor);

      // A member of the site reads the same post after all these readers.
      const member = await openPerson(world, 'Alice (a moderator) on a desktop', DESKTOP);
      await visit(world, member, { elements: [openPostElement(world, world.post)] });
      await signInThroughSite(world, member, world.alice);
      const memberChat = member.page.locator('omni-chat');
      await composer(member, memberChat);
      await settled(member, memberChat);
      await expectQuietDiscussion(seen, member, memberChat);
      await close(member);
    }),
  );
});

describe('two members, one on a phone and one on a desktop', () => {
  let room: { roomId: string; alias: string };
  let alice: Person;
  let bob: Person;
  let aliceRoom: Locator;
  let bobRoom: Locator;

  before(async () => {
    room = await createMembersRoom(world, 'Studio', [world.alice, world.bob]);
    alice = await openPerson(world, 'Alice on a 390 px phone', PHONE);
    bob = await openPerson(world, 'Bob on a desktop', DESKTOP);
    await visit(world, alice, { elements: [roomElement(world, room.alias)] });
    await visit(world, bob, { elements: [roomElement(world, room.alias)] });
    aliceRoom = alice.page.locator('omni-room');
    bobRoom = bob.page.locator('omni-room');
    await signInWithForm(alice, aliceRoom, world.alice);
    await signInWithForm(bob, bobRoom, world.bob);
    await composer(alice, aliceRoom);
    await composer(bob, bobRoom);
  });

  after(async () => {
    await close(alice);
    await close(bob);
  });

  test('Markdown and a picked mention arrive formatted; replies, reactions and edits reach the other', JOURNEY, () =>
    journey(async (seen) => {
      await assertFitsAt(seen, alice, 'the empty room on a phone', WIDTHS);
      const box = await composer(alice, aliceRoom);
      await box.click();
      await alice.page.keyboard.type('Hey @Bo');
      const option = aliceRoom.getByRole('listbox').getByRole('option', { name: /Bob Okafor/u });
      await until(
        alice,
        () => option.isVisible(),
        async () => `typing "@Bo" offered no member to mention; saw: "${await seenText(aliceRoom)}"`,
      );
      await assertFits(seen, alice, 'the mention list open');
      await option.click();
      for (const line of [' — this is a **bold move**', '- first item', '- second item', '```', 'const answer = 42;', '```']) {
        if (!line.startsWith(' ')) await alice.page.keyboard.press('Shift+Enter');
        await alice.page.keyboard.type(line);
      }
      await aliceRoom.getByRole('button', { name: 'Send' }).click();

      const received = await waitForMessage(bob, bobRoom, /first item/u, "Alice's formatted message");
      const shown = await seenText(received);
      for (const [raw, what] of [
        ['**', 'the raw Markdown "**" instead of bold text'],
        ['```', 'the raw code fence "```" instead of a code block'],
        ['](https://matrix.to', 'the mention as a raw Markdown link "[Bob Okafor](https://matrix.to/…)"'],
        ['- first item', 'the list as raw "- first item" lines'],
      ] as const) {
        if (shown.includes(raw)) await seen.note(bob, `Alice's message shows ${what}: "${shown}"`);
      }
      const formatting = await received.evaluate((article) => {
        const find = (root: ParentNode, selector: string): Element[] => [
          ...root.querySelectorAll(selector),
          ...[...root.querySelectorAll('*')].flatMap((e) => (e.shadowRoot ? find(e.shadowRoot, selector) : [])),
        ];
        const weight = (e: Element): number => Number(getComputedStyle(e).fontWeight);
        const bold = find(article, '*').filter((e) => e.textContent.trim() === 'bold move' && weight(e) >= 600);
        const items = find(article, 'li').map((e) => e.textContent.trim());
        const code = find(article, 'pre, code').filter((e) => e.textContent.includes('const answer = 42;'));
        const monospace = code.some((e) => /mono|courier|consolas|menlo/iu.test(getComputedStyle(e).fontFamily));
        // A highlighted mention: the name set apart from the text around it (its own background, colour or weight).
        const mention = find(article, '*').filter((e) => /^@?Bob Okafor$/u.test(e.textContent.trim()) && !e.closest('.sender, .head'));
        const setApart = mention.some((e) => {
          const style = getComputedStyle(e);
          const around = getComputedStyle(e.parentElement ?? e);
          return (
            (style.backgroundColor !== 'rgba(0, 0, 0, 0)' && style.backgroundColor !== around.backgroundColor) ||
            style.color !== around.color ||
            Number(style.fontWeight) > Number(around.fontWeight)
          );
        });
        return { bold: bold.length > 0, items, code: code.length > 0, monospace, mention: mention.length > 0, setApart };
      });
      if (!formatting.bold) await seen.note(bob, `"bold move" is not shown in bold in Alice's message: "${shown}"`);
      if (!formatting.items.includes('first item') || !formatting.items.includes('second item')) {
        await seen.note(bob, `Alice's list is not shown as a list (items: ${JSON.stringify(formatting.items)}): "${shown}"`);
      }
      if (!formatting.code || !formatting.monospace) await seen.note(bob, `Alice's code is not shown as a code block: "${shown}"`);
      if (!formatting.mention) await seen.note(bob, `the mention of Bob is not shown as his name: "${shown}"`);
      if (!formatting.setApart) await seen.note(bob, `the mention of Bob looks like the text around it (not highlighted): "${shown}"`);
      await assertFits(seen, bob, 'a formatted message received');
      await assertFitsAt(seen, alice, 'a formatted message sent', WIDTHS);

      // Bob answers: a reply, a reaction, then he corrects his reply.
      const reply = `Thanks Alice, looks right ${world.tag}`;
      await act(received, /^reply\b/iu);
      await write(bob, bobRoom, reply);
      const replyOnAlice = await waitForMessage(alice, aliceRoom, reply, "Bob's reply");
      const replySeen = await seenText(replyOnAlice);
      if (!/Alice Martin|bold move|first item/u.test(replySeen.replace(reply, ''))) {
        await seen.note(alice, `Bob's reply does not show what it answers: "${replySeen}"`);
      }

      await act(received, /^react\b/iu);
      await bobRoom.getByRole('button', { name: /👍/u }).first().click();
      const aliceOwn = messages(aliceRoom, /first item/u).last();
      const reaction = aliceOwn.getByRole('button', { name: /👍/u });
      await until(
        alice,
        () => reaction.isVisible(),
        async () => `never saw Bob's 👍 on her message: "${await seenText(aliceOwn)}"`,
      );

      const corrected = `Thanks Alice, looks right to me ${world.tag}`;
      const bobReply = messages(bobRoom, reply).last();
      await act(bobReply, /^edit\b/iu);
      const editBox = await composer(bob, bobRoom);
      await editBox.fill(corrected);
      await editBox.press('Enter');
      const edited = messages(aliceRoom, corrected).last();
      await until(
        alice,
        async () => (await edited.isVisible()) && /edited/iu.test(await seenText(edited)),
        async () =>
          `never saw Bob's edit marked as edited; his reply reads: "${await seenText(messages(aliceRoom, /Thanks Alice/u).last())}"`,
      );
      await assertFitsAt(seen, alice, 'a reply, a reaction and an edit received', WIDTHS);
      await assertFits(seen, bob, 'after replying, reacting and editing');
    }),
  );

  test('a 10,000-character message and a 100-line one collapse with "Show more" and never empty the log', JOURNEY, () =>
    journey(async (seen) => {
      const before = `Before the long one ${world.tag}`;
      await write(alice, aliceRoom, before);
      await waitForMessage(bob, bobRoom, before, "Alice's short message");
      const words = 'the rain garden needs more native plants and a path for the kids ';
      const long = `LONG-${world.tag} ${words.repeat(Math.ceil(10_000 / words.length))}`.slice(0, 10_000);
      await paste(alice, aliceRoom, long);

      const check = async (person: Person, element: Locator, marker: string, what: string): Promise<void> => {
        const article = messages(element, marker).last();
        const shown = await seen.expect(
          person,
          async () => (await article.isVisible()) && (await messages(element).count()) >= 2,
          async () =>
            `after ${what} arrived the log showed ${await messages(element).count()} message(s), visible: "${(await seenText(element.getByRole('log'))).slice(0, 300)}"`,
        );
        if (!shown) return;
        const more = article.getByRole('button', { name: /show more/iu });
        if (!(await more.isVisible())) {
          await seen.note(person, `${what} is shown at full length with no "Show more"`);
          return;
        }
        const heights = await element.getByRole('log').evaluate((log, key) => {
          const articles = [...log.querySelectorAll('[role="article"], article')];
          const target = articles.filter((a) => a.textContent.includes(key)).at(-1);
          return { article: target?.getBoundingClientRect().height ?? 0, log: log.getBoundingClientRect().height };
        }, marker);
        if (heights.article > heights.log) {
          await seen.note(
            person,
            `${what} is ${Math.round(heights.article)} px tall in a ${Math.round(heights.log)} px log: not collapsed`,
          );
        }
        await more.click();
        await seen.expect(
          person,
          () => article.getByRole('button', { name: /show less/iu }).isVisible(),
          () => `pressing "Show more" on ${what} offered no "Show less"`,
          5_000,
        );
      };
      await check(bob, bobRoom, `LONG-${world.tag}`, "Alice's 10,000-character message");
      await assertFits(seen, bob, 'a 10,000-character message received');

      const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1} of Bob's list ${world.tag}`).join('\n');
      await paste(bob, bobRoom, lines);
      await check(alice, aliceRoom, `line 1 of Bob's list ${world.tag}`, "Bob's 100-line message");
      await assertFitsAt(seen, alice, 'a 100-line message received', WIDTHS);
    }),
  );

  test('a 70,000-character message is refused in the composer with the reason, the text kept, no Retry', JOURNEY, () =>
    journey(async (seen) => {
      const huge = `HUGE-${world.tag} ${'x'.repeat(70_000)}`.slice(0, 70_000);
      const box = await composer(alice, aliceRoom);
      await box.fill(huge);
      await aliceRoom
        .getByRole('button', { name: 'Send' })
        .click()
        .catch(() => undefined);
      await seen.expect(
        alice,
        async () => /too (long|large|big)|limit|shorten/iu.test(await seenText(aliceRoom)),
        async () => `was not told the message is too large; saw: "${(await seenText(aliceRoom)).slice(-400)}"`,
        10_000,
      );
      if ((await box.inputValue()).length !== huge.length) {
        await seen.note(alice, `the 70,000 characters she typed were not kept (${(await box.inputValue()).length} left)`);
      }
      const retry = aliceRoom.getByRole('button', { name: /retry/iu });
      for (const button of await retry.all()) {
        if (await button.isVisible())
          await seen.note(alice, 'was offered a Retry that can never succeed for a message over the size limit');
      }
      if (await messages(aliceRoom, /HUGE-/u).count()) await seen.note(alice, 'the refused message appears in the timeline');
      await assertFitsAt(seen, alice, 'a too-large message refused', WIDTHS);
      await box.fill('');
    }),
  );
});

describe('a thread on an open post', () => {
  test(
    'a member replies in a thread on a desktop; another reads and answers on a phone; a visitor reads it and is offered sign-in',
    JOURNEY,
    () =>
      journey(async (seen) => {
        const post = await createOpenPost(world, 'trail-day', 'Trail day on Saturday', [world.bob, world.carol]);
        const question = `Which trail should we take on Saturday? ${world.tag}`;
        const later = `Count me in for the picnic ${world.tag}`;
        await world.carol.peer.sendMessage(post.roomId, question);
        await world.carol.peer.sendMessage(post.roomId, later);
        const answer = `The river trail, it has shade ${world.tag}`;
        const followUp = `River trail it is, I will bring water ${world.tag}`;
        // Role queries scoped to a node inside a shadow root find nothing in it: scopes here are the elements' hosts,
        // and the roles and names are checked where they are found.
        const threadOf = (chat: Locator): Locator => chat.locator('omni-thread');
        const summaryUnder = (chat: Locator): Locator => messages(chat, question).first().locator('[part="thread-summary"]');
        /** The summary's name, as a screen reader says it ("Thread: 1 reply · last just now, from …"), and its role. */
        const summaryName = (chat: Locator): Promise<string> =>
          summaryUnder(chat).evaluate((button) => {
            const heard = (node: Node): string =>
              node instanceof Element && node.getAttribute('aria-hidden') === 'true'
                ? ''
                : node.nodeType === Node.TEXT_NODE
                  ? (node.textContent ?? '')
                  : [...node.childNodes].map(heard).join('');
            const role = button instanceof HTMLButtonElement ? 'button' : (button.getAttribute('role') ?? button.localName);
            return `${role}: ${heard(button).replace(/\s+/gu, ' ').trim()}`;
          });
        /** How many messages of the main discussion (the thread closed) contain `text`. */
        const inMainLog = (chat: Locator, text: string): Promise<number> => messages(chat, text).count();

        // Alice, on a desktop, answers Carol's question in a thread: "Reply in thread" in the message's toolbar.
        const alice = await openPerson(world, 'Alice on a desktop', DESKTOP);
        await visit(world, alice, { elements: [openPostElement(world, post)] });
        await signInThroughSite(world, alice, world.alice);
        const aliceChat = alice.page.locator('omni-chat');
        await composer(alice, aliceChat);
        const rootOnAlice = await waitForMessage(alice, aliceChat, question, "Carol's question");
        await act(rootOnAlice, /^reply in thread$/iu);
        const aliceThread = threadOf(aliceChat);
        const aliceThreadBox = aliceThread.getByRole('textbox', { name: 'Message' });
        await until(
          alice,
          () => aliceThreadBox.isVisible(),
          async () => `"Reply in thread" opened no thread to write in; saw: "${(await seenText(aliceChat)).slice(0, 500)}"`,
        );
        if (!(await aliceChat.getByRole('region', { name: 'Thread' }).isVisible())) {
          await seen.note(alice, 'the open thread is not a region named "Thread" for her screen reader');
        }
        // Opening the thread puts her in its composer: she types at once.
        await seen.expect(
          alice,
          () => aliceThreadBox.evaluate((box) => box.matches(':focus')),
          () => 'the thread opened without putting her in its composer',
          5_000,
        );
        await aliceThreadBox.click();
        await alice.page.keyboard.type(answer);
        await alice.page.keyboard.press('Enter');
        await waitForMessage(alice, aliceThread, answer, 'her own reply in the thread');
        await alice.page.keyboard.press('Escape');
        await until(
          alice,
          async () => !(await aliceThread.isVisible()),
          () => 'Escape left the thread open',
          5_000,
        );
        await assertFits(seen, alice, 'after replying in a thread');

        // Bob, on a phone, sees the summary under the question, not the reply in the discussion.
        const bob = await openPerson(world, 'Bob on a 390 px phone', PHONE);
        await visit(world, bob, { elements: [openPostElement(world, post)] });
        await signInThroughSite(world, bob, world.bob);
        const bobChat = bob.page.locator('omni-chat');
        await composer(bob, bobChat);
        await waitForMessage(bob, bobChat, later, "Carol's later message");
        await until(
          bob,
          async () => /\b1 reply\b/u.test(await seenText(summaryUnder(bobChat))),
          async () => `no "1 reply" under Carol's question; it reads: "${await seenText(messages(bobChat, question).first())}"`,
        );
        const avatars = await summaryUnder(bobChat)
          .locator('.thread-avatar')
          .evaluateAll((shown) => shown.filter((a) => a.getBoundingClientRect().width > 0).map((a) => a.textContent.trim()));
        if (avatars.join(',') !== 'A') await seen.note(bob, `the summary shows the avatars ${JSON.stringify(avatars)}, not Alice's alone`);
        if (!/^button: Thread: 1 reply\b.*, from Alice Martin(, 1 unread)?$/u.test(await summaryName(bobChat))) {
          await seen.note(bob, `the summary does not name Alice as who replied: "${await summaryName(bobChat)}"`);
        }
        if (await inMainLog(bobChat, answer)) await seen.note(bob, "Alice's thread reply also shows in the main discussion");

        // He opens the thread with a tap: it covers the discussion on his phone; he reads and answers.
        await summaryUnder(bobChat).tap();
        const bobThread = threadOf(bobChat);
        await waitForMessage(bob, bobThread, answer, "Alice's reply in the thread");
        if (!(await seenText(bobThread)).includes(question)) await seen.note(bob, 'the thread does not show the question it answers');
        if (await bobChat.locator('[role="log"][aria-label^="Discussion of"]').isVisible())
          await seen.note(bob, 'on his phone the thread opened with the discussion still showing beside it');
        await assertFits(seen, bob, 'the thread open on a phone');
        const bobThreadBox = await composer(bob, bobThread);
        await bobThreadBox.tap();
        await bob.page.keyboard.type(followUp);
        await bobThread.getByRole('button', { name: 'Send' }).tap();
        await waitForMessage(bob, bobThread, followUp, 'his own answer in the thread');
        await bobThread.getByRole('button', { name: 'Close thread' }).tap();
        await until(
          bob,
          async () => /\b2 replies\b/u.test(await seenText(summaryUnder(bobChat))),
          async () => `after answering, the summary reads: "${await seenText(summaryUnder(bobChat))}"`,
        );
        if (await inMainLog(bobChat, followUp)) await seen.note(bob, 'his thread reply also shows in the main discussion');

        // Alice comes back to her window: two replies, one of them unread, and she reads it.
        await alice.page.bringToFront();
        await until(
          alice,
          async () => /\b2 replies\b/u.test(await seenText(summaryUnder(aliceChat))),
          async () => `Bob's answer did not reach the summary; it reads: "${await seenText(summaryUnder(aliceChat))}"`,
        );
        await seen.expect(
          alice,
          async () =>
            /^button: Thread: 2 replies\b.*, 1 unread$/u.test(await summaryName(aliceChat)) &&
            /\b1$/u.test(await seenText(summaryUnder(aliceChat))),
          async () =>
            `Bob's answer is not marked unread: the summary shows "${await seenText(summaryUnder(aliceChat))}" (said "${await summaryName(aliceChat)}")`,
        );
        if (await inMainLog(aliceChat, followUp)) await seen.note(alice, "Bob's thread reply also shows in the main discussion");
        await summaryUnder(aliceChat).click();
        await waitForMessage(alice, aliceThread, followUp, "Bob's answer in the thread");
        // Read once it is on her screen: the thread's header stops counting it unread.
        await seen.expect(
          alice,
          async () => !/\bunread\b/u.test(await seenText(aliceThread)),
          async () => `with Bob's answer on her screen the thread still says: "${await seenText(aliceThread)}"`,
          10_000,
        );
        await aliceThread.getByRole('button', { name: 'Close thread' }).click();
        await seen.expect(
          alice,
          async () => !/unread/u.test(await summaryName(aliceChat)),
          async () => `after reading the thread its summary still says "${await summaryName(aliceChat)}"`,
          10_000,
        );
        await close(alice);
        await close(bob);

        // A visitor reads the same thread without an account, and is offered to sign in rather than a composer.
        const visitor = await openPerson(world, 'a visitor on a desktop', DESKTOP);
        await visit(world, visitor, { elements: [openPostElement(world, post)] });
        const chat = visitor.page.locator('omni-chat');
        await waitForMessage(visitor, chat, later, "Carol's later message");
        await until(
          visitor,
          async () => /\b2 replies\b/u.test(await seenText(summaryUnder(chat))),
          async () => `the visitor sees no "2 replies" under the question: "${await seenText(messages(chat, question).first())}"`,
        );
        for (const text of [answer, followUp]) {
          if (await inMainLog(chat, text)) await seen.note(visitor, `a thread reply shows in the main discussion: "${text}"`);
        }
        await summaryUnder(chat).click();
        const thread = threadOf(chat);
        await waitForMessage(visitor, thread, answer, "Alice's reply in the thread");
        await waitForMessage(visitor, thread, followUp, "Bob's answer in the thread");
        const threadBox = thread.getByRole('textbox', { name: 'Message' });
        if ((await threadBox.isVisible()) && (await threadBox.isEditable())) {
          await seen.note(visitor, `the thread offers a visitor its composer: "${await seenText(thread)}"`);
        }
        if (/\bunread\b/iu.test(await seenText(thread))) {
          await seen.note(visitor, `the thread counts replies "unread" for a visitor who never read it: "${await seenText(thread)}"`);
        }
        const signIn = thread.getByRole('button', { name: 'Sign in' });
        const offered = await seen.expect(
          visitor,
          () => signIn.isVisible(),
          async () => `the thread offers the visitor no way to sign in to answer: "${await seenText(thread)}"`,
          5_000,
        );
        if (INTERNALS.test(await seenText(chat))) await seen.note(visitor, `the post shows internals: "${await seenText(chat)}"`);
        await assertFitsAt(seen, visitor, 'a thread open for a visitor', WIDTHS);
        if (offered) {
          // Signing in to answer: the thread gives way to the discussion's sign-in form.
          await signIn.click();
          await seen.expect(
            visitor,
            () => chat.getByRole('textbox', { name: 'Username' }).isVisible(),
            async () => `pressing "Sign in" in the thread showed no sign-in form: "${await seenText(chat)}"`,
            10_000,
          );
        }
        await close(visitor);
      }),
  );
});

describe('error states', () => {
  const expectNamedError = async (seen: Findings, person: Person, element: Locator, what: string, retry: boolean): Promise<void> => {
    const heading = element.getByRole('heading').first();
    await seen.expect(
      person,
      () => heading.isVisible(),
      async () => `${what}: no heading names what happened; saw: "${await seenText(element)}"`,
    );
    const text = await seenText(element);
    const title = (await heading.isVisible()) ? await seenText(heading) : '';
    if (INTERNALS.test(text)) await seen.note(person, `${what}: shows internals (${String(INTERNALS.exec(text)?.[0])}): "${text}"`);
    if (text.replace(title, '').trim().length < 20) await seen.note(person, `${what}: says nothing about what to do: "${text}"`);
    if (
      retry &&
      !(await element
        .getByRole('button', { name: /retry|try again/iu })
        .first()
        .isVisible())
    ) {
      await seen.note(person, `${what}: offers no Retry: "${text}"`);
    }
  };

  test('an unknown room and a homeserver that is down each say what happened and what to do', JOURNEY, () =>
    journey(async (seen) => {
      const member = await openPerson(world, 'Alice on a 390 px phone', PHONE);
      await visit(world, member, { elements: [roomElement(world, `#no-such-room-${world.tag}:${world.hs.serverName}`)] });
      await signInThroughSite(world, member, world.alice);
      await expectNamedError(seen, member, member.page.locator('omni-room'), 'a room that does not exist', false);
      await assertFitsAt(seen, member, 'an unknown room', WIDTHS);
      await visit(world, member, { elements: [roomElement(world, `!no-such-room-${world.tag}:${world.hs.serverName}`)] });
      await expectNamedError(seen, member, member.page.locator('omni-room'), 'a room id that does not exist', false);
      await close(member);

      const visitor = await openPerson(world, 'a visitor on a desktop', DESKTOP);
      await visit(world, visitor, { elements: [roomElement(world, world.lobby.alias, { homeserver: world.deadHomeserver })] });
      await expectNamedError(seen, visitor, visitor.page.locator('omni-room'), 'the homeserver is down', true);
      await assertFitsAt(seen, visitor, 'the homeserver is down', WIDTHS);
      await close(visitor);
    }),
  );
});

describe('signing out', () => {
  test('an open post falls back to the visitor view within a few seconds', JOURNEY, () =>
    journey(async (seen) => {
      const member = await openPerson(world, 'Bob on a desktop', DESKTOP);
      await visit(world, member, { elements: [openPostElement(world, world.post)] });
      await signInThroughSite(world, member, world.bob);
      const chat = member.page.locator('omni-chat');
      await composer(member, chat);
      await waitForMessage(member, chat, world.post.discussion[0] ?? '', 'the discussion as a member');
      await member.page.getByRole('button', { name: 'Sign out' }).click();
      await seen.expect(
        member,
        async () => {
          const text = await seenText(chat);
          return (
            !/loading the discussion/iu.test(text) &&
            (await messages(chat, world.post.discussion[0] ?? '')
              .last()
              .isVisible()) &&
            (await chat
              .getByRole('button', { name: /sign in/iu })
              .first()
              .isVisible())
          );
        },
        async () => `five seconds after signing out the post still showed: "${await seenText(chat)}"`,
        5_000,
      );
      await close(member);
    }),
  );
});

describe('the launcher', () => {
  test('an icon button named by the room, an unread badge after three messages, a close button in the panel', JOURNEY, () =>
    journey(async (seen) => {
      const room = await createMembersRoom(world, 'Garden club', [world.alice, world.bob]);
      const welcome = `Welcome to the garden club ${world.tag}`;
      await world.bob.peer.sendMessage(room.roomId, welcome);
      const member = await openPerson(world, 'Alice on a 390 px phone', PHONE);
      await visit(world, member, { elements: [roomElement(world, room.alias, { presentation: 'launcher' })] });
      await signInThroughSite(world, member, world.alice);
      const named = member.page.locator('omni-room').getByRole('button', { name: /Garden club/u });
      const isNamed = await seen.expect(
        member,
        () => named.isVisible(),
        async () => `the launcher is not named after the room "Garden club": "${await seenText(member.page.locator('omni-room'))}"`,
      );
      const launcher = isNamed ? named : member.page.locator('omni-room').getByRole('button').first();
      const name = await launcher.evaluate((button) => button.getAttribute('aria-label') ?? button.textContent);
      if (/#garden-club/u.test(await seenText(launcher)) || /#garden-club/u.test(name)) {
        await seen.note(member, `the launcher shows the raw alias: "${await seenText(launcher)}"`);
      }
      const icon = await launcher.evaluate((button) => {
        const within = (root: ParentNode): Element[] => [
          ...root.querySelectorAll('svg, img'),
          ...[...root.querySelectorAll('*')].flatMap((e) => (e.shadowRoot ? within(e.shadowRoot) : [])),
        ];
        return within(button).some((e) => e.getBoundingClientRect().width >= 8);
      });
      if (!icon) await seen.note(member, 'the launcher is plain text: no chat icon');
      await assertFitsAt(seen, member, 'the launcher closed', WIDTHS);

      await launcher.click();
      const panel = member.page.getByRole('dialog');
      await until(
        member,
        () => panel.isVisible(),
        () => 'pressing the launcher opened no panel',
      );
      await waitForMessage(member, panel, welcome, "Bob's welcome in the open panel");
      await assertFits(seen, member, 'the launcher open');
      const closeButton = panel.getByRole('button', { name: /close/iu });
      if (await closeButton.first().isVisible()) {
        await closeButton.first().click();
      } else {
        await seen.note(member, 'the open panel has no close button (a touch screen has no Esc)');
        await member.page.keyboard.press('Escape');
      }
      await until(
        member,
        async () => !(await panel.isVisible()),
        () => 'pressing the close button left the panel open',
        5_000,
      );

      for (const n of [1, 2, 3]) await world.bob.peer.sendMessage(room.roomId, `News from the garden, part ${n}`);
      await seen.expect(
        member,
        async () => /\b3\b/u.test(await seenText(launcher)),
        async () => `after three new messages from Bob the launcher reads: "${await seenText(launcher)}"`,
      );
      await close(member);
    }),
  );
});
