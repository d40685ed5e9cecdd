/**
 * The HTML sanitiser loads at the first formatted message (test/node/first-message-chunks.test.ts checks that the
 * build keeps it off the first-message path). Until it has arrived, that message shows its plain `body` — never its
 * HTML, as markup or as text — and then upgrades to the sanitised rich text in place.
 */
import { expect, fixtureSync, waitUntil } from '@open-wc/testing';
import { renderMessageBody } from '../../packages/elements/src/components/message-body/message-body.ts';
import { messageItem } from '../../packages/elements/src/test-fixtures.ts';

describe('a formatted message before and after the sanitiser loads', () => {
  it('shows the plain body first, then the sanitised HTML; nothing runs', async () => {
    const message = messageItem({
      body: '**loud** and _soft_ https://example.org',
      formattedBody: '<strong>loud</strong> and <em>soft</em> <img src="x" onerror="window.__lazyXss = 1">',
    });
    const body = fixtureSync<HTMLElement>(renderMessageBody(message));
    expect(body.classList.contains('body')).to.equal(true);
    expect(body.textContent).to.equal('**loud** and _soft_ https://example.org');
    expect(body.querySelector('strong, em, img')).to.equal(null);
    expect(body.querySelector('a')?.getAttribute('href')).to.equal('https://example.org/');

    await waitUntil(() => body.querySelector('strong') !== null, 'the sanitised HTML never replaced the plain body', { timeout: 10_000 });
    expect(body.querySelector('strong')?.textContent).to.equal('loud');
    expect(body.querySelector('em')?.textContent).to.equal('soft');
    expect(body.textContent).not.to.contain('**');
    expect(body.querySelector('img[onerror]')).to.equal(null);
    expect(Reflect.get(window, '__lazyXss')).to.equal(undefined);

    // Once loaded, a new formatted message renders rich at once.
    const next = fixtureSync<HTMLElement>(renderMessageBody(messageItem({ body: 'next', formattedBody: '<strong>next</strong>' })));
    expect(next.querySelector('strong')?.textContent).to.equal('next');
  });
});
