/**
 * What a member reads at the top of a post's discussion, against a real Synapse: the room's set-up
 * (creation, power levels, topic, join rules, the post binding, the creator giving back the power the
 * creation needed) is not shown, members coming and going are one line, and the header shows the
 * post's address as a person reads it, never `%2F`.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { postRoomAlias, signIn, signOut } from '@omnisocial/core';
import '../../packages/elements/src/components/chat/define.ts';
import type { OmniChatView as OmniChat } from '../../packages/elements/src/components/chat/omni-chat.ts';
import { articleWith, log, shadow, typeAndSend, waitForText } from './dom.ts';

const TIMEOUT = 60_000;

/** The log's lines as a person reads them: each notice, and each message's text, in order. */
function lines(el: OmniChat): string[] {
  const shown = log(el);
  if (!shown) return [];
  return [...shown.querySelectorAll<HTMLElement>('[part="notice"], article')].map((node) => node.innerText.replace(/\s+/gu, ' ').trim());
}

describe('what a member sees at the top of a post discussion', function () {
  this.timeout(240_000);
  let baseUrl: string;
  let serverName: string;
  let alice: TestUser;

  before(async () => {
    ({ baseUrl, serverName } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
  });

  after(async () => {
    await signOut();
  });

  it('no set-up lines, one line for five members joining and one leaving, the address decoded in the header', async () => {
    const post = `noise-${crypto.randomUUID().slice(0, 8)}`;
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    const el = await fixture<OmniChat>(html`
      <omni-chat-view
        homeserver=${baseUrl}
        post=${post}
        post-title="Photo feed"
        post-url=${`https://blog.example/posts%2F${post}?utm_source=feed&utm_medium=email`}
        open
      ></omni-chat-view>
    `);
    await typeAndSend(el, 'What do you think of the new feed?', TIMEOUT);
    await waitUntil(() => articleWith(el, 'the new feed')?.dataset['eventId'], 'the first message was not sent', { timeout: TIMEOUT });
    const roomId = await peer(alice).resolveAlias(postRoomAlias(post, { serverName }));

    const others = await Promise.all(['Bob', 'Carol', 'Dave', 'Erin', 'Frank'].map((displayName) => registerUser({ displayName })));
    for (const user of others) await peer(user).joinRoom(roomId);
    const erin = others[3] as TestUser;
    await peer(erin).request('POST', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/leave`, {});
    await peer(others[0] as TestUser).sendMessage(roomId, 'Love it');
    await waitForText(el, 'Love it', TIMEOUT);

    const summary = 'Bob, Carol and 2 others joined, Erin joined and left';
    await waitUntil(() => lines(el).includes(summary), `no summary line; the log reads:\n${lines(el).join('\n')}`, {
      timeout: TIMEOUT,
    });
    const read = lines(el);
    expect(read.length, read.join('\n')).to.equal(3);
    expect(read[0]).to.include('What do you think of the new feed?');
    expect(read[1]).to.equal(summary);
    expect(read[2]).to.include('Love it');
    const all = log(el)?.textContent ?? '';
    expect(all).to.not.match(/power level|topic|created|made the room|enabled end-to-end|permissions|%2F/iu);

    // The summary opens into each change, for whoever wants to know who came and went.
    const opener = log(el)?.querySelector<HTMLElement>('[part="notice"] summary');
    expect(opener?.textContent.trim()).to.equal(summary);
    opener?.click();
    await waitUntil(() => lines(el)[1]?.includes('Erin left'), 'the summary does not open');
    expect(lines(el)[1]).to.equal(`${summary} Bob joined Carol joined Dave joined Erin joined Frank joined Erin left`);

    const detail = shadow(el).querySelector('[part="header"] .detail');
    expect(detail?.textContent.trim()).to.equal(`blog.example/posts/${post}`);
    expect(shadow(el).querySelector('[part="header"]')?.textContent).to.not.include('%2F');
    await expect(el).to.be.accessible();

    // A visitor reads the same discussion (the light read, then the engine as a guest): the same lines.
    el.remove();
    await signOut();
    const visitor = await fixture<OmniChat>(html`
      <omni-chat-view
        homeserver=${baseUrl}
        post=${post}
        post-title="Photo feed"
        post-url=${`https://blog.example/posts%2F${post}`}
        open
      ></omni-chat-view>
    `);
    await waitUntil(
      () => lines(visitor).includes(summary),
      `the visitor sees no summary line; the log reads:\n${lines(visitor).join('\n')}`,
      {
        timeout: TIMEOUT,
      },
    );
    // Receipts aside (the light read has none), the same three lines.
    const seen = lines(visitor);
    expect(seen[0]).to.include('What do you think of the new feed?');
    expect(seen[1]).to.equal(summary);
    expect(seen[2]).to.include('Love it');
    expect(log(visitor)?.textContent ?? '').to.not.match(/power level|topic|created|made the room|permissions|%2F/iu);
  });
});
