/**
 * What receivers need to lay out an image before it loads: its size, a downscaled thumbnail (drawn in
 * the browser, so encrypted rooms get one the server never sees in the clear) and a blurhash placeholder.
 */
import { encode } from 'blurhash';

/** The thumbnail box: an image larger than this gets a thumbnail of its own. */
export const THUMBNAIL_BOX = { width: 800, height: 600 } as const;
/** Blurhash is computed from a picture this small: the placeholder is a blur anyway. */
const BLURHASH_SIDE = 32;

export interface ImageThumbnail {
  readonly data: Blob;
  readonly mimetype: string;
  readonly width: number;
  readonly height: number;
}

export interface ImageDescription {
  readonly width: number;
  readonly height: number;
  readonly blurhash?: string;
  readonly thumbnail?: ImageThumbnail;
}

/** The size an image is drawn at to fit a box, never scaled up. */
export function fitWithin(
  width: number,
  height: number,
  box: { readonly width: number; readonly height: number },
): { width: number; height: number } {
  const scale = Math.min(1, box.width / width, box.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

function canvas(width: number, height: number): { context: Canvas2D; toBlob: (type: string) => Promise<Blob | null> } | undefined {
  if (typeof OffscreenCanvas !== 'undefined') {
    const offscreen = new OffscreenCanvas(width, height);
    const context = offscreen.getContext('2d');
    return context ? { context, toBlob: (type) => offscreen.convertToBlob({ type, quality: 0.8 }) } : undefined;
  }
  if (typeof document === 'undefined') return undefined;
  const element = document.createElement('canvas');
  element.width = width;
  element.height = height;
  const context = element.getContext('2d');
  return context ? { context, toBlob: (type) => new Promise((resolve) => element.toBlob(resolve, type, 0.8)) } : undefined;
}

/**
 * Decodes the image (its bytes, not its name or declared type, decide) and describes it; undefined
 * when it does not decode as an image or this environment cannot draw (the file is then sent as a file).
 */
export async function describeImage(file: Blob): Promise<ImageDescription | undefined> {
  if (typeof createImageBitmap === 'undefined') return undefined;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return undefined;
  }
  try {
    return await describeBitmap(bitmap, false);
  } finally {
    bitmap.close();
  }
}

/**
 * Describes a decoded picture (an image, or a video's frame); `alwaysThumbnail` draws one even when the
 * picture is small (a video's poster: the video itself is not shown until it is played).
 */
export async function describeBitmap(bitmap: ImageBitmap, alwaysThumbnail: boolean): Promise<ImageDescription | undefined> {
  const { width, height } = bitmap;
  if (width === 0 || height === 0) return undefined;
  const blurhash = blurhashOf(bitmap);
  const large = width > THUMBNAIL_BOX.width || height > THUMBNAIL_BOX.height;
  const thumbnail = alwaysThumbnail || large ? await thumbnailOf(bitmap) : undefined;
  return { width, height, ...(blurhash ? { blurhash } : {}), ...(thumbnail ? { thumbnail } : {}) };
}

function blurhashOf(bitmap: ImageBitmap): string | undefined {
  const size = fitWithin(bitmap.width, bitmap.height, { width: BLURHASH_SIDE, height: BLURHASH_SIDE });
  const target = canvas(size.width, size.height);
  if (!target) return undefined;
  target.context.drawImage(bitmap, 0, 0, size.width, size.height);
  const pixels = target.context.getImageData(0, 0, size.width, size.height);
  return encode(pixels.data, size.width, size.height, 4, 3);
}

async function thumbnailOf(bitmap: ImageBitmap): Promise<ImageThumbnail | undefined> {
  const size = fitWithin(bitmap.width, bitmap.height, THUMBNAIL_BOX);
  const target = canvas(size.width, size.height);
  if (!target) return undefined;
  target.context.drawImage(bitmap, 0, 0, size.width, size.height);
  // WebP keeps transparency at JPEG's size; a browser that cannot encode it answers PNG, which is fine.
  const data = await target.toBlob('image/webp');
  if (!data) return undefined;
  return { data, mimetype: data.type || 'image/png', ...size };
}
