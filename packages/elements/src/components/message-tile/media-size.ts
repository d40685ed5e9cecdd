import type { MediaInfo } from '@omnisocial/core';

/** File sizes as people read them, for attachments in the timeline. */
const sizeUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
const sizeFormats = sizeUnits.map(
  (unit) => new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: unit === 'byte' ? 0 : 1 }),
);

/** "820 byte", "12.4 kB", "3.1 MB": decimal units, as file managers show them. */
export function humanSize(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < sizeUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return sizeFormats[unit]?.format(value) ?? `${bytes} B`;
}

/** The largest box an image or video takes in the timeline, in CSS pixels. */
export const MEDIA_BOX = { width: 320, height: 240 } as const;
/** Thumbnails are asked for at twice the box, for high-density screens (one size, so they are shared). */
/** The box an image or video is drawn in: its own aspect ratio, scaled down to fit `MEDIA_BOX`, known before it loads. */
export function mediaBox(media: Pick<MediaInfo, 'width' | 'height'>): { width: number; height: number } {
  const { width, height } = media;
  if (!width || !height || width <= 0 || height <= 0) return { ...MEDIA_BOX };
  const scale = Math.min(1, MEDIA_BOX.width / width, MEDIA_BOX.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
