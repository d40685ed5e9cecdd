/**
 * What an unreadable encrypted message shows, whichever way the reason was found: one frozen object per
 * reason (so an unchanged state keeps the item, and its tile, as it was), no content in its place (the
 * elements word the state), and the items shown while a Retry runs or to a guest. Pure: js-sdk's failure
 * codes are turned into these reasons in undecryptable.ts.
 */
import type { MessageItem, Undecryptable, UndecryptableReason } from './timeline-types.ts';
import type { MessageContent } from './message-content.ts';

const UNDECRYPTABLE = new Map<UndecryptableReason, Undecryptable>();

/** The one frozen object for a reason: items compare it by identity. */
export function undecryptable(state: Undecryptable['state'], reason: UndecryptableReason): Undecryptable {
  let found = UNDECRYPTABLE.get(reason);
  if (!found) UNDECRYPTABLE.set(reason, (found = Object.freeze({ state, reason })));
  return found;
}

export const DECRYPTING = undecryptable('decrypting', 'decrypting');
const SIGN_IN_REQUIRED = undecryptable('failed', 'sign-in-required');

/**
 * The content an unreadable message shows: none, never what a decryptor put there. Its `undecryptable` state says
 * what the elements write instead ("Waiting for the keys to this message"), in the reader's language.
 */
export const UNDECRYPTABLE_CONTENT: MessageContent = Object.freeze({ msgtype: 'text', body: '' });

/** The item of an unreadable message while the member's Retry runs: decrypting, whatever the event's state in between. */
export function retryingItem(item: MessageItem): MessageItem {
  return item.undecryptable === undefined || item.undecryptable === DECRYPTING ? item : { ...item, body: '', undecryptable: DECRYPTING };
}

/**
 * The item of an unreadable message as a guest sees it: guests never start encryption, so the keys
 * cannot come while they stay guests ("Unable to decrypt", no Retry; the tile says to sign in).
 */
export function guestItem(item: MessageItem): MessageItem {
  if (item.undecryptable === undefined || item.undecryptable.reason === 'sign-in-required') return item;
  // Kept per item, so an unchanged message keeps its identity (and its tile) across rebuilds.
  let shown = GUEST_ITEMS.get(item);
  if (!shown) GUEST_ITEMS.set(item, (shown = { ...item, body: '', undecryptable: SIGN_IN_REQUIRED }));
  return shown;
}
const GUEST_ITEMS = new WeakMap<MessageItem, MessageItem>();
