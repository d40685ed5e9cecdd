/**
 * Moderation as the members of a room live it, against the real Synapse, in a plain and an encrypted
 * room: the room's owner (an admin), a moderator (level 50, allowed to change levels, so to mute), a
 * member, and a guest. The moderator deletes a member's message with a reason, reports one, mutes and
 * unmutes (with Undo), removes a member's recent messages, bans (with Undo) and removes them, each
 * through the element's menus and dialogs, checked on the server; a refused action says why in the
 * dialog. The member sees "Message deleted by a moderator (reason)", "You are muted…" in place of the
 * composer, "You were removed…", "You are banned…", and no moderator action; a guest sees neither
 * moderator actions nor Report (Synapse refuses guests' reports). The dialogs are axe clean.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, type MatrixEvent, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniReportEvent, type OmniRoom } from '@omnisocial/chat';
import { articleWith, button, shadow, textbox, waitForText } from './dom.ts';

const TIMEOUT = 60_000;

/**
 * An element as its markup, or null when there is none, for assertions: a failed assertion whose value is a DOM
 * node cannot be sent back to the test runner (it clones results), so the run would end in a timeout with no report.
 */
const markup = (node: Element | null | undefined): string | null => node?.outerHTML ?? null;

const dialog = (el: Element, which = 'confirm-dialog'): HTMLDialogElement | null => shadow(el).querySelector(`dialog.${which}`);

async function openDialog(el: Element, which = 'confirm-dialog'): Promise<HTMLDialogElement> {
  await waitUntil(() => dialog(el, which)?.open, `the ${which} never opened`, { timeout: 5000 });
  return dialog(el, which) as HTMLDialogElement;
}

/** Focuses the message (its toolbar shows) and returns the toolbar's button named `name`, if offered. */
async function tool(el: OmniRoom, text: string, name: string): Promise<HTMLButtonElement | undefined> {
  const article = await waitForText(el, text, TIMEOUT);
  article.focus();
  await el.updateComplete;
  // A light read shows the messages before the engine has the room; its tiles offer actions once the engine has it.
  await waitUntil(
    () => {
      article.focus();
      return article.querySelector('.actions');
    },
    'the toolbar never showed',
    { timeout: TIMEOUT },
  );
  return button(article, name);
}

async function chooseMore(el: OmniRoom, text: string, entry: string): Promise<void> {
  const more = await tool(el, text, 'More actions');
  if (!more) throw new Error('no More actions');
  more.click();
  const article = articleWith(el, text) as HTMLElement;
  await waitUntil(() => button(article, entry), `no "${entry}" in the More menu`, { timeout: 5000 });
  (button(article, entry) as HTMLButtonElement).click();
}

/** Types a reason into the open dialog and confirms it with its button `confirm`. */
async function confirmWith(el: Element, confirm: string, reason?: string): Promise<void> {
  const open = await openDialog(el);
  if (reason !== undefined) {
    const field = open.querySelector('textarea') as HTMLTextAreaElement;
    // The reason field has focus as the dialog opens.
    expect(shadow(el).activeElement === field, 'the reason field has focus').to.equal(true);
    field.value = reason;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }
  (button(open, confirm) as HTMLButtonElement).click();
}

const notice = (el: Element): string => shadow(el).querySelector('.moderation-notice')?.textContent.replace(/\s+/gu, ' ').trim() ?? '';
const standing = (el: Element): string => shadow(el).querySelector('[part="standing"]')?.textContent.replace(/\s+/gu, ' ').trim() ?? '';

async function powerLevels(user: TestUser, roomId: string): Promise<Record<string, unknown>> {
  return (await peer(user).request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`)) as Record<
    string,
    unknown
  >;
}

async function memberState(user: TestUser, roomId: string, of: string): Promise<Record<string, unknown>> {
  return (await peer(user).request(
    'GET',
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(of)}`,
  )) as Record<string, unknown>;
}

async function setLevel(owner: TestUser, roomId: string, userId: string, level: number): Promise<void> {
  const content = await powerLevels(owner, roomId);
  const users = { ...(content['users'] as Record<string, number>), [userId]: level };
  await peer(owner).sendState(roomId, 'm.room.power_levels', '', { ...content, users });
}

