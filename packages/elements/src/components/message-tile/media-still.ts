/**
 * A still frame of a picture that may move (GIF, WebP, APNG), for members who asked for less motion
 * (`prefers-reduced-motion: reduce`): the timeline shows its first frame; opening it shows it moving.
 */

/** Types that can carry an animation. */
const MAY_MOVE = new Set(['image/gif', 'image/webp', 'image/apng', 'image/png']);

/** Whether this picture is shown as a still frame here: it may move and the member asked for less motion. */
export function showsStill(mimetype: string | undefined): boolean {
  if (!mimetype || !MAY_MOVE.has(mimetype.toLowerCase())) return false;
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

const stills = new Map<string, Promise<string>>();

/** The first frame of the picture at `url` (a blob URL), as a blob URL of a PNG; one per picture. */
export function stillFrame(url: string): Promise<string> {
  let still = stills.get(url);
  if (!still) {
    still = drawFirstFrame(url);
    stills.set(url, still);
    // A failed attempt is not kept: the picture may be loaded again.
    still.catch(() => stills.delete(url));
  }
  return still;
}

async function drawFirstFrame(url: string): Promise<string> {
  const blob = await (await fetch(url)).blob();
  const bitmap = await createImageBitmap(blob);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.drawImage(bitmap, 0, 0);
    return URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
  } finally {
    bitmap.close();
  }
}
