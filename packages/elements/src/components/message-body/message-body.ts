import { msg, str } from '@lit/localize';
import { html, noChange, nothing, type TemplateResult } from 'lit';
import { AsyncDirective } from 'lit/async-directive.js';
import { directive, PartType, type ChildPart, type PartInfo } from 'lit/directive.js';
import { isEmojiOnly, linkifyText, type BodyToken, type MediaRequest, type MessageItem } from '@omnisocial/core';
import { sanitizer } from '../../base/lazy-module.ts';

/** Resolves an `mxc://` image to a blob URL through authenticated media (the room's loader). */
export type LoadInlineImage = (request: MediaRequest) => Promise<string>;

/** The largest box an inline image is thumbnailed to. */
const INLINE_IMAGE_BOX = { width: 800, height: 600 };

/** Message types whose `formatted_body` is shown; media types show their caption/file name as text for now. */
const RICH_TYPES: ReadonlySet<MessageItem['msgtype']> = new Set(['text', 'emote', 'notice']);

/**
 * Inserts a sanitised `formatted_body` as DOM nodes: no `unsafeHTML`, no `innerHTML`, so nothing is
 * re-parsed after sanitising and Trusted Types have no sink to guard. Re-sanitises only when the HTML changes.
 * The sanitiser loads with the first formatted message; until it has, the plain `body` stands in (never the HTML).
 */
class FormattedBodyDirective extends AsyncDirective {
  #html: string | undefined;

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.CHILD) throw new Error('formattedBody() only renders as element content');
  }

  render(_html: string, _loader?: LoadInlineImage, _body?: string): typeof nothing {
    // Server rendering has no DOM to sanitise into; the client render fills it in.
    return nothing;
  }

  override update(
    part: ChildPart,
    [formatted, loader, body]: [string, LoadInlineImage | undefined, string | undefined],
  ): DocumentFragment | TemplateResult | typeof noChange {
    if (formatted === this.#html) return noChange;
    this.#html = formatted;
    const doc = part.parentNode.ownerDocument ?? document;
    const loaded = sanitizer.now();
    if (loaded) return sanitized(loaded.sanitizeFormattedBody, formatted, doc, loader);
    sanitizer
      .load()
      .then(({ sanitizeFormattedBody }) => {
        if (this.#html === formatted) this.setValue(sanitized(sanitizeFormattedBody, formatted, doc, loader));
      })
      // Offline or a failed fetch: the plain body stays, and the next render tries again.
      .catch(() => {
        if (this.#html === formatted) this.#html = undefined;
      });
    return renderPlain(body ?? '');
  }
}

function sanitized(
  sanitize: (html: string, doc: Document) => DocumentFragment,
  formatted: string,
  doc: Document,
  loader: LoadInlineImage | undefined,
): DocumentFragment {
  const fragment = sanitize(formatted, doc);
  prepareForDisplay(fragment, loader);
  return fragment;
}

const formattedBody = directive(FormattedBodyDirective);

/**
 * Turns sanitised markup into what the member interacts with: spoilers as buttons, mxc images loaded
 * through authenticated media (their alt text stands in until then, and for good when loading fails).
 */
function prepareForDisplay(fragment: DocumentFragment, loader: LoadInlineImage | undefined): void {
  for (const link of fragment.querySelectorAll<HTMLAnchorElement>('a[href^="https://matrix.to/#/@"]')) {
    // A mention: shown as a pill with the person's name, as every Matrix client does.
    link.classList.add('pill');
    link.dataset['userId'] = decodeURIComponent(link.getAttribute('href')?.slice('https://matrix.to/#/'.length).split('?')[0] ?? '');
  }
  for (const spoiler of fragment.querySelectorAll('span[data-mx-spoiler]')) {
    const reason = spoiler.getAttribute('data-mx-spoiler') ?? '';
    spoiler.classList.add('spoiler');
    spoiler.setAttribute('role', 'button');
    spoiler.setAttribute('tabindex', '0');
    // The label stands in for the hidden text until it is revealed, so screen readers do not read it early.
    spoiler.setAttribute('aria-label', reason ? msg(str`Spoiler: ${reason}. Activate to reveal.`) : msg('Spoiler. Activate to reveal.'));
  }
  for (const image of fragment.querySelectorAll('img')) {
    // The sanitiser leaves no `src`: only a checked `data-mxc`, fetched here through the loader as a blob.
    image.classList.add('mxc-image');
    if (!image.getAttribute('alt')) image.setAttribute('alt', image.getAttribute('title') ?? msg('Image'));
    const mxc = image.getAttribute('data-mxc');
    if (!mxc || !loader) continue;
    loader({ mxc, kind: 'image', thumbnail: INLINE_IMAGE_BOX }).then(
      (url) => {
        image.src = url;
        image.classList.add('loaded');
      },
      () => undefined,
    );
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

/** What stands for a deleted message: who deleted it when it was not its sender, and the reason given. */
export function deletedText(message: Pick<MessageItem, 'deletion' | 'held' | 'own'>): string {
  if (message.held === 'rejected') {
    return message.own ? msg('Not approved by a moderator: only you saw this message.') : msg('Not approved by a moderator');
  }
  const deletion = message.deletion;
  if (!deletion?.byModerator) return msg('Message deleted');
  return deletion.reason ? msg(str`Message deleted by a moderator (${deletion.reason})`) : msg('Message deleted by a moderator');
}

/**
 * Renders the content of one message: sanitised `formatted_body` as nodes when there is one (mentions
 * as pills), otherwise the plain body with links; emotes as "* Name does something", notices muted,
 * emoji-only messages big, deleted messages as "Message deleted". A message that mentions the reader
 * is highlighted, and says so to screen readers.
 */
export function renderMessageBody(message: MessageItem, loadImage?: LoadInlineImage): TemplateResult {
  if (message.redacted) return html`<span class="body deleted">${deletedText(message)}</span>`;
  const rich = message.formattedBody !== undefined && message.formattedBody !== '' && RICH_TYPES.has(message.msgtype);
  const big = !rich && message.msgtype !== 'emote' && RICH_TYPES.has(message.msgtype) && isEmojiOnly(message.body);
  const classes = ['body', rich ? 'rich' : 'plain', message.msgtype, big ? 'emoji-only' : '', message.mentionsMe ? 'mentions-me' : '']
    .filter(Boolean)
    .join(' ');
  const content = rich
    ? formattedBody(message.formattedBody ?? '', loadImage, message.body)
    : RICH_TYPES.has(message.msgtype)
      ? renderPlain(message.body)
      : message.body;
  const emote = message.msgtype === 'emote' ? html`<span class="emote-prefix">* ${message.sender.displayName} </span>` : nothing;
  const mentionCue = message.mentionsMe ? html`<span class="mention-cue">${msg('Mentions you:')} </span>` : nothing;
  // One line: plain bodies keep their white space, so none may come from the template.
  return html`<div class=${classes} dir="auto" @click=${onSpoilerClick} @keydown=${onSpoilerKeydown}>${mentionCue}${emote}${content}</div>`;
}