function runModerationTests(encrypted: boolean): void {
  describe(`moderation in ${encrypted ? 'an encrypted' : 'a plain'} room`, function () {
    this.timeout(240_000);
    const tag = crypto.randomUUID().slice(0, 6);
    let baseUrl: string;
    let owner: TestUser;
    let mod: TestUser;
    let member: TestUser;
    let roomId: string;
    const messageIds: Record<string, string> = {};

    async function as(user: TestUser): Promise<OmniRoom> {
      await signOut();
      await signIn({ homeserver: baseUrl, username: user.username, password: user.password });
      const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${roomId}></omni-room>`);
      await waitUntil(() => shadow(el).querySelector('[role="log"] article'), 'the room never showed its messages', { timeout: TIMEOUT });
      return el;
    }

    before(async () => {
      ({ baseUrl } = await homeserver());
      owner = await registerUser({ displayName: `Owner ${tag}` });
      mod = await registerUser({ displayName: `Mod ${tag}` });
      member = await registerUser({ displayName: `Mel ${tag}` });
      ({ roomId } = await peer(owner).createRoom({
        name: `Moderated ${tag}`,
        preset: 'public_chat',
        encrypted,
        guestAccess: true,
        worldReadable: true,
      }));
      await peer(mod).joinRoom(roomId);
      await peer(member).joinRoom(roomId);
      // The site's moderators may change levels (mute), as a post room's are.
      const content = await powerLevels(owner, roomId);
      await peer(owner).sendState(roomId, 'm.room.power_levels', '', {
        ...content,
        users: { ...(content['users'] as Record<string, number>), [mod.userId]: 50 },
        events: { ...(content['events'] as Record<string, number>), 'm.room.power_levels': 50 },
      });
      for (const body of ['off-topic rant', 'spammy link', 'third one', 'fourth one']) {
        messageIds[body] = await peer(member).sendMessage(roomId, `${body} ${tag}`);
      }
      await peer(owner).sendMessage(roomId, `welcome from the owner ${tag}`);
    });

    after(async () => {
      await signOut();
    });

    it('a moderator deletes a member’s message with a reason, in a dialog that traps focus and is axe clean', async () => {
      const el = await as(mod);
      const remove = await tool(el, `off-topic rant ${tag}`, 'Delete');
      expect(markup(remove), 'Delete on a member’s message').to.not.equal(null);
      // An admin's message: nothing a moderator may do to its sender, only Delete and Report.
      await tool(el, `welcome from the owner ${tag}`, 'More actions');
      (remove as HTMLButtonElement).click();
      const open = await openDialog(el);
      expect(open.textContent).to.include(`Delete Mel ${tag}'s message?`);
      await expect(open).to.be.accessible();
      // Escape cancels and focus returns to the message.
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !dialog(el), 'Escape did not close the dialog', { timeout: 5000 });
      await waitUntil(
        () => shadow(el).activeElement?.closest('article')?.textContent.includes('off-topic rant'),
        'focus did not return to the message',
        {
          timeout: 5000,
        },
      );
      (await tool(el, `off-topic rant ${tag}`, 'Delete'))?.click();
      await confirmWith(el, 'Delete message', 'off topic');
      await waitUntil(() => articleWith(el, 'Message deleted by a moderator (off topic)'), 'the moderator never saw the deletion', {
        timeout: TIMEOUT,
      });
      let redaction: MatrixEvent | undefined;
      await waitUntil(
        async () => {
          const events = await peer(owner).roomMessages(roomId, { limit: 50 });
          redaction = events.find((e: MatrixEvent) => e.type === 'm.room.redaction' && e.sender === mod.userId);
          return redaction !== undefined;
        },
        'the server never held the redaction',
        { timeout: TIMEOUT, interval: 500 },
      );
      expect(redaction?.content['reason'] ?? redaction?.['redacts' as keyof MatrixEvent]).to.equal('off topic');
    });

    it('report fires omni-report with the room, the event and the reason once the server accepts it', async () => {
      const el = await as(mod);
      let reported: OmniReportEvent | undefined;
      el.addEventListener('omni-report', (e) => (reported = e), { once: true });
      await chooseMore(el, `spammy link ${tag}`, 'Report…');
      await confirmWith(el, 'Report', 'spam');
      await waitUntil(() => reported, 'omni-report never fired', { timeout: TIMEOUT });
      const event = reported as OmniReportEvent;
      expect(event.roomId).to.equal(roomId);
      expect(event.eventId).to.equal(messageIds['spammy link']);
      expect(event.reason).to.equal('spam');
      await waitUntil(() => notice(el).includes('Message reported'), 'no notice after the report');
    });

    it('a moderator mutes a member (Undo unmutes), and the member reads "You are muted" instead of the composer', async () => {
      const el = await as(mod);
      await chooseMore(el, `third one ${tag}`, 'Mute…');
      await confirmWith(el, 'Mute');
      await waitUntil(() => notice(el).includes(`Mel ${tag} is muted.`), 'no notice after muting', { timeout: TIMEOUT });
      expect(((await powerLevels(owner, roomId))['users'] as Record<string, number>)[member.userId]).to.equal(-1);
      (button(shadow(el), 'Undo') as HTMLButtonElement).click();
      await waitUntil(() => notice(el).includes('can write again'), 'Undo did not unmute', { timeout: TIMEOUT });
      expect(((await powerLevels(owner, roomId))['users'] as Record<string, number>)[member.userId]).to.equal(undefined);
      await chooseMore(el, `third one ${tag}`, 'Mute…');
      await confirmWith(el, 'Mute');
      await waitUntil(() => notice(el).includes('is muted'), 'no notice after muting again', { timeout: TIMEOUT });

      const seen = await as(member);
      await waitUntil(() => standing(seen).includes('You are muted'), 'the member never read that they are muted', { timeout: TIMEOUT });
      expect(markup(textbox(seen))).to.equal(null);
      expect(markup(shadow(seen).querySelector('[part~="error"]'))).to.equal(null);
      expect(markup(articleWith(seen, 'Message deleted by a moderator (off topic)'))).to.not.equal(null);
      // A member sees no moderator action: no Delete on others' messages, no member actions, no member list.
      expect(markup(await tool(seen, `welcome from the owner ${tag}`, 'Delete'))).to.equal(null);
      (await tool(seen, `welcome from the owner ${tag}`, 'More actions'))?.click();
      const article = articleWith(seen, `welcome from the owner ${tag}`) as HTMLElement;
      await waitUntil(() => button(article, 'Report…'), 'a member cannot report');
      expect(markup(button(article, 'Ban…'))).to.equal(null);
      expect(markup(button(article, 'Mute…'))).to.equal(null);
      expect(markup(button(shadow(seen), 'Members'))).to.equal(null);
    });

    it('the moderator’s member list shows roles, unmutes, and bans with Undo; a refused action says why', async () => {
      const el = await as(mod);
      // The member list loads with its own chunk the first time the member may moderate.
      await waitUntil(() => button(shadow(el), 'Members'), 'the moderator has no member list', { timeout: TIMEOUT });
      (button(shadow(el), 'Members') as HTMLButtonElement).click();
      const list = await openDialog(el, 'members-dialog');
      const row = (userId: string): HTMLElement => list.querySelector(`[data-user-id="${userId}"]`) as HTMLElement;
      expect(row(owner.userId).textContent).to.include('Admin');
      expect(row(mod.userId).textContent).to.include('Moderator');
      expect(row(member.userId).textContent).to.include('Muted');
      // Nothing a moderator may do to an admin.
      expect(markup(row(owner.userId).querySelector('button'))).to.equal(null);
      await expect(list).to.be.accessible();
      (button(row(member.userId), `Unmute Mel ${tag}`) as HTMLButtonElement).click();
      await waitUntil(() => notice(el).includes('can write again'), 'no notice after unmuting', { timeout: TIMEOUT });
      await waitUntil(
        () => !dialog(el, 'members-dialog')?.querySelector(`[data-user-id="${member.userId}"]`)?.textContent.includes('Muted'),
        'still Muted',
        {
          timeout: TIMEOUT,
        },
      );

      (button(row(member.userId), `Ban Mel ${tag}`) as HTMLButtonElement).click();
      await confirmWith(el, 'Ban', 'trolling');
      await waitUntil(() => notice(el).includes('is banned'), 'no notice after the ban', { timeout: TIMEOUT });
      expect((await memberState(owner, roomId, member.userId))['membership']).to.equal('ban');
      (button(shadow(el), 'Undo') as HTMLButtonElement).click();
      await waitUntil(() => notice(el).includes('no longer banned'), 'Undo did not lift the ban', { timeout: TIMEOUT });
      expect((await memberState(owner, roomId, member.userId))['membership']).to.equal('leave');
      await peer(member).joinRoom(roomId);

      // The owner takes the moderator's power away while the dialog is open: the server refuses, the dialog says so.
      await waitUntil(() => dialog(el, 'members-dialog')?.open, 'the member list did not come back', { timeout: TIMEOUT });
      await waitUntil(
        () => dialog(el, 'members-dialog')?.querySelector(`[data-user-id="${member.userId}"] button`),
        'no actions on the member',
        {
          timeout: TIMEOUT,
        },
      );
      (button(dialog(el, 'members-dialog') as HTMLElement, `Remove Mel ${tag} from the room`) as HTMLButtonElement).click();
      await openDialog(el);
      await setLevel(owner, roomId, mod.userId, 0);
      await confirmWith(el, 'Remove', 'cool down');
      await waitUntil(() => dialog(el)?.querySelector('[role="alert"]'), 'the refusal was not shown', { timeout: TIMEOUT });
      expect(dialog(el)?.querySelector('[role="alert"]')?.textContent).to.include('not allowed to remove this member');
      await sendKeys({ press: 'Escape' });
      await setLevel(owner, roomId, mod.userId, 50);
    });

    it('a moderator removes a member’s recent messages in one action, then removes the member', async () => {
      const el = await as(mod);
      await waitForText(el, `fourth one ${tag}`, TIMEOUT);
      await waitUntil(() => shadow(el).querySelector('[part="members-button"]'), 'the moderator lost the member list', {
        timeout: TIMEOUT,
      });
      await chooseMore(el, `fourth one ${tag}`, 'Remove recent messages…');
      const open = await openDialog(el);
      expect(open.textContent).to.include('Deletes their 3 latest messages');
      await confirmWith(el, 'Remove messages', 'flood');
      await waitUntil(() => notice(el).includes(`Removed 3 messages of Mel ${tag}`), 'no notice after removing messages', {
        timeout: TIMEOUT,
      });
      const events = await peer(owner).roomMessages(roomId, { limit: 50 });
      const left = events.filter(
        (e) =>
          e.sender === member.userId && (e.type === 'm.room.message' || e.type === 'm.room.encrypted') && Object.keys(e.content).length > 0,
      );
      expect(left.map((e) => e.event_id)).to.deep.equal([]);

      (button(shadow(el), 'Members') as HTMLButtonElement).click();
      const list = await openDialog(el, 'members-dialog');
      (button(list, `Remove Mel ${tag} from the room`) as HTMLButtonElement).click();
      await confirmWith(el, 'Remove', 'cool down');
      await waitUntil(() => notice(el).includes('was removed'), 'no notice after removing', { timeout: TIMEOUT });
      const state = await memberState(owner, roomId, member.userId);
      expect(state['membership']).to.equal('leave');
      expect(state['reason']).to.equal('cool down');
    });

    it('the member reads that they were removed, then banned, with the reasons, never an error box', async () => {
      await peer(member).joinRoom(roomId);
      const seen = await as(member);
      // In the room with the engine (a light read may show the messages before it): then removed while reading.
      await waitUntil(() => textbox(seen) && !textbox(seen)?.disabled, 'the composer never opened', { timeout: TIMEOUT });
      await peer(mod).request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/kick`, {
        user_id: member.userId,
        reason: 'second warning',
      });
      await waitUntil(() => standing(seen) === 'You were removed from this room (second warning).', `removed: "${standing(seen)}"`, {
        timeout: TIMEOUT,
      });
      await peer(mod).request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/ban`, {
        user_id: member.userId,
        reason: 'spam',
      });
      await waitUntil(() => standing(seen) === 'You are banned from this room (spam).', `banned: "${standing(seen)}"`, {
        timeout: TIMEOUT,
      });
      expect(markup(shadow(seen).querySelector('[part~="error"]'))).to.equal(null);
      expect(markup(textbox(seen))).to.equal(null);
      await peer(mod).request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/unban`, { user_id: member.userId });
    });

    if (!encrypted) {
      it('a guest sees neither moderator actions nor Report', async () => {
        await signOut();
        await signIn({ homeserver: baseUrl, guest: true });
        const el = await fixture<OmniRoom>(html`<omni-room homeserver=${baseUrl} room=${roomId}></omni-room>`);
        await waitForText(el, `welcome from the owner ${tag}`, TIMEOUT);
        expect(markup(await tool(el, `welcome from the owner ${tag}`, 'Delete'))).to.equal(null);
        expect(markup(await tool(el, `welcome from the owner ${tag}`, 'More actions'))).to.equal(null);
        expect(markup(button(shadow(el), 'Members'))).to.equal(null);
      });
    }
  });
}

runModerationTests(false);
runModerationTests(true);
