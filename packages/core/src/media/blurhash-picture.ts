/**
 * A picture's blurhash drawn as a small image (a blob URL, which a strict CSP allows for images as it does
 * for the media itself): what its box shows until the picture loads, or when it cannot be loaded.
 */
import { decode, isBlurhashValid } from 'blurhash';

/** The blur is drawn this small and scaled up by the browser: it is a blur anyway. */
const SIDE = 32;
const pictures = new Map<string, Promise<string | undefined>>();

async function draw(hash: string, width: number, height: number): Promise<string | undefined> {
  if (typeof OffscreenCanvas === 'undefined' || !isBlurhashValid(hash).result) return undefined;
  const scale = Math.min(1, SIDE / Math.max(width, height, 1));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = new OffscreenCanvas(w, h);
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  context.putImageData(new ImageData(new Uint8ClampedArray(decode(hash, w, h)), w, h), 0, 0);
  return URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
}

/** The blurhash as a blob URL of a picture of the same aspect ratio; undefined when it is not a blurhash. */
export function blurhashPicture(hash: string, width = SIDE, height = SIDE): Promise<string | undefined> {
  const key = `${hash}|${String(width / height)}`;
  let picture = pictures.get(key);
  if (!picture) {
    picture = draw(hash, width, height).catch(() => undefined);
    pictures.set(key, picture);
  }
  return picture;
}
