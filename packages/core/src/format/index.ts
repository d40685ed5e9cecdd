export {
  composeMessage,
  escapeHtml,
  parseCommand,
  userPermalink,
  type ComposedMessage,
  type ComposeOptions,
  type ParsedCommand,
} from './markdown.ts';
export { plainDraft } from './plain-draft.ts';
export { COMPOSER_COMMANDS, composeDraft, markdownMessage, type ComposerCommand, type DraftResult } from './compose.ts';
export {
  contentBytes,
  echoOf,
  editContent,
  MAX_EVENT_BYTES,
  maxContentBytes,
  messageContent,
  plainMessage,
  sizeRefusal,
  TOO_LARGE_TEXT,
  type OutgoingMessage,
} from './content.ts';
export { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, MAX_NESTING_DEPTH, sanitizeFormattedBody } from './sanitize.ts';
export { linkifyText, MAX_LINKIFY_LENGTH, type BodyToken } from './linkify.ts';
export { isEmojiOnly, MAX_BIG_EMOJI } from './emoji.ts';
export { LINK_SCHEMES, safeLinkHref, safeMxc } from './urls.ts';
export { DISPLAY_URL_MAX, displayUrl } from './display-url.ts';
export { commandsAt, insertMention, mentionQueryAt, mentionsIn, type MentionQuery } from './mentions.ts';
export { TYPING_IDLE_MS, TypingNotifier } from './typing.ts';
