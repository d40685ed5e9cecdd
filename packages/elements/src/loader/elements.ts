import { msg } from '@lit/localize';
import type { ThemeName } from '../theme/tokens.ts';
import { chatAttributes, type AttributeTable, dmAttributes, observedAttributes, roomAttributes, shellAttributes } from './attributes.ts';
import { messageCount } from './facade.ts';
import { OmniShell, type ShellConfig } from './shell.ts';

type ShellClass = CustomElementConstructor & { observedAttributes: readonly string[] };

/** Properties that mirror an attribute, as on the view: strings, or booleans for presence attributes. */
function reflect(shell: ShellClass, properties: AttributeTable): void {
  for (const [property, { attribute, fallback }] of Object.entries(properties)) {
    const flag = typeof fallback === 'boolean';
    Object.defineProperty(shell.prototype, property, {
      configurable: true,
      enumerable: true,
      get(this: HTMLElement): string | boolean {
        return flag ? this.hasAttribute(attribute) : (this.getAttribute(attribute) ?? fallback);
      },
      set(this: HTMLElement, value: string | boolean | null | undefined) {
        if (value === null || value === undefined || value === false) this.removeAttribute(attribute);
        else this.setAttribute(attribute, flag ? '' : String(value));
      },
    });
  }
}

/**
 * A Matrix room embedded in the page. Shows a facade with the room's name until it nears the viewport
 * or is touched, then the full room (timeline and composer) in the same box.
 *
 * Its slots, the parts of the room inside and the events the room fires are declared on the view
 * (`OmniRoomView`); the manifest puts them together (custom-elements-manifest.config.mjs).
 *
 * @tagname omni-room
 * @summary A community chat room.
 * @csspart facade - The stand-in shown before the room has loaded.
 * @csspart facade-title - The facade's title (the `room` attribute).
 * @csspart facade-button - The facade's "Join the discussion" button.
 * @csspart launcher - With `presentation="launcher"`: the button that opens the panel.
 * @csspart launcher-icon - The launcher's chat icon.
 * @csspart launcher-badge - The launcher's unread count (hidden at zero).
 * @csspart launcher-mentions - The launcher's mark of unread mentions of the member, "@" (hidden without any; how many is in the button's name).
 * @csspart panel - The launcher's panel (a modal `<dialog>`) holding the full view.
 * @csspart panel-close - The panel's Close button.
 * @cssproperty --omni-room-height - Height of the element, reserved before the room loads (default 28rem).
 * @attr loading - `lazy` (default): load the room as it nears the viewport or is touched; `eager`: at once.
 * @attr collapse - `auto` (default): the view collapses back to the facade once it has stayed more than about two
 *   viewports away (never while the member is using it); `never`: it stays mounted.
 * @attr presentation - `inline` (default) or `launcher`: a compact chat button named after the conversation, with a
 *   badge counting unread messages (its view follows the room behind the closed panel), that opens the full view in
 *   a panel anchored to it.
 * @attr message-count - A message count the page already knows, shown on the facade.
 * @attr lang - The language of the element's text (`de`, `fr-CA`, `ar`…); without it, the closest `lang` around it
 *   (the page's), then English. Arabic and Hebrew lay out right to left. See docs/languages.md.
 * @fires omni-error - The room, the homeserver or the chat's code cannot be loaded; `event.error` says why.
 * @fires omni-unread-change - The number of unread messages changed; `count` (also shown on a launcher's badge).
 */
export class OmniRoom extends OmniShell {
  static readonly observedAttributes = observedAttributes(roomAttributes, shellAttributes.room);
  /** A homeserver base URL (`https://matrix.example.org`) or server name (`example.org`). */
  declare homeserver: string;
  /** The room: `#alias:server` or `!roomid:server`. */
  declare room: string;
  /** `light` (default), `dark`, or `auto` (the page's `color-scheme`, then `prefers-color-scheme`). */
  declare theme: ThemeName;
  /** Which files members may send, as the HTML `accept` attribute lists them (`image/*`, `.pdf`), judged from the bytes; `none` for none. Default: any. */
  declare acceptFiles: string;
  /** The same for guests, in place of `accept-files` (e.g. `image/*`: guests send images only). */
  declare guestAcceptFiles: string;
  /** The largest file members may send (`5 MB`, `500 kB`, bytes), below the homeserver's own limit. */
  declare maxFileSize: string;

