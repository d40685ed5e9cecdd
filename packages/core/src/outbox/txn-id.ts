/** Transaction ids: made by the outbox, or by the page for a message whose engine runs in a worker. Imports nothing. */

/** A transaction id for a new message, kept for every attempt to send it. */
export function newTxnId(): string {
  return `omni.${Date.now().toString(36)}.${crypto.randomUUID()}`;
}
