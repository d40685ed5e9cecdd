/**
 * The composer's Markdown → Matrix conversion: `body` is what the member typed (mentions as display
 * names), `formatted_body` is `marked` (GFM) HTML, sent only when it says more than the plain text.
 * Raw HTML in the member's input is shown as typed, never passed through: receivers sanitise anyway,
 * but our own messages should not depend on that.
 */
import { Marked, type Tokens } from 'marked';
import type { MemberInfo } from '../timeline/timeline-types.ts';
import { safeLinkHref, safeMxc } from './urls.ts';

export interface ComposedMessage {
  /** Plain-text fallback, the `body` of the event: what the member typed, mentions as display names. */
  readonly body: string;
  /** `org.matrix.custom.html`; undefined when the Markdown produced nothing beyond plain text. */
  readonly formattedBody?: string;
  /** The picked members whose name is still in the text, in the order they were picked. */
  readonly mentionedUserIds?: readonly string[];
}

export interface ComposeOptions {
  /** Plain text put before the message as typed (e.g. `/shrug`'s ¯\_(ツ)_/¯), never read as Markdown. */
  readonly prefix?: string;
  /** Sends the text as typed: no Markdown, only line breaks and picked mentions in the HTML. */
  readonly markdown?: boolean;
}

export type ParsedCommand =
  | { readonly type: 'message'; readonly text: string }
  | { readonly type: 'emote'; readonly text: string }
  | { readonly type: 'shrug'; readonly text: string }
  | { readonly type: 'plain'; readonly text: string }
  | { readonly type: 'unknown'; readonly command: string; readonly text: string };

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A permalink to a user, as the spec's `matrix.to` form (what other clients turn into pills). */
export function userPermalink(userId: string): string {
  return `https://matrix.to/#/${userId.replace(/[^A-Za-z0-9@:._=/+-]/g, (c) => encodeURIComponent(c))}`;
}

// Private-use characters mark mentions in the source, so Markdown cannot split or re-interpret a name.
const MENTION_OPEN = '\uE000';
const MENTION_CLOSE = '\uE001';
const MENTION_TOKEN = new RegExp(`^${MENTION_OPEN}(\\d+)${MENTION_CLOSE}`);
const ANY_MENTION_TOKEN = new RegExp(`${MENTION_OPEN}(\\d+)${MENTION_CLOSE}`, 'g');

interface MentionToken extends Tokens.Generic {
  readonly type: 'mention';
  readonly index: number;
}

function createMarked(mentions: readonly MemberInfo[]): Marked {
  return new Marked({
    gfm: true,
    // Chat convention: a line break in the composer is a line break in the message.
    breaks: true,
    async: false,
    renderer: {
      html({ text }: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(text);
      },
      link(token: Tokens.Link): string | false {
        if (safeLinkHref(token.href) !== undefined) return false;
        // A link we may not send (javascript:, relative…) stays the text the member typed.
        return escapeHtml(token.raw);
      },
      image(token: Tokens.Image): string | false {
        if (safeMxc(token.href) !== undefined) return false;
        // Only mxc images are allowed in Matrix HTML: a web image becomes a link, anything else its description.
        const href = safeLinkHref(token.href);
        const label = escapeHtml(token.text || token.href);
        return href === undefined ? escapeHtml(token.raw) : `<a href="${escapeHtml(href)}">${label}</a>`;
      },
    },
    extensions: [
      {
        name: 'mention',
        level: 'inline',
        start: (src: string) => {
          const at = src.indexOf(MENTION_OPEN);
          return at === -1 ? undefined : at;
        },
        tokenizer: (src: string): MentionToken | undefined => {
          const match = MENTION_TOKEN.exec(src);
          if (!match) return undefined;
          return { type: 'mention', raw: match[0], index: Number(match[1]) };
        },
        renderer: (token: Tokens.Generic): string => {
          const member = mentions[(token as MentionToken).index];
          if (!member) return '';
          return `<a href="${escapeHtml(userPermalink(member.userId))}">${escapeHtml(member.displayName)}</a>`;
        },
      },
    ],
  });
}

/**
 * Marks each mentioned member's display name in `text`, with or without the `@` the composer shows
 * before it (longest names first, so "Ann Lee" wins over "Ann"). Returns the marked text and which
 * members it found.
 */
