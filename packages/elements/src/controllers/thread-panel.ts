import { msg } from '@lit/localize';
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { MessageItem, RoomSnapshot, SessionView, ThreadHandle } from '@omnisocial/core';
import type { OmniView } from '../base/omni-view.ts';
import { cannotSendText } from '../components/composer/cannot-send.ts';
import '../components/thread/define.ts';
import type { OmniThread } from '../components/thread/omni-thread.ts';
import type { TimelineController } from '../components/timeline/timeline.ts';

/** The element focus is in, looking through shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}

/**
 * A room view's open thread: opens it from a message ("Reply in thread", T, the summary under a root),
 * renders `<omni-thread>` (beside the timeline, or over it on a narrow element; see thread-layout.styles.ts),
 * and on close releases it and puts focus back where it was. One thread at a time; another room closes it.
 */
export class ThreadPanelController implements ReactiveController {
  readonly #host: OmniView;
  readonly #room: SessionView;
  readonly #timeline: () => TimelineController;
  #handle: ThreadHandle | undefined;
  /** A thread asked for before the room could open it (a visitor's light read, before the engine): opened once it can. */
  #pending: string | undefined;
  #roomId: string | undefined;
  #returnFocus: HTMLElement | null = null;

  /** Shows the view's sign-in, for a reader of a thread from outside who wants to reply. */
  readonly #signIn: (() => void) | undefined;

  constructor(host: OmniView, room: SessionView, timeline: () => TimelineController, signIn?: () => void) {
    this.#host = host;
    this.#room = room;
    this.#timeline = timeline;
    this.#signIn = signIn;
    host.addController(this);
  }

  get openRoot(): string | undefined {
    return this.#handle?.snapshot.rootId;
  }

  hostDisconnected(): void {
    this.#release();
  }

  /** Opens the thread under `message` (a root, or a message to start one under) and focuses its composer. */
  open(message: MessageItem): void {
    const rootId = message.eventId;
    if (!rootId || rootId.startsWith('~')) return;
    if (this.#handle?.snapshot.rootId !== rootId) {
      this.#release();
      this.#handle = this.#room.openThread(rootId);
      this.#pending = this.#handle ? undefined : rootId;
    }
    this.#returnFocus = deepActiveElement();
    this.#host.viewHost.internals.states.add('thread-open');
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#panel()?.focusStart());
  }

  /** Closes the thread; focus goes back to what opened it, or to its root in the timeline. */
  close(): void {
    const rootId = this.#handle?.snapshot.rootId;
    this.#release();
    this.#host.requestUpdate();
    const back = this.#returnFocus;
    this.#returnFocus = null;
    void this.#host.updateComplete.then(() => {
      if (back?.isConnected) back.focus();
      else if (rootId) this.#timeline().jumpTo(rootId);
    });
  }

  #release(): void {
    this.#handle?.release();
    this.#handle = undefined;
    this.#pending = undefined;
    this.#host.viewHost.internals.states.delete('thread-open');
  }

  #panel(): OmniThread | null {
    return this.#host.renderRoot.querySelector('omni-thread');
  }

  readonly #onClose = (): void => this.close();

  readonly #onSignIn = (): void => {
    this.close();
    this.#signIn?.();
  };

  /** The panel of the open thread (nothing when none is open, or the room changed). */
  render(snapshot: RoomSnapshot, draftKey: string): TemplateResult | typeof nothing {
    // Another room closes the thread (a room id appearing, at the hand-over from the light read, does not).
    if (snapshot.roomId !== undefined && snapshot.roomId !== this.#roomId) {
      if (this.#roomId !== undefined) this.#release();
      this.#roomId = snapshot.roomId;
    }
    if (this.#pending !== undefined) {
      this.#handle = this.#room.openThread(this.#pending);
      if (this.#handle) this.#pending = undefined;
    }
    const handle = this.#handle;
    const rootId = handle?.snapshot.rootId ?? this.#pending;
    if (rootId === undefined) return nothing;
    const room = this.#room;
    return html`<omni-thread
      class="thread-panel"
      part="thread"
      exportparts="thread-header, thread-close, log, timeline, message, bubble, reply-quote, reactions, actions, composer, textbox, send-button, link-preview, link-preview-thumbnail, link-preview-title, link-preview-description, link-preview-host, link-preview-close"
      role="region"
      aria-label=${msg('Thread')}
      .handle=${handle}
      .canSend=${snapshot.canSend}
      .cannotSendReason=${cannotSendText(snapshot.cannotSendReason)}
      .encrypted=${snapshot.encrypted}
      .mentionRoom=${snapshot.permissions?.notifyRoom === true}
      .linkPreviews=${snapshot.linkPreviews === true}
      .draftKey=${`${draftKey}|thread|${rootId}`}
      .actions=${{
        toggleReaction: (eventId: string, key: string) => void room.toggleReaction(eventId, key).catch(() => undefined),
        edit: (eventId: string, message: Parameters<SessionView['edit']>[1]) => room.edit(eventId, message),
        redact: (message: MessageItem) => {
          if (message.eventId) void room.redact(message.eventId).catch(() => undefined);
        },
        retry: (key: string) => void room.retry(key).catch(() => undefined),
        cancel: (key: string) => void room.cancel(key).catch(() => undefined),
        setTyping: (typing: boolean) => room.setTyping(typing),
        searchMembers: (query: string) => room.searchMembers(query, 8),
        loadMedia: room.loadMedia.bind(room),
        previewLink: (url: string) => room.previewLink(url),
      }}
      @omni-thread-close=${this.#onClose}
      @omni-thread-sign-in=${this.#onSignIn}
    ></omni-thread>`;
  }
}
