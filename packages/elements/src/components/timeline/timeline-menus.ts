import type { MessageAction, TileMenu } from '../message-tile/message-tile.ts';
import type { TimelineDom } from './timeline-dom.ts';
import type { TimelineKeyboard } from './timeline-keyboard.ts';

/** A tile's state that only the timeline knows. */
export interface TileState {
  readonly showActions: boolean;
  readonly menu: TileMenu;
  readonly expanded: boolean;
}

/**
 * What the member does with a message: its actions shown on hover or focus, its reaction and
 * delete-confirmation menus (focus moved into them and back), "Show more"/"Show less", and the commands
 * it gives (reply, edit, react, delete, retry, cancel, jump to the replied-to message).
 */
export class TimelineMenus {
  readonly #dom: TimelineDom;
  readonly #keyboard: TimelineKeyboard;
  readonly #interrupt: () => void;
  readonly #jumpTo: (eventId: string) => void;
  /** The message under the pointer, which shows its actions menu. */
  #hoverKey: string | undefined;
  #menu: { key: string; menu: TileMenu } | undefined;
  /** Long messages the member opened with "Show more". */
  readonly #expanded = new Set<string>();

  constructor(dom: TimelineDom, keyboard: TimelineKeyboard, interrupt: () => void, jumpTo: (eventId: string) => void) {
    this.#dom = dom;
    this.#keyboard = keyboard;
    this.#interrupt = interrupt;
    this.#jumpTo = jumpTo;
  }

  tileState(key: string, active: boolean): TileState {
    return {
      showActions: active || key === this.#hoverKey,
      menu: this.#menu?.key === key ? this.#menu.menu : 'none',
      expanded: this.#expanded.has(key),
    };
  }

  /** Closes the open menu; returns the key of its message, if one was open. */
  closeMenu(): string | undefined {
    const key = this.#menu?.key;
    this.#menu = undefined;
    return key;
  }

  /** Another timeline: nothing of the previous one stays open. */
  startOver(): void {
    this.#menu = undefined;
    this.#hoverKey = undefined;
    this.#expanded.clear();
  }

  onPointerOver(event: PointerEvent): void {
    const key = (event.target as HTMLElement).closest<HTMLElement>('article[data-key]')?.dataset['key'];
    if (key && key !== this.#hoverKey) {
      this.#hoverKey = key;
      this.#dom.host.requestUpdate();
    }
  }

  onAction(action: MessageAction): void {
    const actions = this.#dom.actions();
    const { message } = action;
    switch (action.type) {
      case 'react-menu':
      case 'more-menu':
      case 'confirm-delete':
        this.#menu = {
          key: message.key,
          menu: action.type === 'react-menu' ? 'react' : action.type === 'more-menu' ? 'more' : 'confirm-delete',
        };
        this.#keyboard.activeKey = message.key;
        this.#dom.host.requestUpdate();
        void this.#focusMenu(message.key);
        return;
      case 'close-menu':
        this.#menu = undefined;
        void this.#keyboard.focusItem(message.key);
        return;
      case 'react':
        this.#menu = undefined;
        if (message.eventId) actions.toggleReaction(message.eventId, action.key);
        void this.#keyboard.focusItem(message.key);
        return;
      case 'delete':
        this.#menu = undefined;
        actions.redact(message);
        void this.#keyboard.focusItem(message.key);
        return;
      case 'moderate':
        this.#menu = undefined;
        this.#keyboard.activeKey = message.key;
        this.#dom.host.requestUpdate();
        actions.moderate?.(message, action.kind, () => void this.#keyboard.focusItem(message.key));
        return;
      case 'reply':
        actions.reply(message);
        return;
      case 'thread':
        this.#menu = undefined;
        actions.openThread?.(message);
        return;
      case 'edit':
        actions.edit(message);
        return;
      case 'retry':
        actions.retry(message.key);
        return;
      case 'cancel':
        actions.cancel(message.key);
        return;
      case 'jump':
        this.#jumpTo(action.eventId);
        return;
      case 'toggle-expanded':
        if (!this.#expanded.delete(message.key)) this.#expanded.add(message.key);
        this.#keyboard.activeKey = message.key;
        this.#dom.host.requestUpdate();
        void this.#keepInView(message.key);
        return;
    }
  }

  async #focusMenu(key: string): Promise<void> {
    await this.#dom.host.updateComplete;
    this.#dom.findElement(key)?.querySelector<HTMLElement>('.actions.open button')?.focus();
  }

  /**
   * After "Show more" or "Show less" the tile changes height: its button stays under the member's
   * pointer or focus, scrolled into view if the change moved it out.
   */
  async #keepInView(key: string): Promise<void> {
    this.#interrupt();
    await this.#dom.host.updateComplete;
    await this.#dom.layoutSettled();
    const button = this.#dom.findElement(key)?.querySelector<HTMLElement>('.more');
    if (!button) return;
    button.scrollIntoView({ block: 'nearest' });
    button.focus({ preventScroll: true });
  }
}
