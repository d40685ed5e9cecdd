/** URL checks shared by the sanitiser, the Markdown composer and the linkifier. */

/** Link schemes the Matrix spec allows in `formatted_body`. */
export const LINK_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:', 'ftp:', 'mailto:', 'magnet:']);

const MXC = /^mxc:\/\/[A-Za-z0-9.:[\]-]+\/[A-Za-z0-9_-]+$/;

/** The normalised absolute URL when it has an allowed scheme, otherwise undefined (relative URLs included). */
export function safeLinkHref(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  return LINK_SCHEMES.has(url.protocol) ? url.href : undefined;
}

/** `mxc://server/media-id`, or undefined. */
export function safeMxc(value: string): string | undefined {
  const trimmed = value.trim();
  return MXC.test(trimmed) ? trimmed : undefined;
}
