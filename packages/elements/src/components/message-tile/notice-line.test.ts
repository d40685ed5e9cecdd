/**
 * The line of one room or membership change, worded from core's data (`NoticeLine`), and the reasons the
 * composer is closed (`CannotSendReason`) and placeholders stand in: in English exactly as core used to write
 * them, and in French and Arabic with the language's own words, numbers and lists where the elements already
 * have them (the locale machinery the elements use: i18n/locale.ts).
 */
import { expect } from '@open-wc/testing';
import type { CannotSendReason, MemberLine, NoticeLine, PowerRole } from '@omnisocial/core';
import { activeLocale, requestLocale } from '../../i18n/locale.ts';
import { cannotSendText } from '../composer/cannot-send.ts';
import { noticeLineText, placeholderText } from './notice-line.ts';

const member = (kind: MemberLine['kind'], name: string | null, extra: Partial<MemberLine> = {}): MemberLine => ({
  kind,
  member: name,
  actor: 'Alice',
  ...extra,
});
const role = (r: PowerRole['role'], level: number): PowerRole => ({ role: r, level });
const promoted = (name: string): { member: string; from: PowerRole; to: PowerRole } => ({
  member: name,
  from: role('default', 0),
  to: role('moderator', 50),
});

describe('notice lines', () => {
  afterEach(async () => {
    await requestLocale('en');
  });

  it('English: each membership change as the timeline always said it, guests and reasons included', () => {
    const cases: [NoticeLine, string][] = [
      [member('joined', 'Bob', { actor: 'Bob' }), 'Bob joined'],
      [member('joined', null, { actor: '@5:example.org' }), 'A guest joined'],
      [member('left', 'Bob', { actor: 'Bob', reason: 'moving on' }), 'Bob left: moving on'],
      [member('knocked', 'Bob', { actor: 'Bob' }), 'Bob asked to join'],
      [member('rejected-invitation', 'Bob', { actor: 'Bob' }), 'Bob rejected the invitation'],
      [member('avatar-changed', 'bob', { actor: 'bob' }), 'Bob changed their avatar'],
      [member('display-name-set', '@bob:example.org', { newName: 'Bob' }), '@bob:example.org set their display name to Bob'],
      [member('display-name-changed', 'Bob', { newName: 'Bobby' }), 'Bob changed their name to Bobby'],
      [member('display-name-removed', 'Bob'), 'Bob removed their display name'],
      [member('invited', 'Bob'), 'Alice invited Bob'],
      [member('invited', null), 'Alice invited a guest'],
      [member('banned', 'Eve', { reason: 'spam' }), 'Alice banned Eve: spam'],
      [member('unbanned', 'Eve'), 'Alice unbanned Eve'],
      [member('invitation-withdrawn', 'Bob'), "Alice withdrew Bob's invitation"],
      [member('removed', 'Dave', { reason: 'spam' }), 'Alice removed Dave: spam'],
    ];
    for (const [line, expected] of cases) expect(noticeLineText(line)).to.equal(expected);
  });

  it('English: each room change, power levels as roles, the fourth change on counted', () => {
    const cases: [NoticeLine, string][] = [
      [{ kind: 'room-renamed', actor: 'Alice', name: 'Photo feed' }, 'Alice changed the room name to Photo feed'],
      [{ kind: 'room-name-removed', actor: 'Alice' }, 'Alice removed the room name'],
      [{ kind: 'topic-changed', actor: 'Alice', topic: 'Photos only, please' }, 'Alice changed the topic to Photos only, please'],
      [{ kind: 'topic-removed', actor: 'Alice' }, 'Alice removed the topic'],
      [{ kind: 'room-avatar-changed', actor: 'Alice' }, 'Alice changed the room avatar'],
      [{ kind: 'room-avatar-removed', actor: 'Alice' }, 'Alice removed the room avatar'],
      [{ kind: 'encryption-enabled', actor: 'Alice' }, 'Alice enabled end-to-end encryption'],
      [{ kind: 'room-made-public', actor: 'Alice' }, 'Alice made the room public'],
      [{ kind: 'room-made-invite-only', actor: 'Alice' }, 'Alice made the room invite only'],
      [{ kind: 'join-rule-changed', actor: 'Alice' }, 'Alice changed who can join'],
      [{ kind: 'room-replaced', actor: 'alice' }, 'alice replaced this room with a new one'],
      [
        { kind: 'power-levels-changed', actor: 'Alice', changes: [promoted('Bob')] },
        'Alice changed the power level of Bob from Default to Moderator',
      ],
      [
        {
          kind: 'power-levels-changed',
          actor: 'Alice',
          changes: [
            { member: 'Bob', from: role('moderator', 50), to: role('admin', 100) },
            { member: 'Carol', from: role('custom', 25), to: role('default', 0) },
          ],
        },
        'Alice changed the power level of Bob from Moderator to Admin, Carol from Custom (25) to Default',
      ],
      [
        { kind: 'power-levels-changed', actor: 'Alice', changes: ['B', 'C', 'D', 'E'].map(promoted) },
        'Alice changed the power level of B from Default to Moderator, C from Default to Moderator, D from Default to Moderator and 1 more',
      ],
    ];
    for (const [line, expected] of cases) expect(noticeLineText(line)).to.equal(expected);
  });

  it('English: placeholders and why the composer is closed', () => {
    expect(placeholderText('malformed')).to.equal('This message could not be displayed.');
    expect(placeholderText('attachment-loading')).to.equal('Loading the attachment…');
    const reasons: [CannotSendReason, string][] = [
      ['room-replaced', 'This room has been replaced by a new one.'],
      ['banned', 'You were banned from this room.'],
      ['invited', 'Accept the invitation to write here.'],
      ['guest-read-only', 'Guests can read this room but not write in it. Sign in to take part.'],
      ['not-joined', 'Join the room to write here.'],
      ['admins-only', 'Only admins can write in this room.'],
      ['moderators-only', 'Only moderators can write in this room.'],
      ['no-permission', 'You do not have permission to write in this room.'],
      ['sign-in-to-take-part', 'Sign in to take part in the discussion.'],
      ['sign-in-to-start', 'Sign in to start the discussion.'],
      ['connecting', 'Connecting to the discussion…'],
      ['post-mismatch', "This discussion's address points to another room."],
    ];
    for (const [reason, expected] of reasons) expect(cannotSendText(reason)).to.equal(expected);
    expect(cannotSendText(undefined)).to.equal(undefined);
  });

  it('French: a guest, roles and the list of changes in French', async () => {
    await requestLocale('fr');
    expect(activeLocale()).to.equal('fr');
    expect(noticeLineText(member('joined', null))).to.match(/^Un invité/u);
    const power = noticeLineText({
      kind: 'power-levels-changed',
      actor: 'Alice',
      changes: [promoted('Bob'), { member: 'Carol', from: role('admin', 100), to: role('default', 0) }],
    });
    expect(power).to.include('Modérateur').and.include('Bob').and.include('Carol');
    expect(power).to.not.include('Moderator');
    expect(cannotSendText('post-mismatch')).to.not.equal("This discussion's address points to another room.");
  });

  it('Arabic: roles, the list of changes and the numbers the Arabic way', async () => {
    await requestLocale('ar');
    expect(activeLocale()).to.equal('ar');
    const custom = noticeLineText({
      kind: 'power-levels-changed',
      actor: 'Alice',
      changes: [{ member: 'Bob', from: role('default', 0), to: role('custom', 25) }, ...['C', 'D', 'E', 'F', 'G'].map(promoted)],
    });
    expect(custom).to.include(new Intl.NumberFormat('ar').format(25));
    expect(custom).to.include(new Intl.NumberFormat('ar').format(3));
    expect(custom).to.include('مشرف').and.include('، و');
    expect(custom).to.not.include('Moderator');
  });
});
