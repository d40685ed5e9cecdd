/**
 * The composer's answer for text that Markdown leaves as it is, without loading Markdown's parser: most chat
 * messages ("see you at 8", "thanks!", "👍") go out in the same task as the member's Enter even before
 * `compose.ts` has arrived. Anything the parser could read differently (a mark, a list number, a link, a
 * command, a line break, a picked mention) is left to `composeDraft`.
 */
import type { OutgoingMessage } from './content.ts';

/** Letters, marks, digits, spaces, emoji and the punctuation Markdown gives no meaning to inside one line. */
const PLAIN = /^(?:[\p{L}\p{M}\p{N}\p{Zs}\p{Extended_Pictographic},.?!'’"“”;]|\u200d|\ufe0f)*$/u;
/** A line that starts with a number and a dot is an ordered list; a dot before a letter may be a web address. */
const READ_AS_MARKDOWN = /^\d+\.|\.\p{L}|www\./iu;

/** The message for `text` when Markdown would change nothing, else undefined (the full composer decides). */
export function plainDraft(text: string, mentions: readonly unknown[] = []): OutgoingMessage | undefined {
  if (mentions.length > 0) return undefined;
  const body = text.trim();
  if (!body || !PLAIN.test(body) || READ_AS_MARKDOWN.test(body)) return undefined;
  return { msgtype: 'm.text', body, mentionedUserIds: [] };
}
