/**
 * A mention of the member by name in a message's text, for messages from clients that send no `m.mentions`: the
 * spec's legacy push rules (`.m.rule.contains_display_name`, `.m.rule.contains_user_name`) highlight a message
 * whose body holds the member's display name or localpart as a whole word, in any case. Pure.
 */

/** Characters that may stand around a name in a mention (anything but a letter, a digit or `_`). */
const WORD = /[\p{L}\p{N}_]/u;

/** The name a member chose, without the ` (@user:server)` a directory adds when two members share it. */
function chosenName(displayName: string | undefined, userId: string): string | undefined {
  const name = displayName?.replace(/ \(@[^)]*\)$/u, '').trim();
  return name && name !== userId ? name : undefined;
}

/** Whether `needle` occurs in `text` as a whole word, in any case. */
function containsWord(text: string, needle: string): boolean {
  if (needle.length === 0) return false;
  const haystack = text.toLocaleLowerCase();
  const word = needle.toLocaleLowerCase();
  for (let at = haystack.indexOf(word); at !== -1; at = haystack.indexOf(word, at + 1)) {
    const before = haystack[at - 1];
    const after = haystack[at + word.length];
    if ((before === undefined || !WORD.test(before)) && (after === undefined || !WORD.test(after))) return true;
  }
  return false;
}

/** Whether `body` names the member: their display name, or their user id's localpart (`bob` of `@bob:server`). */
export function bodyNamesUser(body: string, userId: string, displayName?: string): boolean {
  const name = chosenName(displayName, userId);
  if (name !== undefined && containsWord(body, name)) return true;
  const localpart = /^@([^:]+):/u.exec(userId)?.[1];
  return localpart !== undefined && containsWord(body, localpart);
}
