/**
 * Server-side rendering of the elements' facades, with no DOM: a server (Next.js, Nuxt, Astro, a plain Node
 * template) writes each element with its facade already inside, as a declarative shadow root
 * (`<template shadowrootmode="open">`). The browser attaches it while parsing, so the page's first paint shows the
 * facade at its final size; the loader, once it runs, takes the same shadow root over (`attachShadow` returns a
 * declarative root emptied) and draws the same facade, so nothing moves.
 *
 * The markup mirrors the loader's `buildFacade()`/`buildLauncher()` and its styles are the loader's own rules
 * (`hostRules`), so the two cannot drift apart in size. Text only from the attributes, escaped.
 */
import { msg, str } from '@lit/localize';
import { OmniChat, OmniDm, OmniRoom } from './loader/elements.ts';
import { LAUNCHER_ICON, launcherTitle } from './loader/facade.ts';
import { chatAttributes, dmAttributes, roomAttributes, type AttributeTable } from './loader/attributes.ts';
import type { ShellConfig } from './loader/shell.ts';
import { hostRules } from './loader/styles.ts';

/** The tags a server can render. */
export type OmniTag = 'omni-room' | 'omni-chat' | 'omni-dm';

/** An attribute's value as a server has it: `true` writes a presence attribute, `false`, null and undefined none. */
export type ServerAttributeValue = string | number | boolean | null | undefined;

/** Attributes by their HTML names (`post-title`, `message-count`), as they will be written on the element. */
export type ServerAttributes = Readonly<Record<string, ServerAttributeValue>>;

export interface ServerRenderOptions {
  /**
   * The nonce of the page's `style-src` Content-Security-Policy: a declarative shadow root carries its styles in a
   * `<style>` element (the loader's constructable stylesheets need no nonce, but do not exist before it runs).
   */
  readonly nonce?: string;
}

const shells: Readonly<Record<OmniTag, { readonly config: ShellConfig; readonly attributes: AttributeTable }>> = {
  'omni-room': { config: OmniRoom.shell, attributes: roomAttributes },
  'omni-chat': { config: OmniChat.shell, attributes: chatAttributes },
  'omni-dm': { config: OmniDm.shell, attributes: dmAttributes },
};

const escapeText = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const escapeAttribute = (text: string): string => escapeText(text).replaceAll('"', '&quot;');

const ATTRIBUTE_NAME = /^[a-z][a-z0-9-]*$/u;

/** The attributes as written: presence attributes empty, absent ones left out, every value a string. */
function written(attributes: ServerAttributes): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (!ATTRIBUTE_NAME.test(name)) throw new TypeError(`"${name}" is not an attribute name`);
    values.set(name, value === true ? '' : String(value));
  }
  return values;
}

/** What the facade's text functions read of an element: its attributes. */
const attributeReader = (values: ReadonlyMap<string, string>): HTMLElement =>
  ({ getAttribute: (name: string) => values.get(name) ?? null }) as unknown as HTMLElement;

function facadeMarkup(config: ShellConfig, values: ReadonlyMap<string, string>): string {
  const element = attributeReader(values);
  const { text } = config;
  if (values.get('presentation') === 'launcher' && config.view) {
    const label = launcherTitle(text.title(element), undefined);
    return (
      `<button type="button" class="launcher" part="launcher" aria-haspopup="dialog" aria-label="${escapeAttribute(msg(str`Open chat: ${label}`))}">` +
      `<svg viewBox="0 0 24 24" aria-hidden="true" part="launcher-icon"><path d="${LAUNCHER_ICON}"></path></svg>` +
      `<span class="name" title="${escapeAttribute(label)}">${escapeText(label)}</span> <span part="launcher-badge"></span><span part="launcher-mentions"></span></button>`
    );
  }
  const meta = text.meta(element, undefined);
  const button = text.action ? `<button type="button" part="facade-button">${escapeText(text.action())}</button>` : '';
  return (
    `<div class="facade" part="facade"><p class="title" part="facade-title">${escapeText(text.title(element))}</p>` +
    `<p class="meta" role="status">${escapeText(meta)}</p>${button}</div>`
  );
}

/**
 * What the element's shadow root holds before the loader runs: the loader's styles and the facade. A framework that
 * writes the `<template shadowrootmode="open" shadowrootdelegatesfocus>` itself puts this inside it.
 */
export function serverShadowContent(tag: OmniTag, attributes: ServerAttributes, options: ServerRenderOptions = {}): string {
  const shell = shells[tag];
  const nonce = options.nonce === undefined ? '' : ` nonce="${escapeAttribute(options.nonce)}"`;
  return `<style${nonce}>${hostRules(shell.config.kind)}</style>${facadeMarkup(shell.config, written(attributes))}`;
}

/** The element's declarative shadow root, to put first inside the element (`serverElement()` writes both). */
export function serverFacade(tag: OmniTag, attributes: ServerAttributes, options: ServerRenderOptions = {}): string {
  return `<template shadowrootmode="open" shadowrootdelegatesfocus>${serverShadowContent(tag, attributes, options)}</template>`;
}

/** The whole element as HTML: its attributes, then its facade in a declarative shadow root. */
export function serverElement(tag: OmniTag, attributes: ServerAttributes, options: ServerRenderOptions = {}): string {
  const values = [...written(attributes)].map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
  return `<${tag}${values}>${serverFacade(tag, attributes, options)}</${tag}>`;
}

/**
 * A framework's props as the element's attributes: properties named in the element's attribute table (`postTitle`)
 * become their attribute (`post-title`), other strings, numbers and booleans named as attributes keep their name
 * (`loading`, `message-count`); functions (event handlers), objects and a framework's own props (`className`) are
 * left out.
 */
export function attributesFromProperties(
  tag: OmniTag,
  properties: Readonly<Record<string, unknown>>,
): Record<string, ServerAttributeValue> {
  const table = shells[tag].attributes;
  const attributes: Record<string, ServerAttributeValue> = {};
  for (const [name, value] of Object.entries(properties)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    const attribute = table[name]?.attribute ?? name;
    if (ATTRIBUTE_NAME.test(attribute)) attributes[attribute] = value;
  }
  return attributes;
}
