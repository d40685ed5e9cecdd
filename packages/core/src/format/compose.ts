/**
 * From what the member typed to a message: slash commands, Markdown (`marked`) and picked mentions. Used
 * by the composer; the engine only builds event content from the result (content.ts), so Markdown's
 * parser stays out of the engine chunk.
 */
import type { MemberInfo } from '../timeline/timeline-types.ts';
import type { OutgoingMessage } from './content.ts';
import { composeMessage, parseCommand } from './markdown.ts';

export { COMPOSER_COMMANDS, type ComposerCommand } from './commands.ts';

const SHRUG = '¯\\_(ツ)_/¯';

export type DraftResult =
  | { readonly kind: 'message'; readonly message: OutgoingMessage }
  | { readonly kind: 'empty' }
  /** Not sendable as it is: `command` is not a command here (`COMPOSER_COMMANDS` are), and `//` sends a slash. */
  | { readonly kind: 'invalid'; readonly reason: 'unknown-command'; readonly command: string }
  /** Not sendable as it is: `/me` with nothing to do. */
  | { readonly kind: 'invalid'; readonly reason: 'empty-emote' };

/**
 * Reads the composer's text as a person means it. A leading `/word` is a command (`/me`, `/shrug`,
 * `/plain`); an unknown one is refused, not sent as text, and `//` or a leading space sends the slash.
 * Everything else is Markdown with the picked `mentions`.
 */
export function composeDraft(text: string, mentions: readonly MemberInfo[] = []): DraftResult {
  // A leading space is the member's way to say "this slash is text".
  const command = /^\s/.test(text) ? { type: 'message' as const, text } : parseCommand(text);
  switch (command.type) {
    case 'unknown':
      return { kind: 'invalid', reason: 'unknown-command', command: command.command };
    case 'emote': {
      const action = command.text.trim();
      if (!action) return { kind: 'invalid', reason: 'empty-emote' };
      return { kind: 'message', message: outgoing('m.emote', composeMessage(action, mentions)) };
    }
    case 'shrug': {
      const rest = command.text.trim();
      return { kind: 'message', message: outgoing('m.text', composeMessage(rest, mentions, { prefix: rest ? `${SHRUG} ` : SHRUG })) };
    }
    case 'plain': {
      const rest = command.text.trim();
      if (!rest) return { kind: 'empty' };
      return { kind: 'message', message: outgoing('m.text', composeMessage(rest, mentions, { markdown: false })) };
    }
    case 'message': {
      const rest = command.text.trim();
      if (!rest) return { kind: 'empty' };
      return { kind: 'message', message: outgoing('m.text', composeMessage(rest, mentions)) };
    }
  }
}

function outgoing(
  msgtype: OutgoingMessage['msgtype'],
  composed: { body: string; formattedBody?: string; mentionedUserIds?: readonly string[] },
): OutgoingMessage {
  return {
    msgtype,
    body: composed.body,
    ...(composed.formattedBody !== undefined ? { formattedBody: composed.formattedBody } : {}),
    mentionedUserIds: composed.mentionedUserIds ?? [],
  };
}

/** A message from Markdown without picked mentions, for callers of `RoomHandle.send()` that write Markdown. */
export function markdownMessage(markdown: string): OutgoingMessage {
  return outgoing('m.text', composeMessage(markdown.trim()));
}
