import { msg } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { MessageItem, RoomSnapshot } from '@omnisocial/core';
import { undecryptableHeadline } from '../components/message-tile/message-state.ts';

/** The member's choices, kept for the page's origin: notify at all, and show the text of encrypted messages. */
const NOTIFY_KEY = 'omni-notify';
const TEXT_KEY = 'omni-notify-text';
const BODY_MAX = 200;
/** How far the homeserver's clock may be behind the browser's for a new message to still count as new. */
const CLOCK_SKEW_MS = 5_000;

function stored(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function store(key: string, on: boolean): void {
  try {
    if (on) localStorage.setItem(key, '1');
    else localStorage.removeItem(key);
  } catch {
    // Storage refused (private mode, a sandboxed frame): the choice lasts as long as the page.
  }
}

const supported = (): boolean => typeof Notification === 'function';

let knownPermission: NotificationPermission | undefined;
let watchingPermission = false;

/**
 * `Notification.permission`, which asks the browser process on each read (a synchronous round trip that
 * took milliseconds of every render, the local echo's frame included): read once, and again after the
 * member may have changed it (back to the page, or the Notify me button).
 */
function permission(): NotificationPermission {
  if (!watchingPermission) {
    watchingPermission = true;
    const forget = (): void => {
      knownPermission = undefined;
    };
    window.addEventListener('focus', forget);
    document.addEventListener('visibilitychange', forget);
  }
  knownPermission ??= Notification.permission;
  return knownPermission;
}

/**
 * Reads the permission ahead of a room's first render (whose header's **Notify me** shows it), in idle time: the
 * round trip to the browser process and the listeners that forget the answer are then not part of that render.
 */
export function preparePermission(): void {
  if (supported()) permission();
}

/** What a notification says, or undefined when the message does not call for one (not a DM, not a mention). */
export function notificationFor(snapshot: RoomSnapshot, item: MessageItem, showText: boolean): { title: string; body: string } | undefined {
  if (item.own || item.redacted || (!snapshot.directWith && !item.mentionsMe)) return undefined;
  const sender = item.sender.displayName;
  const room = snapshot.name ?? '';
  const title = snapshot.directWith ? sender : `${sender} · ${room}`;
  const shown = item.undecryptable ? undecryptableHeadline(item) : item.body;
  const text = shown.length > BODY_MAX ? `${shown.slice(0, BODY_MAX)}…` : shown;
  const body =
    snapshot.encrypted && !showText
      ? item.mentionsMe
        ? msg('Mentioned you in an encrypted message')
        : msg('Sent you an encrypted message')
      : text;
  return { title, body };
}

/**
 * Browser notifications for a room view: while the page is hidden, a DM or a mention of the member shows a system
 * notification; clicking it brings the page and the element forward. Permission is asked only when the member
 * presses the header's **Notify me** button (never on load); a refused or revoked permission shows on the button.
 * Encrypted messages show their text only if the member chose **Show text**.
 */
export class NotificationsController {
  readonly #host: HTMLElement & { requestUpdate(): void };
  /** The newest message seen, so only messages arriving after it notify (history never does). */
  #latestSeen: string | undefined;
  /** When the view first saw the room (less the clocks' possible disagreement). */
  #since: number | undefined;

  constructor(host: HTMLElement & { requestUpdate(): void }) {
    this.#host = host;
  }

  /** Called with each snapshot of a ready room: notifies about the messages that arrived since the last one. */
  observe(snapshot: RoomSnapshot): void {
    const messages = snapshot.items.filter((item): item is MessageItem => item.kind === 'message' && item.eventId !== undefined);
    const newest = messages.at(-1)?.eventId;
    if (this.#since === undefined) {
      this.#since = Date.now() - CLOCK_SKEW_MS;
      this.#latestSeen = newest;
      return;
    }
    if (newest === this.#latestSeen) return;
    // After the newest seen before, or every message when there was none (a room without messages yet); a message
    // older than the view (history loaded later) never notifies.
    const from = this.#latestSeen === undefined ? -1 : messages.findIndex((item) => item.eventId === this.#latestSeen);
    this.#latestSeen = newest;
    if (!this.#allowed() || document.visibilityState !== 'hidden') return;
    const since = this.#since;
    for (const item of messages.slice(from + 1)) if (item.timestamp >= since) this.#show(snapshot, item);
  }

  #allowed(): boolean {
    return supported() && permission() === 'granted' && stored(NOTIFY_KEY);
  }

  #show(snapshot: RoomSnapshot, item: MessageItem): void {
    const content = notificationFor(snapshot, item, stored(TEXT_KEY));
    if (!content || item.eventId === undefined) return;
    try {
      // One notification per message whichever element on the page shows it: the tag replaces a duplicate.
      const notification = new Notification(content.title, { body: content.body, tag: item.eventId });
      notification.addEventListener('click', () => {
        window.focus();
        this.#host.focus();
        notification.close();
      });
    } catch {
      // Some browsers allow notifications only from a service worker: nothing to show then.
    }
  }

  /** The header's controls for a signed-in member, where the browser has notifications. */
  renderControls(snapshot: RoomSnapshot, guest: boolean): TemplateResult | typeof nothing {
    if (!supported() || guest || snapshot.status !== 'ready') return nothing;
    const denied = permission() === 'denied';
    const on = !denied && permission() === 'granted' && stored(NOTIFY_KEY);
    const blocked = msg("Notifications are blocked for this site: allow them in the browser's settings.");
    return html`<button
        type="button"
        class="members-button"
        part="notify-button"
        aria-pressed=${on ? 'true' : 'false'}
        aria-disabled=${denied ? 'true' : 'false'}
        title=${denied ? blocked : msg('Notify me of direct messages and mentions while this page is in the background')}
        @click=${this.#toggle}
      >
        ${msg('Notify me')}
      </button>
      ${denied ? html`<span class="visually-hidden" role="status">${blocked}</span>` : nothing}
      ${
        on && snapshot.encrypted
          ? html`<button
              type="button"
              class="members-button"
              part="notify-text-button"
              aria-pressed=${stored(TEXT_KEY) ? 'true' : 'false'}
              title=${msg('Show the text of encrypted messages in notifications (the system may keep it)')}
              @click=${this.#toggleText}
            >
              ${msg('Show text')}
            </button>`
          : nothing
      }`;
  }

  readonly #toggle = async (): Promise<void> => {
    if (!supported() || permission() === 'denied') return;
    if (stored(NOTIFY_KEY) && permission() === 'granted') {
      store(NOTIFY_KEY, false);
    } else {
      // Asked here, after the member pressed the button: browsers refuse (or quietly block) a prompt without a gesture.
      const answer = permission() === 'granted' ? 'granted' : await Notification.requestPermission();
      knownPermission = answer;
      store(NOTIFY_KEY, answer === 'granted');
    }
    this.#host.requestUpdate();
  };

  readonly #toggleText = (): void => {
    store(TEXT_KEY, !stored(TEXT_KEY));
    this.#host.requestUpdate();
  };
}
