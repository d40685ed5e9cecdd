/**
 * A room or membership change in the reader's language, from the line core gives (`NoticeLine`: what happened,
 * who did it, to whom, old and new values): "Alice joined", "Bob removed Dave: spam", "Bob changed the topic to
 * …", "Alice changed the power level of Bob from Default to Moderator". Each sentence is whole, so that every
 * language can order its words; a guest who chose no name is "a guest". No Lit here.
 */
import { msg, str } from '@lit/localize';
import type { MemberLine, NoticeLine, PlaceholderItem, PowerLevelChange, PowerRole, RoomLine } from '@omnisocial/core';
import { activeLocale } from '../../i18n/active-locale.ts';
import { formatClauses } from '../../i18n/format.ts';
import { formatCount, plural } from '../../i18n/plural.ts';

/** Power level changes named in one line; the rest are counted. */
const POWER_SHOWN = 3;

function memberName(name: string | null | undefined): string {
  return name ?? msg('a guest', { id: 'membership-a-guest' });
}

function memberSentence(line: MemberLine): string {
  const member = memberName(line.member);
  const { actor } = line;
  switch (line.kind) {
    case 'joined':
      return msg(str`${member} joined`, { id: 'notice-joined' });
    case 'left':
      return msg(str`${member} left`, { id: 'notice-left' });
    case 'knocked':
      return msg(str`${member} asked to join`, { id: 'notice-knocked' });
    case 'rejected-invitation':
      return msg(str`${member} rejected the invitation`, { id: 'notice-rejected-invitation' });
    case 'avatar-changed':
      return msg(str`${member} changed their avatar`, { id: 'notice-avatar-changed' });
    case 'display-name-set': {
      const name = memberName(line.newName);
      return msg(str`${member} set their display name to ${name}`, { id: 'notice-display-name-set' });
    }
    case 'display-name-changed': {
      const name = memberName(line.newName);
      return msg(str`${member} changed their name to ${name}`, { id: 'notice-display-name-changed' });
    }
    case 'display-name-removed':
      return msg(str`${member} removed their display name`, { id: 'notice-display-name-removed' });
    case 'invited':
      return msg(str`${actor} invited ${member}`, { id: 'notice-invited' });
    case 'banned':
      return msg(str`${actor} banned ${member}`, { id: 'notice-banned' });
    case 'unbanned':
      return msg(str`${actor} unbanned ${member}`, { id: 'notice-unbanned' });
    case 'invitation-withdrawn':
      return msg(str`${actor} withdrew ${member}'s invitation`, { id: 'notice-invitation-withdrawn' });
    case 'removed':
      return msg(str`${actor} removed ${member}`, { id: 'notice-removed' });
  }
}

/** "Admin", "Moderator", "Default", "Custom (25)". */
function roleName({ role, level }: PowerRole): string {
  switch (role) {
    case 'admin':
      return msg('Admin');
    case 'moderator':
      return msg('Moderator');
    case 'default':
      return msg('Default', { id: 'power-role-default' });
    case 'custom': {
      const n = formatCount(level);
      return msg(str`Custom (${n})`, { id: 'power-role-custom' });
    }
  }
}

function powerChange({ member, from, to }: PowerLevelChange): string {
  const before = roleName(from);
  const after = roleName(to);
  return msg(str`${member} from ${before} to ${after}`, { id: 'notice-power-change' });
}

/** "Alice changed the power level of Bob from Default to Moderator, Carol from Moderator to Admin and 2 more". */
function powerSentence(actor: string, changes: readonly PowerLevelChange[]): string {
  const shown = formatClauses(changes.slice(0, POWER_SHOWN).map(powerChange));
  const more = changes.length - POWER_SHOWN;
  if (more <= 0) return msg(str`${actor} changed the power level of ${shown}`, { id: 'notice-power-levels' });
  const n = formatCount(more);
  return plural(more, {
    zero: () => msg(str`${actor} changed the power level of ${shown} and ${n} more`, { id: 'notice-power-levels-more-zero' }),
    one: () => msg(str`${actor} changed the power level of ${shown} and ${n} more`, { id: 'notice-power-levels-more-one' }),
    two: () => msg(str`${actor} changed the power level of ${shown} and ${n} more`, { id: 'notice-power-levels-more-two' }),
    few: () => msg(str`${actor} changed the power level of ${shown} and ${n} more`, { id: 'notice-power-levels-more-few' }),
    many: () => msg(str`${actor} changed the power level of ${shown} and ${n} more`, { id: 'notice-power-levels-more-many' }),
    other: () => msg(str`${actor} changed the power level of ${shown} and ${n} more`, { id: 'notice-power-levels-more-other' }),
  });
}

function roomSentence(line: RoomLine): string {
  const { actor } = line;
  switch (line.kind) {
    case 'room-renamed': {
      const { name } = line;
      return msg(str`${actor} changed the room name to ${name}`, { id: 'notice-room-renamed' });
    }
    case 'room-name-removed':
      return msg(str`${actor} removed the room name`, { id: 'notice-room-name-removed' });
    case 'topic-changed': {
      const { topic } = line;
      return msg(str`${actor} changed the topic to ${topic}`, { id: 'notice-topic-changed' });
    }
    case 'topic-removed':
      return msg(str`${actor} removed the topic`, { id: 'notice-topic-removed' });
    case 'room-avatar-changed':
      return msg(str`${actor} changed the room avatar`, { id: 'notice-room-avatar-changed' });
    case 'room-avatar-removed':
      return msg(str`${actor} removed the room avatar`, { id: 'notice-room-avatar-removed' });
    case 'encryption-enabled':
      return msg(str`${actor} enabled end-to-end encryption`, { id: 'notice-encryption-enabled' });
    case 'room-made-public':
      return msg(str`${actor} made the room public`, { id: 'notice-room-made-public' });
    case 'room-made-invite-only':
      return msg(str`${actor} made the room invite only`, { id: 'notice-room-made-invite-only' });
    case 'join-rule-changed':
      return msg(str`${actor} changed who can join`, { id: 'notice-join-rule-changed' });
    case 'room-replaced':
      return msg(str`${actor} replaced this room with a new one`, { id: 'notice-room-replaced' });
    case 'power-levels-changed':
      return powerSentence(actor, line.changes);
  }
}

/** The line of one change; a membership's with the reason given, if any, and its first letter capitalised ("A guest joined"). */
export function noticeLineText(line: NoticeLine): string {
  if (!('member' in line)) return roomSentence(line);
  const said = memberSentence(line);
  const { reason } = line;
  const text = reason ? msg(str`${said}: ${reason}`, { id: 'notice-with-reason' }) : said;
  return text.charAt(0).toLocaleUpperCase(activeLocale()) + text.slice(1);
}

/** What stands for an event that cannot be shown. */
export function placeholderText(reason: PlaceholderItem['reason']): string {
  return reason === 'attachment-loading' ? msg('Loading the attachment…') : msg('This message could not be displayed.');
}
