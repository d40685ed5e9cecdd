/**
 * The scale benchmark's watching page: one member signed in, one `<omni-room>` per room id in the query
 * (`hs`, `user`, `password`, `rooms`), all in the viewport. It records when each expected text first shows in
 * its element (epoch ms, the clock the sender's Node process reads too).
 */
import { signIn } from '@omnisocial/chat';
import { deepText } from './dom.ts';

export interface ScaleBench {
  /** Resolves once every element shows `text` (the rooms' seed message). */
  allShow(text: string): Promise<void>;
  /** Starts watching element `index` for `marker`. */
  expect(index: number, marker: string): void;
  /** When each expected marker was first seen (epoch ms); markers not seen yet are absent. */
  seen(): Record<string, number>;
}

declare global {
  interface Window {
    scale: ScaleBench;
  }
}

const params = new URLSearchParams(location.search);
const homeserver = params.get('hs') ?? '';
const rooms = (params.get('rooms') ?? '').split(',').filter(Boolean);
const elements = rooms.map((room) => {
  const element = document.createElement('omni-room');
  element.setAttribute('homeserver', homeserver);
  element.setAttribute('room', room);
  document.body.append(element);
  return element;
});
void signIn({ homeserver, username: params.get('user') ?? '', password: params.get('password') ?? '' });

const pending = new Map<string, HTMLElement>();
const seen: Record<string, number> = {};
const check = (): void => {
  // One text walk per element with something pending, whatever the number of markers in it.
  const byElement = new Map<HTMLElement, string>();
  for (const [marker, element] of pending) {
    const text = byElement.get(element) ?? deepText(element);
    byElement.set(element, text);
    if (text.includes(marker)) {
      seen[marker] = Date.now();
      pending.delete(marker);
    }
  }
  requestAnimationFrame(check);
};
requestAnimationFrame(check);

window.scale = {
  allShow: (text) =>
    new Promise((resolve) => {
      const poll = (): void => {
        if (elements.every((element) => deepText(element).includes(text))) resolve();
        else setTimeout(poll, 100);
      };
      poll();
    }),
  expect: (index, marker) => {
    const element = elements[index];
    if (element) pending.set(marker, element);
  },
  seen: () => ({ ...seen }),
};