  static override readonly shell: ShellConfig = {
    kind: 'room',
    properties: roomAttributes,
    view: 'room',
    text: {
      title: (element) => element.getAttribute('room') ?? '',
      meta: messageCount,
      action: () => msg('Join the discussion'),
    },
  };
}
reflect(OmniRoom, roomAttributes);

/**
 * Topic chat tied to a post. Shows a facade with the post's title until it nears the viewport or is
 * touched, then the full post chat in the same box.
 *
 * Its slots, the parts of the discussion inside and the events it fires are declared on the view
 * (`OmniChatView`); the manifest puts them together (custom-elements-manifest.config.mjs).
 *
 * @tagname omni-chat
 * @summary The chat under a post.
 * @csspart facade - The stand-in shown before the chat has loaded.
 * @csspart facade-title - The facade's title (the `post-title` attribute).
 * @csspart facade-button - The facade's "Join the discussion" button.
 * @csspart launcher - With `presentation="launcher"`: the button that opens the panel.
 * @csspart launcher-icon - The launcher's chat icon.
 * @csspart launcher-badge - The launcher's unread count (hidden at zero).
 * @csspart launcher-mentions - The launcher's mark of unread mentions of the member, "@" (hidden without any; how many is in the button's name).
 * @csspart panel - The launcher's panel (a modal `<dialog>`) holding the full view.
 * @csspart panel-close - The panel's Close button.
 * @cssproperty --omni-chat-height - Height of the element, reserved before the chat loads (default 28rem).
 * @attr loading - `lazy` (default): load the chat as it nears the viewport or is touched; `eager`: at once.
 * @attr collapse - `auto` (default): the view collapses back to the facade once it has stayed more than about two
 *   viewports away (never while the member is using it); `never`: it stays mounted.
 * @attr presentation - `inline` (default) or `launcher`: a compact chat button named after the conversation, with a
 *   badge counting unread messages (its view follows the room behind the closed panel), that opens the full view in
 *   a panel anchored to it.
 * @attr message-count - A message count the page already knows, shown on the facade.
 * @attr lang - The language of the element's text (`de`, `fr-CA`, `ar`…); without it, the closest `lang` around it
 *   (the page's), then English. Arabic and Hebrew lay out right to left. See docs/languages.md.
 * @fires omni-error - The chat cannot be shown or its code cannot be loaded; `event.error` says why.
 * @fires omni-unread-change - The number of unread messages changed; `count` (also shown on a launcher's badge).
 */
export class OmniChat extends OmniShell {
  static readonly observedAttributes = observedAttributes(chatAttributes, shellAttributes.chat);
  /** A homeserver base URL or server name. */
  declare homeserver: string;
  /** The site's id of the post. */
  declare post: string;
  /** The post's canonical URL. */
  declare postUrl: string;
  /** The post's title: the facade's heading and the room's name. */
  declare postTitle: string;
  /** World-readable, unencrypted discussion that visitors read as guests. */
  declare open: boolean;
  /** Space-separated user ids given power 100 in the room when it is created. */
  declare moderators: string;
  /** The alias localpart template, `{id}` standing for the encoded post id. */
  declare aliasTemplate: string;
  /** The site's companion bot, trusted before the homeserver's `.well-known` (docs/server.md). */
  declare companionBot: string;
  /** `chat` (default): one conversation; `comments`: top-level messages as comments, their threads as replies (docs/threads.md). */
  declare layout: string;
  /** `light` (default), `dark`, or `auto`. */
  declare theme: ThemeName;
  /** Which files members may send, as the HTML `accept` attribute lists them (`image/*`, `.pdf`), judged from the bytes; `none` for none. Default: any. */
  declare acceptFiles: string;
  /** The same for guests, in place of `accept-files` (e.g. `image/*`: guests send images only). */
  declare guestAcceptFiles: string;
  /** The largest file members may send (`5 MB`, `500 kB`, bytes), below the homeserver's own limit. */
  declare maxFileSize: string;

