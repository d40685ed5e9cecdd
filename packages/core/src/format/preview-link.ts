/** Which link of a message gets a preview card: the first http(s) one, as Element, Slack and Discord do. */
import { linkifyText } from './linkify.ts';

/** Longer URLs get no preview: no page worth previewing needs one, and it bounds what is sent to the homeserver. */
export const MAX_PREVIEW_URL_LENGTH = 2_048;

/**
 * The first http(s) link of a plain body, or undefined. Matrix permalinks (`matrix.to`) are mentions and
 * links into rooms, shown as such, never previewed.
 */
export function previewableLink(body: string): string | undefined {
  if (!body.includes('.')) return undefined;
  for (const token of linkifyText(body)) {
    if (token.type !== 'link' || token.href.length > MAX_PREVIEW_URL_LENGTH) continue;
    const url = new URL(token.href);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== 'matrix.to') return url.href;
  }
  return undefined;
}
