/**
 * The reason sent with a report. In an encrypted room the server's administrators cannot read the reported message;
 * with the reporter's consent the element appends the text as the reporter read it, after a fixed line that the
 * companion's queue recognises (packages/server/src/moderation/report-quote.ts; docs/moderation.md, "Reports of
 * encrypted messages").
 */
const QUOTE_MARK = '\n\n> Reported message, as the reporter read it:\n';
/** The most of the message's text sent with a report. */
export const QUOTE_MAX = 2_000;

export function reportReason(reason: string, quote: string | undefined): string {
  if (quote === undefined || quote === '') return reason;
  const text = quote.length > QUOTE_MAX ? `${quote.slice(0, QUOTE_MAX)}…` : quote;
  return `${reason}${QUOTE_MARK}${text}`;
}
