/**
 * What a member sees of the elements' boxes, on a phone and on a desktop, against a real Synapse: no
 * element scrolls the page sideways or overflows inside (at 320, 390 and 1280 px, in every state
 * reached here), a truncated header names its full text, and the element keeps its layout whatever
 * `display` the host page gives it.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { setViewport } from '@web/test-runner-commands';
import { type OmniChat, type OmniDm, type OmniRoom, signIn, signOut } from '@omnisocial/chat';
import { log, shadow, textbox, waitForText } from './dom.ts';

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;
let alias: string;

const LONG_NAME = 'The neighbourhood association’s very long room name about the weekly market';
const LONG_URL = `https://news.example.org/2026/12/05/${'a-very-long-article-slug-'.repeat(6)}end`;

/** Every element under `root`, through open shadow roots. */
function deepElements(root: ParentNode): Element[] {
  const found: Element[] = [];
  for (const element of root.querySelectorAll('*')) {
    found.push(element);
    if (element.shadowRoot) found.push(...deepElements(element.shadowRoot));
  }
  return found;
}

function describeElement(element: Element): string {
  const part = element.getAttribute('part');
  return `<${element.localName}${element.className ? ` class="${element.className}"` : ''}${part ? ` part="${part}"` : ''}>`;
}

/**
 * What a member on this viewport would have to scroll sideways to see: the page wider than the window,
 * or an element whose content is wider than its box. Text cut on purpose with an ellipsis is no
 * overflow, but it must carry its full text in a title.
 */
function sidewaysOverflow(hosts: readonly Element[]): string[] {
  const problems: string[] = [];
  const page = document.documentElement;
  if (page.scrollWidth > innerWidth) problems.push(`the page is ${page.scrollWidth} px wide in a ${innerWidth} px window`);
  for (const host of hosts) {
    const box = host.getBoundingClientRect();
    if (box.right > innerWidth + 0.5) problems.push(`${host.localName} ends at ${box.right} px in a ${innerWidth} px window`);
    for (const element of [host, ...deepElements(shadow(host))]) {
      // Visually hidden text (a 1 px clipped box for screen readers) and sub-pixel rounding are not overflow.
      if (element.clientWidth <= 1 || element.scrollWidth <= element.clientWidth + 1) continue;
      const style = getComputedStyle(element);
      if (style.textOverflow === 'ellipsis') {
        if (!element.getAttribute('title')?.trim()) problems.push(`${describeElement(element)} is cut without a title`);
        continue;
      }
      problems.push(`${describeElement(element)} of ${host.localName}: content ${element.scrollWidth} px in ${element.clientWidth} px`);
    }
  }
  return problems;
}

const mounted = (el: Element): boolean => shadow(el).querySelector('.omni-view') !== null;

