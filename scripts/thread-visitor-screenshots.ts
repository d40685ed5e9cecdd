/**
 * `node scripts/thread-visitor-screenshots.ts`: a visitor of an open post (no account) with a thread open, at 390
 * and 1280 px wide, light and dark, written to docs/threads/ (`visitor-*`): the built module on the journeys' host
 * page against a real Synapse (test/journeys/world.ts), the thread read-only with "Sign in to reply in this thread."
 * where a member has its composer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPerson, openPostElement, visit, waitForMessage } from '../test/journeys/person.ts';
import { createOpenPost, openWorld } from '../test/journeys/world.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const world = await openWorld();
try {
  const post = await createOpenPost(world, 'trail-day', 'Trail day on Saturday', [world.bob, world.carol]);
  const question = 'Which trail should we take on Saturday?';
  const rootId = await world.carol.peer.sendMessage(post.roomId, question);
  const reply = (body: string, inReplyTo: string): Record<string, unknown> => ({
    msgtype: 'm.text',
    body,
    'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: inReplyTo } },
  });
  const first = await world.alice.peer.sendEvent(post.roomId, 'm.room.message', reply('The river trail, it has shade.', rootId));
  await world.bob.peer.sendEvent(post.roomId, 'm.room.message', reply('River trail it is, I will bring water.', first));
  await world.carol.peer.sendMessage(post.roomId, 'Count me in for the picnic.');
  for (const [name, viewport] of [
    ['390', { width: 390, height: 760 }],
    ['1280', { width: 1280, height: 640 }],
  ] as const) {
    for (const theme of ['light', 'dark'] as const) {
      const visitor = await openPerson(world, 'a visitor', viewport, { colorScheme: theme });
      await visit(world, visitor, {
        ...(theme === 'dark' ? { theme: 'dark' as const } : {}),
        elements: [openPostElement(world, post, theme === 'dark' ? { theme: 'dark' } : {})],
      });
      const chat = visitor.page.locator('omni-chat');
      await waitForMessage(visitor, chat, 'Count me in', "Carol's last message");
      const summary = chat.locator('[part="thread-summary"]').first();
      await summary.waitFor({ timeout: 30_000 });
      await summary.click();
      const thread = chat.locator('omni-thread');
      await waitForMessage(visitor, thread, 'bring water', "Bob's reply in the thread");
      await thread.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
      // Shown is read: the summary's count of the visitor's unread replies (kept in their browser) goes.
      await summary.locator('.thread-unread').waitFor({ state: 'detached', timeout: 30_000 });
      await visitor.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const file = path.join(root, `docs/threads/visitor-${name}-${theme}.png`);
      await chat.screenshot({ path: file });
      process.stdout.write(`${file}\n`);
      await visitor.context.close();
    }
  }
} finally {
  await world.close();
}
