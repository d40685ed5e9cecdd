/**
 * A summary of membership changes in the reader's language, from the groups core computes
 * (`MembershipSummary.groups`): "Alice, Bob and 9 others joined, Carol left", "3 guests joined", "Bob left and
 * rejoined 2 times". Verbs agree with how many did it and counts take the language's plural forms (plural.ts); names
 * are listed the language's way (format.ts). No Lit here.
 */
import { msg, str } from '@lit/localize';
import type { MembershipGroup, MembershipStep, MembershipStepKind } from '@omnisocial/core';
import { activeLocale } from '../../i18n/active-locale.ts';
import { formatClauses, formatList } from '../../i18n/format.ts';
import { formatCount, plural } from '../../i18n/plural.ts';

/** What `people` members did once: "joined", "were invited". */
function verb(kind: MembershipStepKind, people: number): string {
  switch (kind) {
    case 'joined':
      return plural(people, {
        zero: () => msg('joined', { id: 'membership-joined-zero' }),
        one: () => msg('joined', { id: 'membership-joined-one' }),
        two: () => msg('joined', { id: 'membership-joined-two' }),
        few: () => msg('joined', { id: 'membership-joined-few' }),
        many: () => msg('joined', { id: 'membership-joined-many' }),
        other: () => msg('joined', { id: 'membership-joined-other' }),
      });
    case 'left':
      return plural(people, {
        zero: () => msg('left', { id: 'membership-left-zero' }),
        one: () => msg('left', { id: 'membership-left-one' }),
        two: () => msg('left', { id: 'membership-left-two' }),
        few: () => msg('left', { id: 'membership-left-few' }),
        many: () => msg('left', { id: 'membership-left-many' }),
        other: () => msg('left', { id: 'membership-left-other' }),
      });
    case 'renamed':
      return plural(people, {
        zero: () => msg('changed their names', { id: 'membership-renamed-zero' }),
        one: () => msg('changed their name', { id: 'membership-renamed-one' }),
        two: () => msg('changed their names', { id: 'membership-renamed-two' }),
        few: () => msg('changed their names', { id: 'membership-renamed-few' }),
        many: () => msg('changed their names', { id: 'membership-renamed-many' }),
        other: () => msg('changed their names', { id: 'membership-renamed-other' }),
      });
    case 'avatar':
      return plural(people, {
        zero: () => msg('changed their avatars', { id: 'membership-avatar-zero' }),
        one: () => msg('changed their avatar', { id: 'membership-avatar-one' }),
        two: () => msg('changed their avatars', { id: 'membership-avatar-two' }),
        few: () => msg('changed their avatars', { id: 'membership-avatar-few' }),
        many: () => msg('changed their avatars', { id: 'membership-avatar-many' }),
        other: () => msg('changed their avatars', { id: 'membership-avatar-other' }),
      });
    case 'invited':
      return plural(people, {
        zero: () => msg('were invited', { id: 'membership-invited-zero' }),
        one: () => msg('was invited', { id: 'membership-invited-one' }),
        two: () => msg('were invited', { id: 'membership-invited-two' }),
        few: () => msg('were invited', { id: 'membership-invited-few' }),
        many: () => msg('were invited', { id: 'membership-invited-many' }),
        other: () => msg('were invited', { id: 'membership-invited-other' }),
      });
    case 'removed':
      return plural(people, {
        zero: () => msg('were removed', { id: 'membership-removed-zero' }),
        one: () => msg('was removed', { id: 'membership-removed-one' }),
        two: () => msg('were removed', { id: 'membership-removed-two' }),
        few: () => msg('were removed', { id: 'membership-removed-few' }),
        many: () => msg('were removed', { id: 'membership-removed-many' }),
        other: () => msg('were removed', { id: 'membership-removed-other' }),
      });
    case 'banned':
      return plural(people, {
        zero: () => msg('were banned', { id: 'membership-banned-zero' }),
        one: () => msg('was banned', { id: 'membership-banned-one' }),
        two: () => msg('were banned', { id: 'membership-banned-two' }),
        few: () => msg('were banned', { id: 'membership-banned-few' }),
        many: () => msg('were banned', { id: 'membership-banned-many' }),
        other: () => msg('were banned', { id: 'membership-banned-other' }),
      });
    case 'unbanned':
      return plural(people, {
        zero: () => msg('were unbanned', { id: 'membership-unbanned-zero' }),
        one: () => msg('was unbanned', { id: 'membership-unbanned-one' }),
        two: () => msg('were unbanned', { id: 'membership-unbanned-two' }),
        few: () => msg('were unbanned', { id: 'membership-unbanned-few' }),
        many: () => msg('were unbanned', { id: 'membership-unbanned-many' }),
        other: () => msg('were unbanned', { id: 'membership-unbanned-other' }),
      });
    case 'rejected':
      return plural(people, {
        zero: () => msg('rejected the invitation', { id: 'membership-rejected-zero' }),
        one: () => msg('rejected the invitation', { id: 'membership-rejected-one' }),
        two: () => msg('rejected the invitation', { id: 'membership-rejected-two' }),
        few: () => msg('rejected the invitation', { id: 'membership-rejected-few' }),
        many: () => msg('rejected the invitation', { id: 'membership-rejected-many' }),
        other: () => msg('rejected the invitation', { id: 'membership-rejected-other' }),
      });
    case 'withdrawn':
      return plural(people, {
        zero: () => msg('had the invitation withdrawn', { id: 'membership-withdrawn-zero' }),
        one: () => msg('had the invitation withdrawn', { id: 'membership-withdrawn-one' }),
        two: () => msg('had the invitation withdrawn', { id: 'membership-withdrawn-two' }),
        few: () => msg('had the invitation withdrawn', { id: 'membership-withdrawn-few' }),
        many: () => msg('had the invitation withdrawn', { id: 'membership-withdrawn-many' }),
        other: () => msg('had the invitation withdrawn', { id: 'membership-withdrawn-other' }),
      });
    case 'knocked':
      return plural(people, {
        zero: () => msg('asked to join', { id: 'membership-knocked-zero' }),
        one: () => msg('asked to join', { id: 'membership-knocked-one' }),
        two: () => msg('asked to join', { id: 'membership-knocked-two' }),
        few: () => msg('asked to join', { id: 'membership-knocked-few' }),
        many: () => msg('asked to join', { id: 'membership-knocked-many' }),
        other: () => msg('asked to join', { id: 'membership-knocked-other' }),
      });
    case 'joined-and-left':
      return plural(people, {
        zero: () => msg('joined and left', { id: 'membership-joined-and-left-zero' }),
        one: () => msg('joined and left', { id: 'membership-joined-and-left-one' }),
        two: () => msg('joined and left', { id: 'membership-joined-and-left-two' }),
        few: () => msg('joined and left', { id: 'membership-joined-and-left-few' }),
        many: () => msg('joined and left', { id: 'membership-joined-and-left-many' }),
        other: () => msg('joined and left', { id: 'membership-joined-and-left-other' }),
      });
    case 'left-and-rejoined':
      return plural(people, {
        zero: () => msg('left and rejoined', { id: 'membership-left-and-rejoined-zero' }),
        one: () => msg('left and rejoined', { id: 'membership-left-and-rejoined-one' }),
        two: () => msg('left and rejoined', { id: 'membership-left-and-rejoined-two' }),
        few: () => msg('left and rejoined', { id: 'membership-left-and-rejoined-few' }),
        many: () => msg('left and rejoined', { id: 'membership-left-and-rejoined-many' }),
        other: () => msg('left and rejoined', { id: 'membership-left-and-rejoined-other' }),
      });
    case 'invited-and-joined':
      return plural(people, {
        zero: () => msg('were invited and joined', { id: 'membership-invited-and-joined-zero' }),
        one: () => msg('was invited and joined', { id: 'membership-invited-and-joined-one' }),
        two: () => msg('were invited and joined', { id: 'membership-invited-and-joined-two' }),
        few: () => msg('were invited and joined', { id: 'membership-invited-and-joined-few' }),
        many: () => msg('were invited and joined', { id: 'membership-invited-and-joined-many' }),
        other: () => msg('were invited and joined', { id: 'membership-invited-and-joined-other' }),
      });
  }
}

