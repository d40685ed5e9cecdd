/**
 * Encrypted events that cannot be read (yet): why, in js-sdk's failure codes turned into the timeline's
 * terms (undecryptable-items.ts says what their tile shows instead of their content).
 */
import type { MatrixEvent } from 'matrix-js-sdk';
import { DecryptionFailureCode } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Undecryptable } from './timeline-types.ts';
import { DECRYPTING, undecryptable } from './undecryptable-items.ts';

export { guestItem, retryingItem, UNDECRYPTABLE_CONTENT } from './undecryptable-items.ts';

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
const NOT_STARTED = undecryptable('waiting', 'encryption-not-started');
const OTHER_FAILURE = undecryptable('failed', 'other');

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
