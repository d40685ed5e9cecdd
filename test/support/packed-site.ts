/**
 * The files of the site test/node/pack.test.ts builds from the packed tarballs, in a project of its own: its bundle,
 * a React 19 app, code type-checked against the shipped declarations, its Vite configuration and a plain
 * server-side render.
 */

/** The site's bundle: the package's entry, given to the page's scripts as `window.omniChat`. */
export const MAIN_TS = `import * as chat from '@omnisocial/chat';

declare global {
  interface Window {
    omniChat: typeof chat;
  }
}
window.omniChat = chat;
`;

/** Never run: \`tsc\` checks it against the shipped declarations; each @ts-expect-error must meet an error. */
export const TYPED_TS = `import { OmniRoom, signIn, type OmniUnreadChangeEvent, type SessionInfo } from '@omnisocial/chat';
import { OmniRoom as ScriptTagRoom } from '@omnisocial/chat/omni-chat.js';

export async function typed(): Promise<SessionInfo> {
  const room = document.createElement('omni-room');
  const same: OmniRoom = room;
  const fromScriptTag: typeof ScriptTagRoom = OmniRoom;
  room.room = '#lobby:example.org';
  room.theme = 'dark';
  // @ts-expect-error: not a theme
  room.theme = 'purple';
  const chat = document.createElement('omni-chat');
  chat.open = true;
  chat.postTitle = 'A post';
  // @ts-expect-error: \`open\` is a boolean
  chat.open = 'yes';
  document.createElement('omni-dm').user = '@bob:example.org';
  room.addEventListener('omni-unread-change', (event) => {
    const count: number = event.count;
    const typedEvent: OmniUnreadChangeEvent = event;
    void [count, typedEvent];
  });
  document.addEventListener('omni-error', (event) => void event.error.code.toUpperCase());
  // @ts-expect-error: \`count\` is a number
  room.addEventListener('omni-unread-change', (event) => void event.count.toUpperCase());
  void [same, fromScriptTag];
  // @ts-expect-error: signIn needs a homeserver
  await signIn({ username: 'alice', password: 'secret' });
  return signIn({ homeserver: 'https://matrix.example.org', username: 'alice', password: 'secret' });
}
`;

/** A React 19 app (no JSX, so no plugin): `<OmniRoom>` from the wrapper, its unread events kept for the test. */
export const REACT_APP_TS = `import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { OmniRoom } from '@omnisocial/react';

const params = new URLSearchParams(location.search);
const unread: number[] = [];
Object.assign(window, { unread });
const app = document.getElementById('app');
if (!app) throw new Error('no #app');
createRoot(app).render(
  createElement(OmniRoom, {
    homeserver: params.get('homeserver') ?? '',
    room: params.get('room') ?? '',
    theme: 'dark',
    onOmniUnreadChange: (event) => unread.push(event.count),
  }),
);
`;

/** Never run: the wrapper's props and events are typed. */
export const TYPED_REACT_TS = `import { createElement } from 'react';
import { OmniChat, OmniRoom } from '@omnisocial/react';

export const ok = createElement(OmniChat, { post: 'p1', open: true, onOmniRoomCreated: (event) => void event.roomId.length });
// @ts-expect-error: room is a string
export const wrongProp = createElement(OmniRoom, { room: 1 });
// @ts-expect-error: count is a number
export const wrongEvent = createElement(OmniRoom, { onOmniUnreadChange: (event) => void event.count.toUpperCase() });
`;

/** A site's strict type-check of its sources against the packages' declarations (the packed-framework sites' too). */
export const SITE_COMPILER_OPTIONS = {
  target: 'ES2023',
  lib: ['ES2024', 'DOM', 'DOM.Iterable'],
  module: 'ESNext',
  moduleResolution: 'Bundler',
  strict: true,
  noEmit: true,
  types: [],
};

export const TSCONFIG = {
  compilerOptions: SITE_COMPILER_OPTIONS,
  include: ['main.ts', 'typed.ts', 'react-app.ts', 'typed-react.ts'],
};

/** A site's own Vite build of its bundle (no configuration beyond naming the entry). */
export const VITE_CONFIG = `export default {
  base: '/dist/',
  build: { rolldownOptions: { input: { main: 'main.ts', 'react-app': 'react-app.ts' }, output: { entryFileNames: '[name].js' } } },
};
`;

/**
 * A plain server-side render: imports both entries in Node, then writes the page as a string. The classes must be
 * there (a framework reads them) and nothing may be defined (there is no DOM).
 */
export const RENDER_MJS = `import * as chat from '@omnisocial/chat';
import * as scriptTag from '@omnisocial/chat/omni-chat.js';

for (const entry of [chat, scriptTag]) {
  if (typeof entry.OmniRoom !== 'function' || typeof entry.signIn !== 'function') throw new Error('missing exports');
}
if (typeof globalThis.customElements !== 'undefined') throw new Error('a DOM was there');
const [homeserver, room, scripts] = process.argv.slice(2);
const attribute = (value) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
process.stdout.write(\`<!doctype html>
<html lang="en">
<meta name="viewport" content="width=device-width">
<link rel="icon" href="data:,">
<h1>A server-rendered page</h1>
<omni-room homeserver="\${attribute(homeserver)}" room="\${attribute(room)}" loading="eager"></omni-room>
\${scripts.split(',').map((src) => \`<script type="module" src="\${src}"></script>\`).join('\\n')}
\`);
`;