describe('the elements on a phone and on a desktop', function () {
  this.timeout(180_000);

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice Martin' });
    bob = await registerUser({ displayName: 'Bartholomew Okafor-Featherstonehaugh of the Market Committee' });
    const room = await peer(bob).createRoom({
      alias: `layout-${crypto.randomUUID().slice(0, 8)}`,
      name: LONG_NAME,
      topic: `Minutes and agenda: ${LONG_URL}`,
      preset: 'public_chat',
      visibility: 'public',
    });
    if (!room.alias) throw new Error('room has no alias');
    alias = room.alias;
    await peer(bob).sendMessage(room.roomId, `Agenda is up: ${LONG_URL}`);
    await peer(bob).sendMessage(room.roomId, 'Averyveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutanybreakopportunity');
  });

  afterEach(async () => {
    await signOut();
    await setViewport({ width: 800, height: 600 });
  });

  for (const width of [320, 390, 1280]) {
    it(`nothing scrolls sideways at ${width} px: facades, a signed-out visitor, a member's room, post chat and conversation`, async () => {
      await setViewport({ width, height: 800 });
      // A common page: a one-column grid (`1fr`, whose minimum is its content's) around a padded article.
      const page = await fixture<HTMLElement>(html`
        <div style="display: grid; grid-template-columns: 1fr; padding: 0 1rem">
          <article style="padding: 1rem; border: 1px solid">
            <omni-room homeserver=${baseUrl} room=${alias} loading="lazy" collapse="never"></omni-room>
            <omni-chat
              homeserver=${baseUrl}
              post=${`layout-post-${crypto.randomUUID().slice(0, 8)}`}
              post-title=${LONG_NAME}
              post-url=${LONG_URL}
              collapse="never"
            ></omni-chat>
            <omni-dm homeserver=${baseUrl} user=${bob.userId} collapse="never"></omni-dm>
            <omni-room homeserver=${baseUrl} room=${alias} presentation="launcher"></omni-room>
          </article>
        </div>
      `);
      const hosts = [...(page.firstElementChild?.children ?? [])];
      // Before anything loads: the facades and the launcher button.
      expect(sidewaysOverflow(hosts), 'facades').to.deep.equal([]);

      // A signed-out visitor: the sign-in form in a narrow box.
      const [room, chat, dm] = hosts as [OmniRoom, OmniChat, OmniDm];
      await Promise.all([room, chat, dm].map((el) => el.load()));
      await waitUntil(
        () => [room, dm].every((el) => shadow(el).querySelector('omni-sign-in')?.shadowRoot?.querySelector('input')),
        'no sign-in form for the visitor',
        { timeout: 30_000 },
      );
      expect(sidewaysOverflow(hosts), 'signed out').to.deep.equal([]);

      // A member: the room with its long name, topic and messages, the conversation, the post chat.
      await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
      await waitForText(room, 'Agenda is up');
      await waitUntil(() => textbox(chat) && textbox(dm), 'no composer in the post chat or the conversation', { timeout: 30_000 });
      expect([room, chat, dm].every(mounted)).to.equal(true);
      const send = [...shadow(room).querySelectorAll('button')].find((b) => b.textContent.trim() === 'Send');
      if (!send) throw new Error('no Send button');
      const [sendBox, roomBox] = [send.getBoundingClientRect(), room.getBoundingClientRect()];
      expect(sendBox.right, 'Send is inside the room').to.be.at.most(roomBox.right);
      expect(sendBox.width, 'Send is not squeezed').to.be.greaterThan(40);
      expect(sidewaysOverflow(hosts), 'signed in').to.deep.equal([]);
      const name = shadow(room).querySelector<HTMLElement>('[part~="header"] .name');
      expect(name?.getAttribute('title'), 'the header names the room in full').to.equal(LONG_NAME);
    });
  }

  for (const display of ['block', 'grid', 'inline-block', 'flex']) {
    it(`keeps its layout when the page sets omni-room { display: ${display} }: the log fills the box`, async () => {
      await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(`omni-room { inline-size: 30rem; --omni-room-height: 700px; } omni-room.habit { display: ${display}; }`);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      try {
        const habit = await fixture<OmniRoom>(
          html`<omni-room class="habit" homeserver=${baseUrl} room=${alias} loading="eager"></omni-room>`,
        );
        await waitForText(habit, 'Agenda is up');
        // The same element without the page's rule, as a measure of its own layout.
        habit.classList.remove('habit');
        const plainLog = log(habit)?.getBoundingClientRect();
        habit.classList.add('habit');
        const box = habit.getBoundingClientRect();
        const composer = shadow(habit).querySelector('[part~="composer"]')?.getBoundingClientRect();
        const logBox = log(habit)?.getBoundingClientRect();
        if (!composer || !logBox || !plainLog) throw new Error('no log or composer');
        expect(box.height).to.be.closeTo(700, 1);
        expect(logBox.height, 'the log is as tall as without the page rule').to.be.closeTo(plainLog.height, 1);
        expect(logBox.height, 'the log fills most of the box').to.be.greaterThan(450);
        expect(logBox.width, 'the log is as wide as the box').to.be.closeTo(box.width - 2, 2);
        expect(composer.bottom, 'the composer sits at the bottom of the box').to.be.closeTo(box.bottom - 1, 2);
      } finally {
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
      }
    });
  }
});
