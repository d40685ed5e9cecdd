import { html, noChange, nothing, type TemplateResult } from 'lit';
import { Directive, directive, PartType, type ChildPart, type PartInfo } from 'lit/directive.js';
import { isEmojiOnly, linkifyText, sanitizeFormattedBody, type BodyToken, type MessageItem } from '@omnisocial/core';

/** Message types whose `formatted_body` is shown; media types show their caption/file name as text for now. */
const RICH_TYPES: ReadonlySet<MessageItem['msgtype']> = new Set(['text', 'emote', 'notice']);

/**
 * Inserts a sanitised `formatted_body` as DOM nodes: no `unsafeHTML`, no `innerHTML`, so nothing is
 * re-parsed after sanitising and Trusted Types have no sink to guard. Re-sanitises only when the HTML changes.
 */
class FormattedBodyDirective extends Directive {
  #html: string | undefined;

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.CHILD) throw new Error('formattedBody() only renders as element content');
  }

  render(_html: string): typeof nothing {
    // Server rendering has no DOM to sanitise into; the client render fills it in.
    return nothing;
  }

  override update(part: ChildPart, [formatted]: [string]): DocumentFragment | typeof noChange {
    if (formatted === this.#html) return noChange;
    this.#html = formatted;
    const fragment = sanitizeFormattedBody(formatted, part.parentNode.ownerDocument ?? document);
    prepareForDisplay(fragment);
    return fragment;
  }
}

const formattedBody = directive(FormattedBodyDirective);

/** Turns sanitised markup into what the member interacts with: spoilers as buttons, mxc images as alt-text placeholders. */
function prepareForDisplay(fragment: DocumentFragment): void {
  for (const spoiler of fragment.querySelectorAll('span[data-mx-spoiler]')) {
    const reason = spoiler.getAttribute('data-mx-spoiler') ?? '';
    spoiler.classList.add('spoiler');
    spoiler.setAttribute('role', 'button');
    spoiler.setAttribute('tabindex', '0');
    // The label stands in for the hidden text until it is revealed, so screen readers do not read it early.
    spoiler.setAttribute('aria-label', reason ? `Spoiler: ${reason}. Activate to reveal.` : 'Spoiler. Activate to reveal.');
  }
  for (const image of fragment.querySelectorAll('img')) {
    // No media resolver yet: an image without `src` shows its alt text and makes no request.
    image.classList.add('mxc-image');
    if (!image.getAttribute('alt')) image.setAttribute('alt', image.getAttribute('title') ?? 'Image');
  }
}

function reveal(spoiler: Element): void {
  spoiler.classList.add('revealed');
  spoiler.removeAttribute('role');
  spoiler.removeAttribute('tabindex');
  spoiler.removeAttribute('aria-label');
}

function hiddenSpoiler(event: Event): Element | null {
  const target = event.target;
  return target instanceof Element ? target.closest('.spoiler:not(.revealed)') : null;
}

function onSpoilerClick(event: MouseEvent): void {
  const spoiler = hiddenSpoiler(event);
  if (!spoiler) return;
  event.preventDefault();
  reveal(spoiler);
}

function onSpoilerKeydown(event: KeyboardEvent): void {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  const spoiler = hiddenSpoiler(event);
  if (!spoiler) return;
  // Enter/Space on a spoiler reveals it; they must not also reach the timeline's or tile's key handling.
  event.preventDefault();
  event.stopPropagation();
  reveal(spoiler);
}

/** Link tokens per body: tiles re-render often (receipts, reactions), bodies rarely change. */
const linkCache = new Map<string, BodyToken[]>();
const LINK_CACHE_SIZE = 500;

function tokensOf(body: string): BodyToken[] {
  const cached = linkCache.get(body);
  if (cached) return cached;
  const tokens = linkifyText(body);
  if (linkCache.size >= LINK_CACHE_SIZE) {
    const oldest = linkCache.keys().next();
    if (!oldest.done) linkCache.delete(oldest.value);
  }
  linkCache.set(body, tokens);
  return tokens;
}

function renderPlain(body: string): TemplateResult {
  return html`${tokensOf(body).map((token) =>
    token.type === 'link' ? html`<a href=${token.href} target="_blank" rel="noopener noreferrer">${token.text}</a>` : token.text,
  )}`;
}

/**
 * Renders the content of one message: sanitised `formatted_body` as nodes when there is one,
 * otherwise the plain body with links; emotes as "* Name does something", notices muted, emoji-only
 * messages big, deleted messages as "Message deleted".
 */
export function renderMessageBody(message: MessageItem): TemplateResult {
  if (message.redacted) return html`<span class="body deleted">Message deleted</span>`;
  const rich = message.formattedBody !== undefined && message.formattedBody !== '' && RICH_TYPES.has(message.msgtype);
  const big = !rich && message.msgtype !== 'emote' && RICH_TYPES.has(message.msgtype) && isEmojiOnly(message.body);
  const classes = ['body', rich ? 'rich' : 'plain', message.msgtype, big ? 'emoji-only' : ''].filter(Boolean).join(' ');
  const content = rich
    ? formattedBody(message.formattedBody ?? '')
    : RICH_TYPES.has(message.msgtype)
      ? renderPlain(message.body)
      : message.body;
  const emote = message.msgtype === 'emote' ? html`<span class="emote-prefix">* ${message.sender.displayName} </span>` : nothing;
  return html`<div class=${classes} dir="auto" @click=${onSpoilerClick} @keydown=${onSpoilerKeydown}>${emote}${content}</div>`;
}
