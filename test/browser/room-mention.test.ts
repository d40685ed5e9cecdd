/**
 * `@room` from the composer (real Synapse, two members with their own sessions): a member whose power level reaches
 * the room's `notifications.room` is offered "@room" among the members for "@ro", picks it with the keyboard or the
 * mouse, and the message goes out with `m.mentions.room`; the other member sees it highlighted as a mention and
 * counted by their push rules. A member below the level is offered the members only.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, type MatrixEvent, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { articles, articleWith, shadow, textbox } from './dom.ts';

const options = (el: Element): HTMLElement[] => [...shadow(el).querySelectorAll<HTMLElement>('[role="listbox"] [role="option"]')];
const optionNamed = (el: Element, text: string): HTMLElement | undefined => options(el).find((o) => o.textContent.includes(text));

describe('@room in the composer', function () {
  this.timeout(120_000);
  let baseUrl: string;
  let alice: TestUser;
  let bob: TestUser;
  let rosa: TestUser;
  let roomId: string;

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice Adams' });
    bob = await registerUser({ displayName: 'Bob Okafor' });
    rosa = await registerUser({ displayName: 'Rosa Romero' });
    // Alice creates the room (level 100); Bob and Rosa join at the default 0, below notifications.room (50).
    ({ roomId } = await peer(alice).createRoom({ name: 'Standup', preset: 'public_chat' }));
    await peer(bob).joinRoom(roomId);
    await peer(rosa).joinRoom(roomId);
    await peer(bob).sendMessage(roomId, 'Morning!');
  });

  afterEach(async () => {
    await signOut();
  });

  async function mount(user: TestUser, presentation?: string): Promise<OmniRoom> {
    await signIn({ homeserver: baseUrl, username: user.username, password: user.password });
    return fixture<OmniRoom>(
      presentation
        ? html`<omni-room homeserver=${baseUrl} room=${roomId} presentation=${presentation}></omni-room>`
        : html`<omni-room homeserver=${baseUrl} room=${roomId} loading="eager"></omni-room>`,
    );
  }

  async function typeInComposer(el: OmniRoom, text: string): Promise<HTMLTextAreaElement> {
    await waitUntil(() => articles(el).length > 0 && textbox(el)?.disabled === false, 'the room never opened', { timeout: 30_000 });
    const box = textbox(el) as HTMLTextAreaElement;
    box.focus();
    await sendKeys({ type: text });
    return box;
  }

  /** The event as the homeserver has it, read by another member's client. */
  async function sentBy(user: TestUser, body: string): Promise<MatrixEvent> {
    let found: MatrixEvent | undefined;
    await waitUntil(
      async () => {
        found = (await peer(bob).roomMessages(roomId, { limit: 20 })).find(
          (e) => e.sender === user.userId && String(e.content['body']).includes(body),
        );
        return found !== undefined;
      },
      `"${body}" never reached the homeserver`,
      { timeout: 20_000, interval: 250 },
    );
    return found as MatrixEvent;
  }

  it('a member allowed to notify the room picks @room with the keyboard or the mouse; it is sent with m.mentions.room', async () => {
    const el = await mount(alice);
    const box = await typeInComposer(el, 'Hi @ro');
    await waitUntil(
      () => optionNamed(el, '@room') && optionNamed(el, 'Rosa Romero'),
      `options: ${options(el)
        .map((o) => o.textContent)
        .join(' | ')}`,
      {
        timeout: 10_000,
      },
    );
    // The members first, then the whole room, described for what it does.
    expect(options(el).map((o) => o.textContent.replace(/\s+/gu, ' ').trim())).to.deep.equal([
      `Rosa Romero ${rosa.userId}`,
      '@room Notify everyone in this room',
    ]);
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'ArrowDown' });
    expect(optionNamed(el, '@room')?.getAttribute('aria-selected')).to.equal('true');
    expect(box.getAttribute('aria-activedescendant')).to.equal(optionNamed(el, '@room')?.id);
    await sendKeys({ press: 'Enter' });
    expect(box.value).to.equal('Hi @room ');
    expect(options(el)).to.have.length(0);
    await sendKeys({ type: 'standup in five' });
    await sendKeys({ press: 'Enter' });
    const first = await sentBy(alice, 'standup in five');
    expect(first.content['body']).to.equal('Hi @room standup in five');
    expect(first.content['m.mentions']).to.deep.equal({ room: true });

    // With the pointer: a click on the option.
    await sendKeys({ type: '@roo' });
    await waitUntil(() => optionNamed(el, '@room'), 'no @room for "@roo"', { timeout: 10_000 });
    const box2 = (optionNamed(el, '@room') as HTMLElement).getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(box2.left + box2.width / 2), Math.round(box2.top + box2.height / 2)] });
    expect(box.value).to.equal('@room ');
    await sendKeys({ type: 'notes are in the doc' });
    await sendKeys({ press: 'Enter' });
    const second = await sentBy(alice, 'notes are in the doc');
    expect(second.content['m.mentions']).to.deep.equal({ room: true });
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('the other member sees the @room highlighted as a mention of them and counted', async () => {
    await peer(alice).sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: '@room retro at three',
      'm.mentions': { room: true },
    });
    const el = await mount(bob, 'launcher');
    const launcher = (): HTMLButtonElement | null => shadow(el).querySelector<HTMLButtonElement>('[part="launcher"]');
    await waitUntil(
      () => /, 3 mentions$/u.test(launcher()?.getAttribute('aria-label') ?? ''),
      `launcher: ${String(launcher()?.getAttribute('aria-label'))}`,
      { timeout: 30_000 },
    );
    expect(shadow(el).querySelector('[part="launcher-mentions"]')?.textContent).to.equal('@');
    launcher()?.click();
    await waitUntil(() => articleWith(el, 'retro at three') && articleWith(el, 'notes are in the doc'), 'messages not shown', {
      timeout: 20_000,
    });
    for (const text of ['standup in five', 'notes are in the doc', 'retro at three']) {
      expect(articleWith(el, text)?.textContent, text).to.include('Mentions you');
    }
    expect(articleWith(el, 'Morning!')?.textContent).to.not.include('Mentions you');
  });

  it('a member below the level is offered the members only, and their @room text notifies nobody', async () => {
    const el = await mount(rosa);
    await typeInComposer(el, '@');
    await waitUntil(
      () => optionNamed(el, 'Alice Adams'),
      `options: ${options(el)
        .map((o) => o.textContent)
        .join(' | ')}`,
      { timeout: 10_000 },
    );
    expect(optionNamed(el, '@room')).to.equal(undefined);
    await sendKeys({ type: 'ro' });
    await waitUntil(
      () => options(el).length === 0,
      `options for "@ro": ${options(el)
        .map((o) => o.textContent)
        .join(' | ')}`,
      { timeout: 10_000 },
    );
    await sendKeys({ type: 'om can someone help?' });
    await sendKeys({ press: 'Enter' });
    const event = await sentBy(rosa, 'can someone help?');
    expect(event.content['body']).to.equal('@room can someone help?');
    expect(event.content['m.mentions']).to.deep.equal({});
  });
});
