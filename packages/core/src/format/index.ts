export { composeMessage, escapeHtml, parseCommand, userPermalink, type ComposedMessage, type ParsedCommand } from './markdown.ts';
export { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, MAX_NESTING_DEPTH, sanitizeFormattedBody } from './sanitize.ts';
export { linkifyText, MAX_LINKIFY_LENGTH, type BodyToken } from './linkify.ts';
export { isEmojiOnly, MAX_BIG_EMOJI } from './emoji.ts';
export { LINK_SCHEMES, safeLinkHref, safeMxc } from './urls.ts';
export { DISPLAY_URL_MAX, displayUrl } from './display-url.ts';
