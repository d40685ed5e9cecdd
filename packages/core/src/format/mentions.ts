/**
 * The composer's suggestions, as text rules: the `@name` being typed (for the member list), the `/word`
 * being typed (for the commands), the text once a member is picked, and the members a message already
 * mentions (its `matrix.to` pills), so that editing it keeps them. Picked members become pills and
 * `m.mentions` in `composeDraft()`.
 */
import type { MemberInfo } from '../timeline/timeline-types.ts';
import { COMPOSER_COMMANDS, type ComposerCommand } from './commands.ts';

/** An `@name` being typed: where its `@` is, and what follows it. */
export interface MentionQuery {
  readonly start: number;
  readonly query: string;
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

const unescapeHtml = (text: string): string => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => HTML_ENTITIES[entity] ?? entity);

/** The pills (`matrix.to` user links) of a message, so that editing it keeps its mentions. */
export function mentionsIn(formattedBody: string | undefined): MemberInfo[] {
  if (!formattedBody) return [];
  const found: MemberInfo[] = [];
  for (const match of formattedBody.matchAll(/<a href="https:\/\/matrix\.to\/#\/(@[^"]+)">([^<]+)<\/a>/g)) {
    found.push({ userId: decodeURIComponent(unescapeHtml(match[1] ?? '')), displayName: unescapeHtml(match[2] ?? '') });
  }
  return found;
}

/** The commands a lone `/word` typed at the start (the caret at its end) could be; none otherwise. */
export function commandsAt(text: string, caret: number): readonly ComposerCommand[] {
  const command = caret === text.length ? /^\/([A-Za-z]*)$/.exec(text.slice(0, caret)) : null;
  return command ? COMPOSER_COMMANDS.filter((c) => c.name.startsWith((command[1] ?? '').toLowerCase())) : [];
}

/** The `@name` the caret is at the end of (after a space or at the start), if any. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | undefined {
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(text.slice(0, caret));
  if (!match) return undefined;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}

/** The text with the `@name` being typed replaced by the picked member's name, and where the caret goes. */
export function insertMention(text: string, query: MentionQuery, member: MemberInfo): { text: string; caret: number } {
  const token = `@${member.displayName} `;
  const end = query.start + 1 + query.query.length;
  return { text: text.slice(0, query.start) + token + text.slice(end), caret: query.start + token.length };
}
