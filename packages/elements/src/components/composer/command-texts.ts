/** The composer's slash commands in the reader's language: how each is written, what it does, why a draft is refused. */
import { msg, str } from '@lit/localize';
import { COMPOSER_COMMANDS, type ComposerCommand, type DraftResult } from '@omnisocial/core';
import { formatClauses } from '../../i18n/format.ts';

/** How the command is written, its argument named: "/me <action>". */
export function commandUsage({ name }: ComposerCommand): string {
  switch (name) {
    case 'me':
      return msg('/me <action>');
    case 'shrug':
      return msg('/shrug [message]');
    case 'plain':
      return msg('/plain <message>');
  }
}

/** What the command does. */
export function commandDescription({ name }: ComposerCommand): string {
  switch (name) {
    case 'me':
      return msg('Says what you do, as “* Name waves”');
    case 'shrug':
      return msg('Puts ¯\\_(ツ)_/¯ before the message');
    case 'plain':
      return msg('Sends the message as typed, without Markdown');
  }
}

/** Why a draft cannot be sent as it is. */
export function draftRefusal(draft: Extract<DraftResult, { kind: 'invalid' }>): string {
  if (draft.reason === 'empty-emote') return msg('Write what you do after /me, as in “/me waves”.');
  const command = draft.command;
  const known = formatClauses(COMPOSER_COMMANDS.map((c) => `/${c.name}`));
  return msg(str`/${command} is not a command here. Commands: ${known}. To send text that starts with /, begin with //.`);
}