/** A step, with how many times in a row: "joined and left 2 times". */
function step({ kind, times }: MembershipStep, people: number): string {
  const did = verb(kind, people);
  if (times === 1) return did;
  const n = formatCount(times);
  return plural(times, {
    zero: () => msg(str`${did} ${n} times`, { id: 'membership-times-zero' }),
    one: () => msg(str`${did} ${n} time`, { id: 'membership-times-one' }),
    two: () => msg(str`${did} ${n} times`, { id: 'membership-times-two' }),
    few: () => msg(str`${did} ${n} times`, { id: 'membership-times-few' }),
    many: () => msg(str`${did} ${n} times`, { id: 'membership-times-many' }),
    other: () => msg(str`${did} ${n} times`, { id: 'membership-times-other' }),
  });
}

/** "3 others", "1 other": the members a group does not name. */
function others(count: number): string {
  const n = formatCount(count);
  return plural(count, {
    zero: () => msg(str`${n} others`, { id: 'membership-others-zero' }),
    one: () => msg(str`${n} other`, { id: 'membership-others-one' }),
    two: () => msg(str`${n} others`, { id: 'membership-others-two' }),
    few: () => msg(str`${n} others`, { id: 'membership-others-few' }),
    many: () => msg(str`${n} others`, { id: 'membership-others-many' }),
    other: () => msg(str`${n} others`, { id: 'membership-others-other' }),
  });
}

/** "a guest", "3 guests": a group of guests who chose no name. */
function guests(count: number): string {
  if (count === 1) return msg('a guest', { id: 'membership-a-guest' });
  const n = formatCount(count);
  return plural(count, {
    zero: () => msg(str`${n} guests`, { id: 'membership-guests-zero' }),
    one: () => msg(str`${n} guest`, { id: 'membership-guests-one' }),
    two: () => msg(str`${n} guests`, { id: 'membership-guests-two' }),
    few: () => msg(str`${n} guests`, { id: 'membership-guests-few' }),
    many: () => msg(str`${n} guests`, { id: 'membership-guests-many' }),
    other: () => msg(str`${n} guests`, { id: 'membership-guests-other' }),
  });
}

/** "Alice", "Alice and Bob", "Alice, Bob and Carol", "Alice, Bob and 3 others", "3 guests", "a guest". */
function who({ names, guests: unnamed }: MembershipGroup): string {
  const total = names.length + unnamed;
  if (unnamed === 0 && total <= 3) return formatList(names);
  const shown = names.slice(0, 2);
  if (shown.length === 0) return guests(unnamed);
  return formatList([...shown, others(total - shown.length)]);
}

/** The summary line: one clause per group, the first letter capitalised. */
export function membershipSummaryText(groups: readonly MembershipGroup[]): string {
  const clauses = groups.map((group) => {
    const people = group.names.length + group.guests;
    const did = group.steps
      .map((each) => step(each, people))
      .reduce((first, next) => msg(str`${first}, then ${next}`, { id: 'membership-then' }));
    return msg(str`${who(group)} ${did}`, { id: 'membership-clause' });
  });
  const line = formatClauses(clauses);
  return line.charAt(0).toLocaleUpperCase(activeLocale()) + line.slice(1);
}
