import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { MediaInfo, MessageItem } from '@omnisocial/core';
import { humanSize } from './media-size.ts';

/**
 * A file being sent (its local echo, before the server has it): the member's own picture where it is one,
 * its name and size, and a progress bar while it uploads.
 */
export function renderSending(message: MessageItem, media: MediaInfo): TemplateResult {
  const upload = message.upload;
  const percent = upload && upload.total > 0 ? Math.min(100, Math.round((upload.sent / upload.total) * 100)) : 0;
  const size = media.size !== undefined ? humanSize(media.size) : undefined;
  return html`<div class="media sending" part="media-sending">
    ${
      message.msgtype === 'image' && media.localUrl
        ? html`<img class="sending-preview" alt=${message.body || media.name} src=${media.localUrl} decoding="async" />`
        : nothing
    }
    <span class="sending-file"
      ><span class="file-name">${media.name}</span>${size ? html` <span class="file-size">(${size})</span>` : nothing}</span
    >
    ${
      upload
        ? html`<progress
            class="upload-progress"
            part="upload-progress"
            max="100"
            value=${percent}
            aria-label=${msg(str`Uploading ${media.name}`)}
          >
            ${percent}%
          </progress>`
        : nothing
    }
  </div>`;
}
