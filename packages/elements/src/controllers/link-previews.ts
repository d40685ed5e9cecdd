/**
 * The header's **Link previews** switch: on by default in plain rooms, off by default in encrypted ones,
 * where the homeserver asked for a preview would learn the links sent there (docs/security.md).
 */
import { msg } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { RoomSnapshot, SessionView } from '@omnisocial/core';

export function renderLinkPreviewsSwitch(snapshot: RoomSnapshot, room: SessionView): TemplateResult | typeof nothing {
  if (snapshot.status !== 'ready' || snapshot.linkPreviews === undefined) return nothing;
  const on = snapshot.linkPreviews;
  return html`<button
    type="button"
    class="members-button"
    part="link-previews-button"
    aria-pressed=${on ? 'true' : 'false'}
    title=${
      snapshot.encrypted
        ? msg('Show previews of links: your homeserver fetches them, so it learns the links sent in this encrypted room')
        : msg('Show previews of links, fetched by your homeserver')
    }
    @click=${() => void room.setLinkPreviews(!on).catch(() => undefined)}
  >
    ${msg('Link previews')}
  </button>`;
}
