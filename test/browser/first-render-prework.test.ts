/**
 * The views chunk makes what every room's first render needs once per page in idle time before it (the page signing
 * in, the room's messages on their way): Lit's templates of the commonest message tiles and the notification
 * permission the header shows. A first render then parses no tile template and asks the browser process nothing.
 */
import { expect, fixtureSync, html } from '@open-wc/testing';
import { renderMessageTile } from '../../packages/elements/src/components/message-tile/message-tile.ts';
import { messageItem } from '../../packages/elements/src/test-fixtures.ts';

const idle = (): Promise<void> => new Promise((resolve) => requestIdleCallback(() => resolve()));

describe('idle time before the first render', () => {
  it('prepares the message tiles’ templates and reads the notification permission once the views chunk loads', async () => {
    const permission = Object.getOwnPropertyDescriptor(Notification, 'permission');
    let permissionReads = 0;
    Object.defineProperty(Notification, 'permission', {
      configurable: true,
      get(): NotificationPermission {
        permissionReads += 1;
        return permission?.get?.call(Notification) as NotificationPermission;
      },
    });
    try {
      await import('../../packages/elements/src/views.ts');
      // Idle callbacks run in the order they were asked for: the views chunk's ran before this one.
      await idle();
      expect(permissionReads, 'the permission was not read in idle time').to.equal(1);

      // The test's own wrapper is parsed before counting.
      const wrap = (content: unknown): ReturnType<typeof html> => html`<div>${content}</div>`;
      fixtureSync(wrap(''));
      // Lit parses a template by giving a <template> its HTML, once per template and page.
      const innerHTML = Object.getOwnPropertyDescriptor(Element.prototype, 'innerHTML');
      let templates = 0;
      Object.defineProperty(HTMLTemplateElement.prototype, 'innerHTML', {
        configurable: true,
        set(this: HTMLTemplateElement, value: string) {
          templates += 1;
          innerHTML?.set?.call(this, value);
        },
      });
      try {
        const first = messageItem({ key: 'a', eventId: '$a', body: 'Hello', timestamp: Date.UTC(2026, 0, 1, 9) });
        const next = messageItem({ key: 'b', eventId: '$b', body: 'again', timestamp: Date.UTC(2026, 0, 1, 9, 1), continuation: true });
        const options = { active: false, menu: 'none', showActions: false, showReceipts: false, onAction: () => undefined } as const;
        fixtureSync(wrap([renderMessageTile(first, options), renderMessageTile(next, options)]));
      } finally {
        Reflect.deleteProperty(HTMLTemplateElement.prototype, 'innerHTML');
      }
      expect(templates, 'templates parsed in the first render of two tiles').to.equal(0);
    } finally {
      if (permission) Object.defineProperty(Notification, 'permission', permission);
    }
  });
});
