/** A base URL as the client-server API expects it: origin plus path, no trailing slash. */
export function normaliseBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
