/**
 * What the moderation queue says: each item described for a moderator, each action's button and outcome,
 * and each refusal in words (never an HTTP status alone).
 */
import { msg, str } from '@lit/localize';
import { formatCount, plural } from '../../i18n/plural.ts';
import type { QueueAction, QueueItem, QueueRefusal } from './queue-client.ts';

export interface ActionText {
  /** The button on the item. */
  readonly label: string;
  /** What is announced once it is done. */
  readonly done: string;
  /** Whether it asks first, with an optional reason (what cannot be taken back). */
  readonly confirm?: { readonly heading: string; readonly button: string };
}

export function actionText(action: QueueAction, item: QueueItem): ActionText {
  const sender = item.sender ?? msg('the sender');
  switch (action) {
    case 'delete':
      return {
        label: msg('Delete message'),
        done: msg('The message was deleted and the report closed.'),
        confirm: { heading: msg('Delete this message for everyone?'), button: msg('Delete') },
      };
    case 'ban':
      return {
        label: msg('Ban sender site-wide'),
        done: msg(str`${sender} is banned from every discussion of the site.`),
        confirm: { heading: msg(str`Ban ${sender} from every discussion of the site?`), button: msg('Ban') },
      };
    case 'dismiss':
      return { label: msg('Dismiss report'), done: msg('The report was dismissed; the message stays.') };
    case 'release':
      return { label: msg('Release'), done: msg('The message was approved and is shown in its discussion.') };
    case 'reject':
      return { label: msg('Reject'), done: msg('The message was rejected; its author is told it was not approved.') };
  }
}

export function actionsFor(item: QueueItem): readonly QueueAction[] {
  return item.kind === 'held' ? ['release', 'reject'] : ['delete', 'ban', 'dismiss'];
}

/** The message's text, or why it cannot be shown; `note` says whose reading it is when it is not the server's. */
export function messageText(item: QueueItem): { text: string; unavailable: boolean; note?: string } {
  if (item.kind === 'held') {
    return item.encrypted || item.body === ''
      ? { text: msg('Encrypted: open the discussion to read it.'), unavailable: true }
      : { text: item.body, unavailable: false };
  }
  const message = item.message;
  if (message.body !== undefined) return { text: message.body, unavailable: false };
  if (message.encrypted && message.quoted !== undefined) {
    return { text: message.quoted, unavailable: false, note: msg('Encrypted. As the reporter read it (it cannot be checked):') };
  }
  if (message.encrypted) return { text: msg('Encrypted: open the discussion to read it.'), unavailable: true };
  if (message.deleted) return { text: msg('Already deleted.'), unavailable: true };
  return { text: msg('The message could not be read.'), unavailable: true };
}

export function refusalText(refusal: QueueRefusal, label: string): string {
  switch (refusal.kind) {
    case 'gone':
      return msg('Another moderator already handled this item: it has left the queue.');
    case 'unauthorized':
      return msg(str`You are not signed in as a moderator any more (${refusal.message}). Sign in again, then retry.`);
    case 'network':
      return msg(str`${label} did not reach the moderation service: nothing was changed. Check the connection and try again.`);
    case 'refused':
      return msg(str`${label} was refused: ${refusal.message}`);
  }
}

export function loadRefusalText(refusal: QueueRefusal): string {
  switch (refusal.kind) {
    case 'network':
      return msg('The moderation service could not be reached. Check the connection and try again.');
    case 'unauthorized':
      return msg(str`The queue is only for the site's moderators: ${refusal.message}`);
    default:
      return msg(str`The queue could not be loaded: ${refusal.message}`);
  }
}

/** "The queue is empty.", "1 item waits for a moderator.", "12 items wait for a moderator.": the plural forms of the language. */
export function countText(total: number): string {
  if (total === 0) return msg('The queue is empty.');
  const n = formatCount(total);
  return plural(total, {
    zero: () => msg(str`${n} items wait for a moderator.`, { id: 'queue-count-zero' }),
    one: () => msg(str`${n} item waits for a moderator.`, { id: 'queue-count-one' }),
    two: () => msg(str`${n} items wait for a moderator.`, { id: 'queue-count-two' }),
    few: () => msg(str`${n} items wait for a moderator.`, { id: 'queue-count-few' }),
    many: () => msg(str`${n} items wait for a moderator.`, { id: 'queue-count-many' }),
    other: () => msg(str`${n} items wait for a moderator.`, { id: 'queue-count-other' }),
  });
}
