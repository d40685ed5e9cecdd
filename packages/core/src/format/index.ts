export {
  composeMessage,
  escapeHtml,
  parseCommand,
  userPermalink,
  type ComposedMessage,
  type ComposeOptions,
  type ParsedCommand,
} from './markdown.ts';
export {
  COMPOSER_COMMANDS,
  composeDraft,
  contentBytes,
  editContent,
  markdownMessage,
  MAX_EVENT_BYTES,
  maxContentBytes,
  messageContent,
  sizeRefusal,
  TOO_LARGE_TEXT,
  type ComposerCommand,
  type DraftResult,
  type OutgoingMessage,
} from './compose.ts';
export { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, MAX_NESTING_DEPTH, sanitizeFormattedBody } from './sanitize.ts';
export { linkifyText, MAX_LINKIFY_LENGTH, type BodyToken } from './linkify.ts';
export { isEmojiOnly, MAX_BIG_EMOJI } from './emoji.ts';
export { LINK_SCHEMES, safeLinkHref, safeMxc } from './urls.ts';
