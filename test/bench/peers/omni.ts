/**
 * OmniSocial Chat: sign in through the public API, mount one `<omni-room>`. Also measured: when the composer's
 * textbox is enabled (the member can write), which may come after the first message.
 */
import { signIn } from '@omnisocial/chat';
import { deepText, findDeep, params, report, whenPainted, whenReady } from './measure.ts';

let room: HTMLElement | undefined;

report(
  async () => {
    const { homeserver, username, password, roomId, marker } = params();
    const app = document.getElementById('app');
    if (!app) throw new Error('no #app');
    await signIn({ homeserver, username, password });
    const element = document.createElement('omni-room');
    room = element;
    element.setAttribute('homeserver', homeserver);
    element.setAttribute('room', roomId);
    app.append(element);
    return whenPainted(marker, () => deepText(element));
  },
  () => whenReady(() => room !== undefined && findDeep(room, 'textarea')?.matches(':enabled') === true),
);
