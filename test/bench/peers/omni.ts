/** OmniSocial Chat: sign in through the public API, mount one `<omni-room>`. */
import { signIn } from '@omnisocial/chat';
import { deepText, params, report, whenPainted } from './measure.ts';

report(async () => {
  const { homeserver, username, password, roomId, marker } = params();
  const app = document.getElementById('app');
  if (!app) throw new Error('no #app');
  await signIn({ homeserver, username, password });
  const room = document.createElement('omni-room');
  room.setAttribute('homeserver', homeserver);
  room.setAttribute('room', roomId);
  app.append(room);
  return whenPainted(marker, () => deepText(room));
});
