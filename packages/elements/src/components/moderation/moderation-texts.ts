/**
 * The words of moderation: each action's confirmation, what follows it, and what a member sees in place
 * of the composer once removed, banned or muted. Names and reasons are inserted as text, never markup.
 */
import { msg, str } from '@lit/localize';
import type { MemberStanding, ModerationProgress } from '@omnisocial/core';
import { formatCount, plural } from '../../i18n/plural.ts';
import type { ModerationKind } from '../message-tile/message-tile.ts';
import { byNoun, type ErrorStateNoun } from '../room/error-state.ts';

/** What a confirmation says: heading, explanation, confirm button, and whether a reason can be given. */
export interface ConfirmationText {
  readonly heading: string;
  readonly explanation: string;
  readonly confirm: string;
  readonly reason: boolean;
}

/** What removing a member's recent messages deletes: one whole sentence per noun and plural form. */
function removeExplanation(noun: ErrorStateNoun, count: number): string {
  const n = formatCount(count);
  return plural(count, {
    one: () =>
      byNoun(noun, {
        room: () => msg('Deletes their latest message in this room.'),
        conversation: () => msg('Deletes their latest message in this conversation.'),
        discussion: () => msg('Deletes their latest message in this discussion.'),
      }),
    other: () =>
      byNoun(noun, {
        room: () => msg(str`Deletes their ${n} latest messages in this room, one after the other.`),
        conversation: () => msg(str`Deletes their ${n} latest messages in this conversation, one after the other.`),
        discussion: () => msg(str`Deletes their ${n} latest messages in this discussion, one after the other.`),
      }),
  });
}

function removedText(name: string, removed: number): string {
  const n = formatCount(removed);
  return plural(removed, {
    zero: () => msg(str`Removed ${n} messages of ${name}.`, { id: 'moderation-removed-zero' }),
    one: () => msg(str`Removed ${n} message of ${name}.`, { id: 'moderation-removed-one' }),
    two: () => msg(str`Removed ${n} messages of ${name}.`, { id: 'moderation-removed-two' }),
    few: () => msg(str`Removed ${n} messages of ${name}.`, { id: 'moderation-removed-few' }),
    many: () => msg(str`Removed ${n} messages of ${name}.`, { id: 'moderation-removed-many' }),
    other: () => msg(str`Removed ${n} messages of ${name}.`, { id: 'moderation-removed-other' }),
  });
}

function partlyRemovedText(name: string, removed: number, progress: ModerationProgress): string {
  const done = formatCount(removed);
  const total = formatCount(progress.total);
  const failed = formatCount(progress.failed);
  return msg(str`Removed ${done} of ${total} messages of ${name}; ${failed} could not be deleted.`);
}

/** The actions that ask first; unmuting and lifting a ban happen at once (with Undo). */
export type ConfirmedKind = Exclude<ModerationKind, 'unmute'>;

export function confirmationText(kind: ConfirmedKind, name: string, noun: ErrorStateNoun, count = 0): ConfirmationText {
  switch (kind) {
    case 'delete':
      return {
        heading: msg(str`Delete ${name}'s message?`),
        explanation: msg('Everyone will see "Message deleted by a moderator" in its place, with your reason if you give one.'),
        confirm: msg('Delete message'),
        reason: true,
      };
    case 'report':
      return {
        heading: msg(str`Report ${name}'s message?`),
        explanation: msg("The server's administrators will see this message and your reason. The sender is not told who reported it."),
        confirm: msg('Report'),
        reason: true,
      };
    case 'remove-messages':
      return {
        heading: msg(str`Remove ${name}'s recent messages?`),
        explanation: removeExplanation(noun, count),
        confirm: msg('Remove messages'),
        reason: true,
      };
    case 'mute':
      return {
        heading: msg(str`Mute ${name}?`),
        explanation: byNoun(noun, {
          room: () => msg('They can still read this room but cannot write in it until they are unmuted.'),
          conversation: () => msg('They can still read this conversation but cannot write in it until they are unmuted.'),
          discussion: () => msg('They can still read this discussion but cannot write in it until they are unmuted.'),
        }),
        confirm: msg('Mute'),
        reason: false,
      };
    case 'kick':
      return {
        heading: byNoun(noun, {
          room: () => msg(str`Remove ${name} from this room?`),
          conversation: () => msg(str`Remove ${name} from this conversation?`),
          discussion: () => msg(str`Remove ${name} from this discussion?`),
        }),
        explanation: msg('They can join again later, where the room lets them.'),
        confirm: msg('Remove', { id: 'moderation-confirm-remove' }),
        reason: true,
      };
    case 'ban':
      return {
        heading: msg(str`Ban ${name}?`),
        explanation: byNoun(noun, {
          room: () => msg('They are removed from this room and cannot join again until the ban is lifted.'),
          conversation: () => msg('They are removed from this conversation and cannot join again until the ban is lifted.'),
          discussion: () => msg('They are removed from this discussion and cannot join again until the ban is lifted.'),
        }),
        confirm: msg('Ban', { id: 'moderation-confirm-ban' }),
        reason: true,
      };
  }
}

/** What a finished action says, in the notice under the log. */
export function doneText(kind: ModerationKind | 'unban', name: string, progress?: ModerationProgress): string {
  switch (kind) {
    case 'delete':
      return msg('Message deleted.');
    case 'report':
      return msg("Message reported. Thank you: the server's administrators will look at it.");
    case 'remove-messages': {
      if (!progress || progress.total === 0) return msg(str`${name} has no messages to remove here.`);
      const removed = progress.done - progress.failed;
      return progress.failed === 0 ? removedText(name, removed) : partlyRemovedText(name, removed, progress);
    }
    case 'mute':
      return msg(str`${name} is muted.`);
    case 'unmute':
      return msg(str`${name} can write again.`);
    case 'kick':
      return msg(str`${name} was removed.`);
    case 'ban':
      return msg(str`${name} is banned.`);
    case 'unban':
      return msg(str`${name} is no longer banned.`);
  }
}

/** What the member reads in place of the composer. */
export function standingText(standing: MemberStanding, noun: ErrorStateNoun): string {
  const reason = standing.reason;
  switch (standing.kind) {
    case 'removed':
      return reason
        ? byNoun(noun, {
            room: () => msg(str`You were removed from this room (${reason}).`),
            conversation: () => msg(str`You were removed from this conversation (${reason}).`),
            discussion: () => msg(str`You were removed from this discussion (${reason}).`),
          })
        : byNoun(noun, {
            room: () => msg('You were removed from this room.'),
            conversation: () => msg('You were removed from this conversation.'),
            discussion: () => msg('You were removed from this discussion.'),
          });
    case 'banned':
      return reason
        ? byNoun(noun, {
            room: () => msg(str`You are banned from this room (${reason}).`),
            conversation: () => msg(str`You are banned from this conversation (${reason}).`),
            discussion: () => msg(str`You are banned from this discussion (${reason}).`),
          })
        : byNoun(noun, {
            room: () => msg('You are banned from this room.'),
            conversation: () => msg('You are banned from this conversation.'),
            discussion: () => msg('You are banned from this discussion.'),
          });
    case 'muted':
      return byNoun(noun, {
        room: () => msg('You are muted: you can read this room but not write in it.'),
        conversation: () => msg('You are muted: you can read this conversation but not write in it.'),
        discussion: () => msg('You are muted: you can read this discussion but not write in it.'),
      });
  }
}
