/**
 * The queue's count line through the language's plural forms (plural.ts), never "=== 1 ?": in English "1 item
 * waits", "2 items wait", and the number written the active locale's way.
 */
import { expect } from '@open-wc/testing';
import { requestLocale } from '../../i18n/locale.ts';
import { countText } from './queue-texts.ts';

describe('moderation queue count', () => {
  afterEach(async () => {
    await requestLocale('en');
  });

  it('English: empty, one item, several, with grouped digits', () => {
    expect(countText(0)).to.equal('The queue is empty.');
    expect(countText(1)).to.equal('1 item waits for a moderator.');
    expect(countText(2)).to.equal('2 items wait for a moderator.');
    expect(countText(1234)).to.equal('1,234 items wait for a moderator.');
  });

  it('German and Arabic: the number in the language’s digits and grouping', async () => {
    await requestLocale('de');
    expect(countText(1234)).to.include('1.234');
    await requestLocale('ar');
    expect(countText(11)).to.include(new Intl.NumberFormat('ar').format(11));
  });
});
