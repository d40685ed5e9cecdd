import { formatList } from '../../i18n/format.ts';
/** The plain words and colours of a message tile: names, initials, avatar colours, whether a message is long. */
import type { MemberInfo, MessageItem } from '@omnisocial/core';

/** Messages shown as their attachment rather than as text. */
export const MEDIA_TYPES: ReadonlySet<MessageItem['msgtype']> = new Set(['image', 'file', 'audio', 'video']);

/** Beyond this many characters or lines a message is shown cut, with "Show more". */
const LONG_CHARACTERS = 1_000;
const LONG_LINES = 12;

/** Whether a message is long enough to be shown cut to a few lines, with "Show more". */
export function isLongMessage(message: MessageItem): boolean {
  if (message.redacted || message.undecryptable || MEDIA_TYPES.has(message.msgtype)) return false;
  if (message.body.length > LONG_CHARACTERS) return true;
  let lines = 1;
  for (let at = message.body.indexOf('\n'); at !== -1 && lines <= LONG_LINES; at = message.body.indexOf('\n', at + 1)) lines += 1;
  return lines > LONG_LINES;
}

/** "Alice", "Alice and Bob", "Alice, Bob and Carol", joined the active locale's way (`Intl.ListFormat`). */
export function listNames(names: readonly string[]): string {
  return formatList(names);
}

/** One or two letters standing for a member where no avatar is shown. */
export function initials(member: MemberInfo): string {
  const name = member.displayName.replace(/^[@#]/, '').trim();
  const first = new Intl.Segmenter().segment(name)[Symbol.iterator]().next().value?.segment;
  return (first ?? '?').toUpperCase();
}

/**
 * Avatar colours, each dark enough for white initials at WCAG AA (at least 5:1) in light and dark
 * themes alike.
 */
const AVATAR_COLOURS = [
  '#c2185b',
  '#8e24aa',
  '#5e35b1',
  '#3949ab',
  '#1565c0',
  '#00695c',
  '#2e7d32',
  '#8a5a00',
  '#c62828',
  '#6d4c41',
] as const;

/** A stable colour per user, so members are told apart at a glance. */
export function avatarColour(userId: string): string {
  let h = 0;
  for (const c of userId) h = (h * 31 + (c.codePointAt(0) ?? 0)) % 2_147_483_647;
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length] ?? AVATAR_COLOURS[0];
}
