/**
 * The composer's slash commands worded from core's data (`COMPOSER_COMMANDS`, `DraftResult`): in English as core
 * used to write them, and in German with the language's own list of commands.
 */
import { expect } from '@open-wc/testing';
import { COMPOSER_COMMANDS, composeDraft, type DraftResult } from '@omnisocial/core';
import { activeLocale, requestLocale } from '../../i18n/locale.ts';
import { commandDescription, commandUsage, draftRefusal } from './command-texts.ts';

function refusal(text: string): string {
  const draft: DraftResult = composeDraft(text);
  if (draft.kind !== 'invalid') throw new Error(`"${text}" was not refused`);
  return draftRefusal(draft);
}

describe('slash command texts', () => {
  afterEach(async () => {
    await requestLocale('en');
  });

  it('English: usage and description of each command, and why a draft is refused', () => {
    expect(COMPOSER_COMMANDS.map((c) => `${commandUsage(c)} ${commandDescription(c)}`)).to.deep.equal([
      '/me <action> Says what you do, as “* Name waves”',
      '/shrug [message] Puts ¯\\_(ツ)_/¯ before the message',
      '/plain <message> Sends the message as typed, without Markdown',
    ]);
    expect(refusal('/me   ')).to.equal('Write what you do after /me, as in “/me waves”.');
    expect(refusal('/shout hello')).to.equal(
      '/shout is not a command here. Commands: /me, /shrug, /plain. To send text that starts with /, begin with //.',
    );
  });

  it('German: the commands listed the German way', async () => {
    await requestLocale('de');
    expect(activeLocale()).to.equal('de');
    const said = refusal('/shout hello');
    expect(said).to.include('/shout').and.include('/me, /shrug und /plain');
  });
});
