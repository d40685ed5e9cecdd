/**
 * Encrypted events that cannot be read (yet): why, in js-sdk's failure codes turned into the timeline's
 * terms, and what their tile says instead of their content. One frozen object per reason, so an unchanged
 * state keeps the item (and its tile) as it was.
 */
import type { MatrixEvent } from 'matrix-js-sdk';
import { DecryptionFailureCode } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { MessageItem, Undecryptable, UndecryptableReason } from './timeline-types.ts';
import { asObject, asString } from './json.ts';
import type { MessageContent } from './message-content.ts';

const UNDECRYPTABLE = new Map<UndecryptableReason, Undecryptable>();
function undecryptable(state: Undecryptable['state'], reason: UndecryptableReason): Undecryptable {
  let found = UNDECRYPTABLE.get(reason);
  if (!found) UNDECRYPTABLE.set(reason, (found = Object.freeze({ state, reason })));
  return found;
}

/** js-sdk's failure codes: whether the keys may still arrive (a late to-device message, the backup), and why. */
const FAILURES: ReadonlyMap<string, Undecryptable> = new Map([
  [DecryptionFailureCode.MEGOLM_UNKNOWN_INBOUND_SESSION_ID, undecryptable('waiting', 'keys-not-received')],
  [DecryptionFailureCode.HISTORICAL_MESSAGE_NO_KEY_BACKUP, undecryptable('waiting', 'sent-before-sign-in')],
  [DecryptionFailureCode.HISTORICAL_MESSAGE_BACKUP_UNCONFIGURED, undecryptable('waiting', 'backup-locked')],
  [DecryptionFailureCode.HISTORICAL_MESSAGE_WORKING_BACKUP, undecryptable('waiting', 'backup-searching')],
  [DecryptionFailureCode.MEGOLM_KEY_WITHHELD_FOR_UNVERIFIED_DEVICE, undecryptable('failed', 'withheld-unverified')],
  [DecryptionFailureCode.MEGOLM_KEY_WITHHELD, undecryptable('failed', 'withheld')],
  [DecryptionFailureCode.OLM_UNKNOWN_MESSAGE_INDEX, undecryptable('failed', 'unknown-index')],
  [DecryptionFailureCode.HISTORICAL_MESSAGE_USER_NOT_JOINED, undecryptable('failed', 'sent-before-joining')],
  [DecryptionFailureCode.SENDER_IDENTITY_PREVIOUSLY_VERIFIED, undecryptable('failed', 'untrusted-sender')],
  [DecryptionFailureCode.UNSIGNED_SENDER_DEVICE, undecryptable('failed', 'untrusted-sender')],
  [DecryptionFailureCode.UNKNOWN_SENDER_DEVICE, undecryptable('failed', 'untrusted-sender')],
]);
const DECRYPTING = undecryptable('decrypting', 'decrypting');
const NOT_STARTED = undecryptable('waiting', 'encryption-not-started');
const SIGN_IN_REQUIRED = undecryptable('failed', 'sign-in-required');
const OTHER_FAILURE = undecryptable('failed', 'other');

/** What the body of an unreadable message says instead of its content. */
export const UNDECRYPTABLE_TEXT: Readonly<Record<Undecryptable['state'], string>> = {
  decrypting: 'Decrypting…',
  waiting: 'Waiting for the keys to this message',
  failed: 'Unable to decrypt this message',
};

/**
 * Why an encrypted event cannot be read, or undefined when it can (or is not encrypted, or was
 * deleted: a deleted message has nothing left to read). js-sdk puts its own `m.bad.encrypted` text
 * in a failed event's clear content; the timeline never shows it.
 */
export function undecryptableOf(event: MatrixEvent): Undecryptable | undefined {
  if (!event.isEncrypted() || event.isRedacted()) return undefined;
  if (event.isBeingDecrypted()) return DECRYPTING;
  if (event.isDecryptionFailure()) {
    const reason = event.decryptionFailureReason;
    return (reason !== null ? FAILURES.get(reason) : undefined) ?? OTHER_FAILURE;
  }
  // Encrypted and never attempted: this session's crypto has not started (yet).
  return event.getClearContent() === null ? NOT_STARTED : undefined;
}

/** The item of an unreadable message while the member's Retry runs: "Decrypting…", whatever the event's state in between. */
export function retryingItem(item: MessageItem): MessageItem {
  return item.undecryptable === undefined || item.undecryptable === DECRYPTING
    ? item
    : { ...item, body: UNDECRYPTABLE_TEXT.decrypting, undecryptable: DECRYPTING };
}

/**
 * The item of an unreadable message as a guest sees it: guests never start encryption, so the keys
 * cannot come while they stay guests ("Unable to decrypt", no Retry; the tile says to sign in).
 */
export function guestItem(item: MessageItem): MessageItem {
  if (item.undecryptable === undefined || item.undecryptable.reason === 'sign-in-required') return item;
  // Kept per item, so an unchanged message keeps its identity (and its tile) across rebuilds.
  let shown = GUEST_ITEMS.get(item);
  if (!shown) GUEST_ITEMS.set(item, (shown = { ...item, body: UNDECRYPTABLE_TEXT.failed, undecryptable: SIGN_IN_REQUIRED }));
  return shown;
}
const GUEST_ITEMS = new WeakMap<MessageItem, MessageItem>();

/** Edits and reactions name their relation in the clear: one that cannot be read is not a message of its own. */
export function isHiddenRelation(event: MatrixEvent): boolean {
  const relType = asString(asObject(asObject(event.getWireContent())?.['m.relates_to'])?.['rel_type']);
  return relType === 'm.replace' || relType === 'm.annotation';
}

/** The content an unreadable message shows: the words for its state, never what js-sdk put there. */
export const UNDECRYPTABLE_CONTENT: Readonly<Record<Undecryptable['state'], MessageContent>> = {
  decrypting: { msgtype: 'text', body: UNDECRYPTABLE_TEXT.decrypting },
  waiting: { msgtype: 'text', body: UNDECRYPTABLE_TEXT.waiting },
  failed: { msgtype: 'text', body: UNDECRYPTABLE_TEXT.failed },
};
