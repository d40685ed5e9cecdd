/**
 * Languages, as a member sees them against a real Synapse: `lang="ar"` shows the room in Arabic, right to left;
 * `lang="de"` in German with German dates and times; the page's `lang` applies when the element has none; an
 * unknown `lang` falls back to English without an error (docs/languages.md).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { shadow } from './dom.ts';

let baseUrl: string;
let alice: TestUser;
let bob: TestUser;

function button(el: Element, name: string): HTMLButtonElement | undefined {
  return [...shadow(el).querySelectorAll('button')].find((b) => b.textContent.trim() === name);
}

async function lobbyWithMessage(text: string): Promise<string> {
  const { alias, roomId } = await peer(bob).createRoom({
    alias: `lang-${crypto.randomUUID().slice(0, 8)}`,
    name: 'Lobby',
    preset: 'public_chat',
    visibility: 'public',
  });
  if (!alias) throw new Error('room has no alias');
  await peer(bob).sendMessage(roomId, text);
  return alias;
}

async function waitForText(el: Element, text: string): Promise<void> {
  await waitUntil(() => shadow(el).textContent.includes(text), `"${text}" never showed`, { timeout: 20_000 });
}

describe('languages', () => {
  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    bob = await registerUser({ displayName: 'Bob' });
  });

  afterEach(async () => {
    await signOut();
  });

  it('lang="ar": the room in Arabic, right to left; then lang="de": German, with German dates and times', async () => {
    const alias = await lobbyWithMessage('مرحبا from bob');
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await fixture<OmniRoom>(html`<omni-room lang="ar" loading="eager" homeserver=${baseUrl} room=${alias}></omni-room>`);
    await waitForText(el, 'مرحبا from bob');

    await waitUntil(() => button(el, 'إرسال') !== undefined, 'no Arabic Send button', { timeout: 10_000 });
    expect(shadow(el).querySelector('textarea')?.getAttribute('aria-label')).to.equal('الرسالة');
    expect(shadow(el).querySelector('textarea')?.getAttribute('placeholder')).to.equal('اكتب رسالة…');
    expect(el.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle(shadow(el).querySelector('[role="log"]') ?? el).direction).to.equal('rtl');
    // Logical layout: the composer's Send button sits at the inline end, which is the left in Arabic.
    const textbox = shadow(el).querySelector('textarea')?.getBoundingClientRect();
    const send = button(el, 'إرسال')?.getBoundingClientRect();
    expect(send && textbox && send.right <= textbox.left + 1, 'Send is left of the textbox').to.equal(true);
    await expect(el).to.be.accessible();

    el.setAttribute('lang', 'de');
    await waitUntil(() => button(el, 'Senden') !== undefined, 'no German Send button', { timeout: 10_000 });
    expect(el.getAttribute('dir')).to.equal('ltr');
    const time = shadow(el).querySelector<HTMLTimeElement>('[role="log"] article time');
    const when = new Date(time?.dateTime ?? '');
    expect(time?.title).to.equal(new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeStyle: 'short' }).format(when));
    expect(time?.textContent.trim()).to.equal(new Intl.DateTimeFormat('de', { hour: 'numeric', minute: '2-digit' }).format(when));
    const day = shadow(el).querySelector('[part="day-separator"]')?.textContent.trim();
    expect(day).to.equal(new Intl.DateTimeFormat('de', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(when));
    // Back to English for the tests after this one: the page has one active language.
    el.setAttribute('lang', 'en');
    await waitUntil(() => button(el, 'Send') !== undefined, 'no English Send button', { timeout: 10_000 });
  });

  it('without its own lang the element speaks the page’s: the facade in French', async () => {
    const container = await fixture<HTMLElement>(
      html`<div lang="fr-CA">
        <div style="block-size: 400vh"></div>
        <omni-dm user="@someone:example.org" homeserver=${baseUrl}></omni-dm>
      </div>`,
    );
    const dm = container.querySelector('omni-dm');
    if (!dm) throw new Error('no omni-dm');
    await waitUntil(
      () => shadow(dm).querySelector('[part="facade-button"]')?.textContent === 'Ouvrir la conversation',
      'no French facade',
      {
        timeout: 10_000,
      },
    );
    expect(shadow(dm).querySelector('.meta')?.textContent).to.equal('Chiffré de bout en bout');
    expect(dm.getAttribute('dir')).to.equal('ltr');
    dm.setAttribute('lang', 'en');
    await waitUntil(() => shadow(dm).querySelector('[part="facade-button"]')?.textContent === 'Open the conversation', 'no English facade');
  });

  it('an unknown lang falls back to English, without an error', async () => {
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent | PromiseRejectionEvent): void => {
      errors.push('reason' in event ? event.reason : event.error);
    };
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onError);
    try {
      const container = await fixture<HTMLElement>(
        html`<div>
          <div style="block-size: 400vh"></div>
          <omni-chat lang="xx-Nonsense" post="p1" post-title="A post" message-count="3"></omni-chat>
        </div>`,
      );
      const chat = container.querySelector('omni-chat');
      if (!chat) throw new Error('no omni-chat');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(shadow(chat).querySelector('[part="facade-button"]')?.textContent).to.equal('Join the discussion');
      expect(shadow(chat).querySelector('.meta')?.textContent).to.equal('3 messages');
      expect(errors).to.deep.equal([]);
    } finally {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onError);
    }
  });
});
