import { fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { signIn, signOut, type OmniRoom } from '@omnisocial/chat';
import { articleWith, button, ignoreResizeObserverLoop, shadow, waitForText } from './dom.ts';

ignoreResizeObserverLoop();
const shot = (name: string): Promise<unknown> => executeServerCommand('omni:shot', { name });

async function powerLevels(user: TestUser, roomId: string): Promise<Record<string, unknown>> {
  return (await peer(user).request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`)) as Record<string, unknown>;
}

describe('moderation shots', function () {
  this.timeout(600_000);
  it('takes them', async () => {
    const { baseUrl } = await homeserver();
    const owner = await registerUser({ displayName: 'Olivia (owner)' });
    const mod = await registerUser({ displayName: 'Maya' });
    const member = await registerUser({ displayName: 'Mel' });
    const { roomId } = await peer(owner).createRoom({ name: 'Gardening', preset: 'public_chat' });
    await peer(mod).joinRoom(roomId);
    await peer(member).joinRoom(roomId);
    const content = await powerLevels(owner, roomId);
    await peer(owner).sendState(roomId, 'm.room.power_levels', '', {
      ...content,
      users: { ...(content['users'] as Record<string, number>), [mod.userId]: 50 },
      events: { ...(content['events'] as Record<string, number>), 'm.room.power_levels': 50 },
    });
    await peer(owner).sendMessage(roomId, 'Welcome to the gardening room! Be kind.');
    await peer(member).sendMessage(roomId, 'BUY CHEAP SEEDS at totally-legit.example');
    await peer(member).sendMessage(roomId, 'Anyone growing tomatoes this year?');
    for (const [who, dark] of [['mod', false], ['mod', true], ['member', false], ['member', true]] as const) {
      await signOut();
      const user = who === 'mod' ? mod : member;
      if (who === 'member') await peer(owner).sendState(roomId, 'm.room.power_levels', '', { ...(await powerLevels(owner, roomId)), users: { ...((await powerLevels(owner, roomId))['users'] as Record<string, number>), [member.userId]: -1 } });
      await signIn({ homeserver: baseUrl, username: user.username, password: user.password });
      for (const width of [390, 1280]) {
        await setViewport({ width, height: 720 });
        document.body.style.margin = '0';
        document.body.style.background = dark ? '#0d1117' : '#ffffff';
        const el = await fixture<OmniRoom>(html`<omni-room style="--omni-room-height: 680px; display:block" homeserver=${baseUrl} room=${roomId} theme=${dark ? 'dark' : 'light'}></omni-room>`);
        const tag = `${who}-${String(width)}-${dark ? 'dark' : 'light'}`;
        if (who === 'member') {
          await waitUntil(() => shadow(el).querySelector('[part="standing"]'), 'no standing', { timeout: 60_000 });
          await shot(`muted-${tag}`);
          continue;
        }
        const article = await waitForText(el, 'Anyone growing tomatoes', 60_000);
        await waitUntil(() => shadow(el).querySelector('.members-button'), 'no members button', { timeout: 60_000 });
        article.focus();
        await el.updateComplete;
        (button(article, 'More actions') as HTMLButtonElement).click();
        await waitUntil(() => button(articleWith(el, 'Anyone growing') as HTMLElement, 'Ban…'));
        await shot(`menu-${tag}`);
        (button(articleWith(el, 'Anyone growing') as HTMLElement, 'Ban…') as HTMLButtonElement).click();
        await waitUntil(() => shadow(el).querySelector<HTMLDialogElement>('dialog.confirm-dialog')?.open);
        await shot(`dialog-${tag}`);
        shadow(el).querySelector<HTMLDialogElement>('dialog.confirm-dialog')?.close();
        await new Promise((r) => setTimeout(r, 300));
        (button(shadow(el), 'Members') as HTMLButtonElement).click();
        await waitUntil(() => shadow(el).querySelector<HTMLDialogElement>('dialog.members-dialog')?.open);
        await new Promise((r) => setTimeout(r, 500));
        await shot(`members-${tag}`);
        shadow(el).querySelector<HTMLDialogElement>('dialog.members-dialog')?.close();
      }
    }
  });
});
