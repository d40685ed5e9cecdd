/**
 * What receivers need of a video or an audio file before they play it: its length, and for a video its size
 * and a poster frame (a thumbnail and a blurhash), read by the browser's own decoder from the member's file.
 * A file the browser cannot decode is sent without them, as other clients would.
 */
import { describeBitmap, type ImageDescription } from './image-info.ts';

export interface PlayableDescription {
  /** Length in milliseconds. */
  readonly duration?: number;
  /** A video's frame size, blurhash and poster thumbnail. */
  readonly picture?: ImageDescription;
}

/** A file that does not say what it is within this time is sent without its description. */
const DECODE_TIMEOUT_MS = 5_000;

function once(element: HTMLMediaElement, name: 'loadedmetadata' | 'loadeddata' | 'seeked'): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no ${name} within ${DECODE_TIMEOUT_MS} ms`)), DECODE_TIMEOUT_MS);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      element.removeEventListener(name, onDone);
      element.removeEventListener('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDone = (): void => finish();
    const onError = (): void => finish(new Error('the file does not decode'));
    element.addEventListener(name, onDone);
    element.addEventListener('error', onError);
  });
}

/** The frame a poster is taken from: a little way in, as the very first frame is often black. */
const posterTime = (duration: number): number => (Number.isFinite(duration) && duration > 0 ? Math.min(1, duration / 10) : 0);

async function poster(video: HTMLVideoElement): Promise<ImageDescription | undefined> {
  if (video.videoWidth === 0 || video.videoHeight === 0) return undefined;
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) await once(video, 'loadeddata');
  const at = posterTime(video.duration);
  if (at > 0) {
    const seeked = once(video, 'seeked');
    video.currentTime = at;
    await seeked;
  }
  const bitmap = await createImageBitmap(video);
  try {
    return await describeBitmap(bitmap, true);
  } finally {
    bitmap.close();
  }
}

/**
 * The length of a file whose header does not state it (a browser's own MediaRecorder writes WebM without
 * one): seeking past the end makes the browser find it. The element is put back at the start.
 */
async function measuredDuration(element: HTMLMediaElement): Promise<number> {
  try {
    const seeked = once(element, 'seeked');
    element.currentTime = Number.MAX_SAFE_INTEGER;
    await seeked;
    const back = once(element, 'seeked');
    element.currentTime = 0;
    await back;
    return element.duration;
  } catch {
    return Number.NaN;
  }
}

type Describer = (file: Blob, kind: 'video' | 'audio') => Promise<PlayableDescription | undefined>;
let elsewhere: Describer | undefined;

/** Where there is no document (the engine in a worker), `describe` asks the page, which has media elements. */
export function describePlayableElsewhere(describe: Describer): void {
  elsewhere = describe;
}

/** Decodes the start of a video or audio file in a detached, muted element; undefined outside a page or when it does not decode. */
export async function describePlayable(file: Blob, kind: 'video' | 'audio'): Promise<PlayableDescription | undefined> {
  if (typeof document === 'undefined') return elsewhere?.(file, kind);
  if (typeof URL.createObjectURL !== 'function') return undefined;
  const element = document.createElement(kind);
  element.muted = true;
  element.preload = kind === 'video' ? 'auto' : 'metadata';
  const url = URL.createObjectURL(file);
  try {
    const metadata = once(element, 'loadedmetadata');
    element.src = url;
    await metadata;
    const seconds = Number.isFinite(element.duration) ? element.duration : await measuredDuration(element);
    const duration = seconds > 0 && Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
    const picture = element instanceof HTMLVideoElement ? await poster(element).catch(() => undefined) : undefined;
    return { ...(duration !== undefined ? { duration } : {}), ...(picture ? { picture } : {}) };
  } catch {
    return undefined;
  } finally {
    element.removeAttribute('src');
    element.load();
    URL.revokeObjectURL(url);
  }
}