function markMentions(text: string, mentions: readonly MemberInfo[]): { marked: string; found: Set<number> } {
  const order = mentions
    .map((member, index) => ({ member, index }))
    .filter(({ member }) => member.displayName.length > 0)
    .sort((a, b) => b.member.displayName.length - a.member.displayName.length);
  let marked = text;
  const found = new Set<number>();
  for (const { member, index } of order) {
    const token = `${MENTION_OPEN}${index}${MENTION_CLOSE}`;
    for (const name of [`@${member.displayName}`, member.displayName]) {
      const parts = marked.split(name);
      if (parts.length > 1) found.add(index);
      marked = parts.join(token);
    }
  }
  return { marked, found };
}

/** The HTML a plain message would have: used to decide whether `formatted_body` is worth sending. */
function isPlain(html: string, text: string): boolean {
  let inner = html.trim();
  if (inner.startsWith('<p>') && inner.endsWith('</p>') && inner.indexOf('<p>', 1) === -1) inner = inner.slice(3, -4);
  inner = inner.replace(/<br>\n?/g, '\n');
  return inner === escapeHtml(text.trim());
}

/** Backslash-escapes every ASCII punctuation character, so Markdown shows the text as it is. */
function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

function mentionLink(member: MemberInfo): string {
  return `<a href="${escapeHtml(userPermalink(member.userId))}">${escapeHtml(member.displayName)}</a>`;
}

/**
 * Converts the composer's Markdown into `body` + `formatted_body`. `mentions` are the members picked in
 * the composer; their display names in the text (with or without a leading `@`) become `matrix.to`
 * links (pills) in the HTML and plain names in the body.
 */
export function composeMessage(markdown: string, mentions: readonly MemberInfo[] = [], options: ComposeOptions = {}): ComposedMessage {
  // The private-use markers are ours: strip any the member pasted so they cannot forge a mention.
  const source = markdown.replace(/[\uE000\uE001]/g, '');
  const prefix = (options.prefix ?? '').replace(/[\uE000\uE001]/g, '');
  const { marked, found } = markMentions(source, mentions);
  const names = (text: string, toHtml: boolean): string =>
    text.replace(ANY_MENTION_TOKEN, (_, index: string) => {
      const member = mentions[Number(index)];
      if (!member) return '';
      return toHtml ? mentionLink(member) : member.displayName;
    });
  const body = prefix + names(marked, false);
  const mentioned = [...found].sort((a, b) => a - b).flatMap((index) => mentions[index]?.userId ?? []);
  const extra = mentioned.length > 0 ? { mentionedUserIds: [...new Set(mentioned)] } : {};
  if (options.markdown === false) {
    if (found.size === 0) return { body, ...extra };
    const html = escapeHtml(prefix) + escapeHtml(marked).replace(ANY_MENTION_TOKEN, (token) => names(token, true));
    return { body, formattedBody: html.replace(/\n/g, '<br>'), ...extra };
  }
  let html = createMarked(mentions).parse(escapeMarkdown(prefix) + marked, { async: false });
  // Markers left inside code spans and blocks stay plain names.
  html = html.replace(ANY_MENTION_TOKEN, (_, index: string) => escapeHtml(mentions[Number(index)]?.displayName ?? ''));
  if (found.size === 0 && isPlain(html, body)) return { body };
  return { body, formattedBody: html.trim(), ...extra };
}

/**
 * Reads a leading slash command. `/me waves` is an emote (`m.emote`, body "waves"), `/shrug text`
 * puts ¯\\_(ツ)_/¯ before the text, `/plain text` sends it without Markdown; `//text` sends "/text" as a
 * message; other `/word` commands are returned as unknown for the composer to explain.
 */
export function parseCommand(text: string): ParsedCommand {
  if (text.startsWith('//')) return { type: 'message', text: text.slice(1) };
  const match = /^\/([A-Za-z][\w-]*)(?:\s+|$)([\s\S]*)$/.exec(text);
  if (!match) return { type: 'message', text };
  const command = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  if (command === 'me') return { type: 'emote', text: rest };
  if (command === 'shrug') return { type: 'shrug', text: rest };
  if (command === 'plain') return { type: 'plain', text: rest };
  return { type: 'unknown', command, text: rest };
}
