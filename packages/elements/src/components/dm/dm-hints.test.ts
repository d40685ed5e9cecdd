/**
 * What a member reads on a direct message they cannot read yet, and on their own messages: an unreadable
 * message says what to do in plain words, and a shield on one's own message names the device it is about.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { render } from 'lit';
import type { MemberInfo, MessageItem } from '@omnisocial/core';
import { renderMessageTile } from '../message-tile/message-tile.ts';
import { messageTileStyles } from '../message-tile/message-tile.styles.ts';
import { messageItem } from '../../test-fixtures.ts';
import { tokens } from '../../theme/tokens.ts';

const alice: MemberInfo = { userId: '@alice:example.org', displayName: 'Alice' };

/** The tile as a member sees it: its text, and the accessible names of its images. */
async function tile(item: MessageItem): Promise<{ text: string; images: string[] }> {
  const host = await fixture<HTMLElement>(html`<div role="log" aria-label="Messages"></div>`);
  const root = host.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [tokens, messageTileStyles].flatMap((style) => (style.styleSheet ? [style.styleSheet] : []));
  render(renderMessageTile(item, { active: false, menu: 'none', onAction: () => undefined }), root);
  const article = root.querySelector('article');
  return {
    text: article?.textContent.replace(/\s+/g, ' ').trim() ?? '',
    images: [...(article?.querySelectorAll('[role="img"]') ?? [])].map((image) => image.getAttribute('aria-label') ?? ''),
  };
}

describe('direct messages: what an unreadable message and one own message say', () => {
  it('a message sent before this browser signed in says what to do, with or without a key backup', async () => {
    const locked = await tile(
      messageItem({
        sender: alice,
        body: 'Waiting for the keys to this message',
        undecryptable: { state: 'waiting', reason: 'backup-locked' },
      }),
    );
    expect(locked.text).to.include(
      'This message was sent before you signed in on this browser. Verify this browser from another session or enter your recovery key (Security) to read it.',
    );
    const noBackup = await tile(
      messageItem({
        sender: alice,
        body: 'Waiting for the keys to this message',
        undecryptable: { state: 'waiting', reason: 'sent-before-sign-in' },
      }),
    );
    expect(noBackup.text).to.include('This message was sent before you signed in on this browser');
    expect(noBackup.text).to.include('Read it on a device that was signed in then');
    expect(noBackup.text).to.include('set up recovery (Security)');
  });

  it('keys still on their way say they usually arrive within seconds and what to press if not', async () => {
    const waiting = await tile(
      messageItem({
        sender: alice,
        body: 'Waiting for the keys to this message',
        undecryptable: { state: 'waiting', reason: 'keys-not-received' },
      }),
    );
    expect(waiting.text).to.include(
      "Alice's device has not sent this browser the keys yet. They usually arrive within seconds; if not, press Retry.",
    );
  });

  it("a shield on the member's own message names their own other device, not them in the third person", async () => {
    const own = await tile(messageItem({ sender: alice, own: true, body: 'from my phone', trust: 'unverified-device' }));
    expect(own.images).to.deep.equal(['Sent from one of your other devices that you have not verified']);
  });
});
