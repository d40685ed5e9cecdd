/**
 * The composer's slash commands, apart from compose.ts so that the suggestions (mentions.ts) can list them
 * without pulling in Markdown's parser, which loads only when the member first writes.
 */

/** A command the composer understands, for its suggestions and its help (the elements word its usage and what it does). */
export interface ComposerCommand {
  readonly name: 'me' | 'shrug' | 'plain';
}

export const COMPOSER_COMMANDS: readonly ComposerCommand[] = [{ name: 'me' }, { name: 'shrug' }, { name: 'plain' }];
