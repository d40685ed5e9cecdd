/**
 * Each element's attributes, declared once. The loader's shells observe them and mirror them as properties; the
 * views declare their Lit properties from the same table (base/view-properties.ts); the JSDoc of the shells
 * (`loader/elements.ts`, `@attr`) documents them, and test/node/manifest.test.ts checks the generated
 * custom-elements manifest and the docs against this module. No Lit here: the loader imports it.
 */

/** An attribute the view receives, and the property that mirrors it on the shell and on the view. */
export interface AttributeDeclaration {
  readonly attribute: string;
  /** The property's value when the attribute is absent; a boolean means a presence attribute. */
  readonly fallback: string | boolean;
}

export type AttributeTable = Readonly<Record<string, AttributeDeclaration>>;

const homeserver = { attribute: 'homeserver', fallback: '' } as const;
const theme = { attribute: 'theme', fallback: 'light' } as const;
/** The site's rules for the files members send (docs/attachments.md). */
const acceptFiles = { attribute: 'accept-files', fallback: '' } as const;
const guestAcceptFiles = { attribute: 'guest-accept-files', fallback: '' } as const;
const maxFileSize = { attribute: 'max-file-size', fallback: '' } as const;

/** `<omni-room>`'s attributes that reach its view. */
export const roomAttributes = {
  homeserver,
  room: { attribute: 'room', fallback: '' },
  theme,
  acceptFiles,
  guestAcceptFiles,
  maxFileSize,
} as const satisfies AttributeTable;

/** `<omni-chat>`'s attributes that reach its view. */
export const chatAttributes = {
  homeserver,
  post: { attribute: 'post', fallback: '' },
  postUrl: { attribute: 'post-url', fallback: '' },
  postTitle: { attribute: 'post-title', fallback: '' },
  open: { attribute: 'open', fallback: false },
  moderators: { attribute: 'moderators', fallback: '' },
  aliasTemplate: { attribute: 'alias-template', fallback: '' },
  companionBot: { attribute: 'companion-bot', fallback: '' },
  layout: { attribute: 'layout', fallback: 'chat' },
  theme,
  acceptFiles,
  guestAcceptFiles,
  maxFileSize,
} as const satisfies AttributeTable;

/** `<omni-dm>`'s attributes that reach its view. */
export const dmAttributes = {
  user: { attribute: 'user', fallback: '' },
  homeserver,
  theme,
  acceptFiles,
  maxFileSize,
} as const satisfies AttributeTable;

/**
 * Attributes only the shell reads (how and when it loads, collapses, presents itself, the facade's count, and `lang`:
 * the language of every string, docs/languages.md); they never reach the view. `collapse` is read when it matters, so it is not observed.
 */
export const shellAttributes = {
  room: ['message-count', 'loading', 'presentation', 'collapse', 'lang'],
  chat: ['message-count', 'loading', 'presentation', 'collapse', 'lang'],
  dm: ['loading', 'presentation', 'collapse', 'lang'],
} as const;

/** What a shell observes: its view's attributes, then its own but `collapse`. */
export const observedAttributes = (table: AttributeTable, own: readonly string[]): readonly string[] => [
  ...Object.values(table).map((declaration) => declaration.attribute),
  ...own.filter((name) => name !== 'collapse'),
];