  static override readonly shell: ShellConfig = {
    kind: 'chat',
    properties: chatAttributes,
    view: 'chat',
    text: {
      title: (element) => element.getAttribute('post-title') ?? msg('Discussion'),
      meta: messageCount,
      action: () => msg('Join the discussion'),
    },
  };
}
reflect(OmniChat, chatAttributes);

/**
 * A private, end-to-end encrypted conversation with one member. Shows a facade with the other member's
 * id until it nears the viewport or is touched, then the conversation in the same box; nothing is
 * created on the homeserver until the member's first message.
 *
 * Its slots, the parts of the conversation inside and the events it fires are declared on the view
 * (`OmniDmView`); the manifest puts them together (custom-elements-manifest.config.mjs).
 *
 * @tagname omni-dm
 * @summary A private, encrypted conversation with one member.
 * @csspart facade - The stand-in shown before the conversation has loaded.
 * @csspart facade-title - The facade's title (the `user` attribute).
 * @csspart facade-button - The facade's "Open the conversation" button.
 * @csspart launcher - With `presentation="launcher"`: the button that opens the panel.
 * @csspart launcher-icon - The launcher's chat icon.
 * @csspart launcher-badge - The launcher's unread count (hidden at zero).
 * @csspart launcher-mentions - The launcher's mark of unread mentions of the member, "@" (hidden without any; how many is in the button's name).
 * @csspart panel - The launcher's panel (a modal `<dialog>`) holding the full view.
 * @csspart panel-close - The panel's Close button.
 * @cssproperty --omni-dm-height - Height of the element, reserved before it loads (default `--omni-room-height`, then 28rem).
 * @attr loading - `lazy` (default): load as it nears the viewport or is touched; `eager`: at once.
 * @attr collapse - `auto` (default): the view collapses back to the facade once it has stayed more than about two
 *   viewports away (never while the member is using it); `never`: it stays mounted.
 * @attr presentation - `inline` (default) or `launcher`: a compact chat button named after the conversation, with a
 *   badge counting unread messages (its view follows the room behind the closed panel), that opens the full view in
 *   a panel anchored to it.
 * @attr lang - The language of the element's text (`de`, `fr-CA`, `ar`…); without it, the closest `lang` around it
 *   (the page's), then English. Arabic and Hebrew lay out right to left. See docs/languages.md.
 * @fires omni-error - The conversation cannot be shown or its code cannot be loaded; `event.error` says why.
 * @fires omni-unread-change - The number of unread messages changed; `count` (also shown on a launcher's badge).
 */
export class OmniDm extends OmniShell {
  static readonly observedAttributes = observedAttributes(dmAttributes, shellAttributes.dm);
  /** The other member: `@name:server`. */
  declare user: string;
  /** A homeserver base URL or server name. */
  declare homeserver: string;
  /** `light` (default), `dark`, or `auto`. */
  declare theme: ThemeName;
  /** Which files members may send, as the HTML `accept` attribute lists them (`image/*`, `.pdf`), judged from the bytes; `none` for none. Default: any. */
  declare acceptFiles: string;
  /** The largest file members may send (`5 MB`, `500 kB`, bytes), below the homeserver's own limit. */
  declare maxFileSize: string;

  static override readonly shell: ShellConfig = {
    kind: 'dm',
    properties: dmAttributes,
    view: 'dm',
    text: {
      title: (element) => element.getAttribute('user') ?? msg('Direct messages'),
      meta: () => msg('End-to-end encrypted'),
      action: () => msg('Open the conversation'),
    },
  };
}
reflect(OmniDm, dmAttributes);

/** Registers a tag unless it is taken (a page may include the loader twice). */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

declare global {
  interface HTMLElementTagNameMap {
    'omni-room': OmniRoom;
    'omni-chat': OmniChat;
    'omni-dm': OmniDm;
  }
}
