/**
 * The words of moderation: each action's confirmation, what follows it, and what a member sees in place
 * of the composer once removed, banned or muted. Names and reasons are inserted as text, never markup.
 */
import type { MemberStanding, ModerationProgress } from '@omnisocial/core';
import type { ModerationKind } from '../message-tile/message-tile.ts';
import type { ErrorStateNoun } from '../room/error-state.ts';

/** What a confirmation says: heading, explanation, confirm button, and whether a reason can be given. */
export interface ConfirmationText {
  readonly heading: string;
  readonly explanation: string;
  readonly confirm: string;
  readonly reason: boolean;
}

/** The actions that ask first; unmuting and lifting a ban happen at once (with Undo). */
export type ConfirmedKind = Exclude<ModerationKind, 'unmute'>;

export function confirmationText(kind: ConfirmedKind, name: string, noun: ErrorStateNoun, count = 0): ConfirmationText {
  switch (kind) {
    case 'delete':
      return {
        heading: `Delete ${name}'s message?`,
        explanation: 'Everyone will see "Message deleted by a moderator" in its place, with your reason if you give one.',
        confirm: 'Delete message',
        reason: true,
      };
    case 'report':
      return {
        heading: `Report ${name}'s message?`,
        explanation: "The server's administrators will see this message and your reason. The sender is not told who reported it.",
        confirm: 'Report',
        reason: true,
      };
    case 'remove-messages':
      return {
        heading: `Remove ${name}'s recent messages?`,
        explanation:
          count === 1
            ? `Deletes their latest message in this ${noun}.`
            : `Deletes their ${String(count)} latest messages in this ${noun}, one after the other.`,
        confirm: 'Remove messages',
        reason: true,
      };
    case 'mute':
      return {
        heading: `Mute ${name}?`,
        explanation: `They can still read this ${noun} but cannot write in it until they are unmuted.`,
        confirm: 'Mute',
        reason: false,
      };
    case 'kick':
      return {
        heading: `Remove ${name} from this ${noun}?`,
        explanation: 'They can join again later, where the room lets them.',
        confirm: 'Remove',
        reason: true,
      };
    case 'ban':
      return {
        heading: `Ban ${name}?`,
        explanation: `They are removed from this ${noun} and cannot join again until the ban is lifted.`,
        confirm: 'Ban',
        reason: true,
      };
  }
}

/** What a finished action says, in the notice under the log. */
export function doneText(kind: ModerationKind | 'unban', name: string, progress?: ModerationProgress): string {
  switch (kind) {
    case 'delete':
      return 'Message deleted.';
    case 'report':
      return "Message reported. Thank you: the server's administrators will look at it.";
    case 'remove-messages': {
      if (!progress || progress.total === 0) return `${name} has no messages to remove here.`;
      const removed = progress.done - progress.failed;
      return progress.failed === 0
        ? `Removed ${String(removed)} ${removed === 1 ? 'message' : 'messages'} of ${name}.`
        : `Removed ${String(removed)} of ${String(progress.total)} messages of ${name}; ${String(progress.failed)} could not be deleted.`;
    }
    case 'mute':
      return `${name} is muted.`;
    case 'unmute':
      return `${name} can write again.`;
    case 'kick':
      return `${name} was removed.`;
    case 'ban':
      return `${name} is banned.`;
    case 'unban':
      return `${name} is no longer banned.`;
  }
}

/** What the member reads in place of the composer. */
export function standingText(standing: MemberStanding, noun: ErrorStateNoun): string {
  const reason = standing.reason ? ` (${standing.reason})` : '';
  switch (standing.kind) {
    case 'removed':
      return `You were removed from this ${noun}${reason}.`;
    case 'banned':
      return `You are banned from this ${noun}${reason}.`;
    case 'muted':
      return `You are muted: you can read this ${noun} but not write in it.`;
  }
}
