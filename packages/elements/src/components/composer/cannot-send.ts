/** Why the member cannot write, in the reader's language, from the reason core gives (`CannotSendReason`). */
import { msg } from '@lit/localize';
import type { CannotSendReason } from '@omnisocial/core';

const TEXTS: Readonly<Record<CannotSendReason, () => string>> = {
  'room-replaced': () => msg('This room has been replaced by a new one.'),
  banned: () => msg('You were banned from this room.'),
  invited: () => msg('Accept the invitation to write here.'),
  'guest-read-only': () => msg('Guests can read this room but not write in it. Sign in to take part.'),
  'not-joined': () => msg('Join the room to write here.'),
  'admins-only': () => msg('Only admins can write in this room.'),
  'moderators-only': () => msg('Only moderators can write in this room.'),
  'no-permission': () => msg('You do not have permission to write in this room.'),
  'sign-in-to-take-part': () => msg('Sign in to take part in the discussion.'),
  'sign-in-to-start': () => msg('Sign in to start the discussion.'),
  connecting: () => msg('Connecting to the discussion…'),
  'post-mismatch': () => msg("This discussion's address points to another room."),
};

/** The sentence for `reason`; undefined when there is none. */
export function cannotSendText(reason: CannotSendReason | undefined): string | undefined {
  return reason === undefined ? undefined : TEXTS[reason]();
}
