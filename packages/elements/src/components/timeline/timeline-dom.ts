import type { LitElement } from 'lit';
import { virtualizerRef, type VirtualizerHostElement } from '@lit-labs/virtualizer/virtualize.js';
import type { LinkPreview, MemberInfo, MessageItem, RoomMember, RoomPermissions, TimelineItem } from '@omnisocial/core';
import type { LoadMedia, ModerationKind } from '../message-tile/message-tile.ts';

/** What the timeline shows: a plain slice of `RoomSnapshot`, so it renders without a homeserver. */
export interface TimelineView {
  /** Accessible name of the log, e.g. "Messages in Lobby". */
  readonly label: string;
  /** Oldest first. */
  readonly items: readonly TimelineItem[];
  readonly hasMoreBefore: boolean;
  readonly paginating: boolean;
  readonly typing: readonly MemberInfo[];
  readonly unreadCount: number;
  /** What the member may do here (delete others' messages, report); without it, only their own messages' actions. */
  readonly permissions?: RoomPermissions;
  /** For a moderator: the members, with what they may do to each (a message's sender). */
  readonly members?: readonly RoomMember[];
  /** Reporting is offered (signed-in members; guests cannot report on Synapse). */
  readonly canReport?: boolean;
  /** Link previews are on in the room (`RoomSnapshot.linkPreviews`) and `previewLink` is given. */
  readonly linkPreviews?: boolean;
  /**
   * The messages were read before the engine has the room (a light read): tiles keep their layout but offer no
   * action (no toolbar, no menu) until then, as none could be carried out yet.
   */
  readonly readOnly?: boolean;
}

/** Commands the timeline gives; the host forwards them to the room (or a test records them). */
export interface TimelineActions {
  paginateBackwards(): Promise<unknown>;
  toggleReaction(eventId: string, key: string): void;
  reply(message: MessageItem): void;
  edit(message: MessageItem): void;
  redact(message: MessageItem): void;
  retry(key: string): void;
  cancel(key: string): void;
  markRead(eventId: string): void;
  /** A moderator's action on a message or its sender, or a report: the host asks for confirmation, then focus goes back with `done`. */
  moderate?(message: MessageItem, kind: ModerationKind, done: () => void): void;
  /** Avatars and attachments through authenticated media (blob URLs); without it tiles show fallbacks. */
  loadMedia?: LoadMedia;
  /** The homeserver's preview of a link; without it, no preview cards. */
  previewLink?(url: string): Promise<LinkPreview | undefined>;
  /** Opens the thread under a message ("Reply in thread", T, its summary); without it, no thread actions. */
  openThread?(message: MessageItem): void;
}

export const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

/**
 * What the timeline's parts share: the host, the view last rendered, the commands, and the log's DOM
 * (its tiles by key, and the virtualizer that places them).
 */
export class TimelineDom {
  readonly host: LitElement;
  readonly actions: () => TimelineActions;
  view: TimelineView | undefined;

  constructor(host: LitElement, actions: () => TimelineActions) {
    this.host = host;
    this.actions = actions;
  }

  get log(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('.log');
  }

  get virtualizer(): VirtualizerHostElement[typeof virtualizerRef] {
    const log: VirtualizerHostElement | null = this.log;
    return log?.[virtualizerRef];
  }

  findElement(key: string): HTMLElement | undefined {
    const log = this.log;
    if (!log) return undefined;
    for (const child of log.children) {
      if (child instanceof HTMLElement && child.dataset['key'] === key) return child;
    }
    return undefined;
  }

  /** Resolves when the virtualizer has measured and placed its items (or after 100 ms). */
  async layoutSettled(): Promise<void> {
    const layout = this.virtualizer?.layoutComplete;
    if (!layout) return;
    await Promise.race([layout.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 100))]);
  }
}
