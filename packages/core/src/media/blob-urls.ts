/**
 * One `blob:` URL per file for the whole page, held by whoever shows the file: the composer's tray shows a pasted
 * image, and its message's local echo shows the same file a moment later. With the same URL, the browser draws the
 * echo from the picture it already decoded for the tray instead of decoding it again (tens of milliseconds for a
 * photo), so the echo shows its picture in the frame after Enter. The URL is revoked once nobody holds it.
 */
const held = new WeakMap<Blob, { readonly url: string; holders: number }>();

/** The file's URL, held until `releaseBlobUrl` is called as many times. */
export function holdBlobUrl(file: Blob): string {
  const known = held.get(file);
  if (known) {
    known.holders += 1;
    return known.url;
  }
  const url = URL.createObjectURL(file);
  held.set(file, { url, holders: 1 });
  return url;
}

/** Lets go of one hold on the file's URL; the last one revokes it. */
export function releaseBlobUrl(file: Blob): void {
  const known = held.get(file);
  if (!known) return;
  known.holders -= 1;
  if (known.holders > 0) return;
  held.delete(file);
  URL.revokeObjectURL(known.url);
}
