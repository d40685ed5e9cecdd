/**
 * The header's **Link previews** switch: on by default in plain rooms, off by default in encrypted ones,
 * where the homeserver asked for a preview would learn the links sent there (docs/security.md).
 */
import { msg } from '@lit/localize';
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { RoomSnapshot, SessionView } from '@omnisocial/core';

const LINK = svg`<path d="M6.6 9.4a2.5 2.5 0 0 0 3.5 0l2.6-2.6a2.5 2.5 0 0 0-3.5-3.5l-.9.9M9.4 6.6a2.5 2.5 0 0 0-3.5 0L3.3 9.2a2.5 2.5 0 0 0 3.5 3.5l.9-.9" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>`;

/** On a phone the icon alone shows (the words stay its accessible name), so the header keeps its one line. */
export function renderLinkPreviewsSwitch(snapshot: RoomSnapshot, room: SessionView): TemplateResult | typeof nothing {
  if (snapshot.status !== 'ready' || snapshot.linkPreviews === undefined) return nothing;
  const on = snapshot.linkPreviews;
  return html`<button
    type="button"
    class="members-button link-previews-button"
    part="link-previews-button"
    aria-pressed=${on ? 'true' : 'false'}
    title=${
      snapshot.encrypted
        ? msg('Show previews of links: your homeserver fetches them, so it learns the links sent in this encrypted room')
        : msg('Show previews of links, fetched by your homeserver')
    }
    @click=${() => void room.setLinkPreviews(!on).catch(() => undefined)}
  >
    <svg viewBox="0 0 16 16" aria-hidden="true">${LINK}</svg><span class="link-previews-label">${msg('Link previews')}</span>
  </button>`;
}
