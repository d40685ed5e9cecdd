import type { MediaInfo } from '@omnisocial/core';

/** File sizes as people read them, for attachments in the timeline (see i18n/format.ts). */
export { humanSize } from '../../i18n/format.ts';

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
