import { msg } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { MediaInfo } from '@omnisocial/core';
import { styleProperties } from '../../base/style-properties.ts';
import { mediaBox } from './media-size.ts';

/** "1:05", "1:02:03": a recording's length as players show it. */
export function durationText(milliseconds: number): string {
  const total = Math.round(milliseconds / 1000);
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** The play button's words: audio and video, loading or ready. */
function playLabel(audio: boolean, loading: boolean): string {
  if (audio) return loading ? msg('Loading audio…') : msg('Play audio');
  return loading ? msg('Loading video…') : msg('Play video');
}

export interface PlayButton {
  readonly media: MediaInfo;
  readonly kind: 'audio' | 'video';
  /** The file's size for people (`4.2 MB`). */
  readonly size: string | undefined;
  readonly loading: boolean;
  readonly tab: number;
  /** A blob URL of the video's poster, once loaded. */
  readonly poster: string | undefined;
  readonly play: () => void;
}

const PLAY_ICON = html`<svg class="play-icon" viewBox="0 0 24 24" aria-hidden="true">
  <circle cx="12" cy="12" r="11" fill="rgb(0 0 0 / 55%)" />
  <path d="M9.5 7.5v9l7-4.5z" fill="#fff" />
</svg>`;

/**
 * What an audio or video message shows before the member plays it: a button naming it (with its length
 * when known); for a video, in the box of its size, over its poster. Nothing of the recording itself is
 * fetched until it is pressed.
 */
export function renderPlayButton(button: PlayButton): TemplateResult {
  const { media, kind, size } = button;
  const details = [size, media.duration ? durationText(media.duration) : undefined].filter(Boolean).join(', ');
  const label = html`${playLabel(kind === 'audio', button.loading)}:
    <span class="file-name">${media.name}</span>${details ? ` (${details})` : ''}`;
  const boxed = kind === 'video' && ((media.width && media.height) || media.thumbnail);
  if (!boxed) {
    return html`<button
      type="button"
      class="media-play"
      part="media-play"
      tabindex=${button.tab}
      ?disabled=${button.loading}
      @click=${button.play}
    >
      ${label}
    </button>`;
  }
  const box = mediaBox(media.width && media.height ? media : (media.thumbnail ?? media));
  // The box is the video's own, reserved before the poster (or the video) loads.
  const frame = styleProperties({ 'inline-size': `${box.width}px`, 'aspect-ratio': `${box.width} / ${box.height}` });
  return html`<button
    type="button"
    class="media-play video-poster"
    part="media-play"
    style=${frame}
    tabindex=${button.tab}
    ?disabled=${button.loading}
    @click=${button.play}
  >
    ${button.poster ? html`<img class="poster" alt="" src=${button.poster} decoding="async" />` : nothing} ${PLAY_ICON}
    <span class="play-label">${label}</span>
  </button>`;
}
