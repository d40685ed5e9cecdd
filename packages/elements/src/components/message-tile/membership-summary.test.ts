/**
 * The membership summary line, worded from core's groups (`MembershipSummary.groups`): in English as the timeline
 * always said it, and in German and Arabic with those languages' lists and plural rules (the locale machinery the
 * elements use: i18n/locale.ts).
 */
import { expect } from '@open-wc/testing';
import type { MembershipGroup, MembershipStepKind } from '@omnisocial/core';
import { activeLocale, requestLocale } from '../../i18n/locale.ts';
import { membershipSummaryText } from './membership-summary.ts';

/** A group who did `kinds` once each, in order; `guests` unnamed among them. */
function group(
  names: readonly string[],
  kinds: MembershipStepKind | readonly MembershipStepKind[],
  guests = 0,
  times = 1,
): MembershipGroup {
  const steps = (typeof kinds === 'string' ? [kinds] : kinds).map((kind) => ({ kind, times }));
  return { names, steps, guests };
}

describe('membership summary', () => {
  afterEach(async () => {
    await requestLocale('en');
  });

  it('English: names up to three, the rest counted, guests counted, verbs agreeing, repeats and sequences', () => {
    const cases: [MembershipGroup[], string][] = [
      [
        [group(['Bob', 'Carol', 'Dave', 'Frank'], 'joined'), group(['Erin'], 'joined-and-left')],
        'Bob, Carol and 2 others joined, Erin joined and left',
      ],
      [[group([], 'joined', 11)], '11 guests joined'],
      [[group(['Bob'], 'joined', 11)], 'Bob and 11 others joined'],
      [[group([], 'joined-and-left', 1)], 'A guest joined and left'],
      [[group(['Zoe'], 'joined', 1)], 'Zoe and 1 other joined'],
      [[group(['Bob', 'Carol', 'Dave'], 'joined')], 'Bob, Carol and Dave joined'],
      [[group(['Bob', 'Carol'], 'joined')], 'Bob and Carol joined'],
      [[group(['Bob'], 'left-and-rejoined')], 'Bob left and rejoined'],
      [[group(['Bob'], 'joined-and-left', 0, 2)], 'Bob joined and left 2 times'],
      [
        [group(['Bob'], 'renamed'), group(['Carol'], 'joined'), group(['Dave'], 'removed')],
        'Bob changed their name, Carol joined, Dave was removed',
      ],
      [[group(['Bob'], 'invited-and-joined')], 'Bob was invited and joined'],
      [[group(['Bob', 'Carol'], 'invited-and-joined')], 'Bob and Carol were invited and joined'],
      [[group(['Dave'], 'removed'), group(['Eve'], 'banned'), group(['Bob'], 'left')], 'Dave was removed, Eve was banned, Bob left'],
      [[group(['Eve'], ['banned', 'unbanned'])], 'Eve was banned, then was unbanned'],
      [[group(['Ann', 'Ben'], ['avatar', 'left'])], 'Ann and Ben changed their avatars, then left'],
    ];
    for (const [groups, expected] of cases) expect(membershipSummaryText(groups)).to.equal(expected);
  });

  it('German: the list and its "und" are German, numbers in German digits', async () => {
    await requestLocale('de');
    expect(activeLocale()).to.equal('de');
    const line = membershipSummaryText([
      group(['Bob', 'Carol', 'Dave', 'Frank', ...Array.from({ length: 1230 }, (_, i) => `M${String(i)}`)], 'joined'),
    ]);
    expect(line).to.match(/^Bob, Carol und /u);
    expect(line).to.include('1.232');
    expect(line).to.not.include(' and ');
    expect(membershipSummaryText([group(['Bob', 'Carol', 'Dave'], 'joined')])).to.match(/^Bob, Carol und Dave /u);
  });

  it('Arabic: the list joined with "و", counts in Arabic numerals', async () => {
    await requestLocale('ar');
    expect(activeLocale()).to.equal('ar');
    const three = membershipSummaryText([group(['Bob', 'Carol', 'Dave'], 'joined')]);
    expect(three).to.include('Bob').and.include('Carol').and.include('Dave').and.include('و');
    expect(three).to.not.include(' and ');
    const guests = membershipSummaryText([group([], 'joined', 11)]);
    expect(guests).to.include(new Intl.NumberFormat('ar').format(11));
  });
});
