/**
 * A report of a message in an encrypted room can carry the message's text, as its reporter read it, when the reporter
 * agrees (the elements ask). The homeserver keeps only a report's `reason` where the admin API can read it, so the text
 * travels at the end of the reason, after a fixed line (`QUOTE_MARK`); the elements write it
 * (packages/elements/src/components/moderation/report-reason.ts), the queue reads it here. The companion cannot
 * check it: it is what the reporter says the message said.
 */
export const QUOTE_MARK = '\n\n> Reported message, as the reporter read it:\n';

/** The reporter's own reason, and the quoted text when there is one. */
export function splitReportReason(reason: string | null): { reason: string | null; quoted?: string } {
  if (reason === null) return { reason };
  const at = reason.indexOf(QUOTE_MARK);
  if (at === -1) return { reason };
  const own = reason.slice(0, at).trim();
  return { reason: own === '' ? null : own, quoted: reason.slice(at + QUOTE_MARK.length) };
}
