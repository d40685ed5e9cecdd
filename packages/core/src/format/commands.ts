/**
 * The composer's slash commands, apart from compose.ts so that the suggestions (mentions.ts) can list them
 * without pulling in Markdown's parser, which loads only when the member first writes.
 */

/** A command the composer understands, for its suggestions and its help. */
export interface ComposerCommand {
  readonly name: string;
  readonly usage: string;
  readonly description: string;
}

export const COMPOSER_COMMANDS: readonly ComposerCommand[] = [
  { name: 'me', usage: '/me <action>', description: 'Says what you do, as “* Name waves”' },
  { name: 'shrug', usage: '/shrug [message]', description: 'Puts ¯\\_(ツ)_/¯ before the message' },
  { name: 'plain', usage: '/plain <message>', description: 'Sends the message as typed, without Markdown' },
];
