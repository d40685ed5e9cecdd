/**
 * The Svelte 5 site test/node/pack-svelte.test.ts builds from the packed tarballs: a component using `<omni-room>`
 * with bound attributes and an `onomni-unread-change` handler, one with every tag used rightly and one with five
 * wrong uses (`svelte-check` must report exactly those five lines), and the Vite configuration.
 */
import { SITE_COMPILER_OPTIONS } from './packed-site.ts';

/** The app's entry: defines the elements, brings in their Svelte typings, gives the page `signIn`, mounts the app. */
export const SVELTE_MAIN_TS = `import { signIn } from '@omnisocial/chat';
import type {} from '@omnisocial/chat/svelte';
import { mount } from 'svelte';
import App from './App.svelte';

Object.assign(window, { omniChat: { signIn } });
mount(App, { target: document.getElementById('app') ?? document.body });
`;

/** The app: the room from the page's query, the unread counts its handler received, shown on the page. */
export const APP_SVELTE = `<script lang="ts">
  import type { OmniUnreadChangeEvent } from '@omnisocial/chat';

  const params = new URLSearchParams(location.search);
  const homeserver = params.get('homeserver') ?? '';
  const room = params.get('room') ?? '';
  const unread: number[] = $state([]);

  function onUnreadChange(event: OmniUnreadChangeEvent): void {
    unread.push(event.count);
  }
</script>

<main>
  <h1>A Svelte site</h1>
  <omni-room {homeserver} {room} theme="dark" loading="eager" onomni-unread-change={onUnreadChange}></omni-room>
  <p>Unread counts received by Svelte: {unread.length === 0 ? 'none' : unread.join(', ')}</p>
</main>
`;

/** Never rendered: every tag used rightly, which \`svelte-check\` must accept. */
export const TYPED_SVELTE = `<script lang="ts">
  import type { OmniRoomCreatedEvent } from '@omnisocial/chat';

  function created(event: OmniRoomCreatedEvent): void {
    void event.roomId.length;
  }
</script>

<omni-chat post="p1" open={true} postTitle="A post" onomni-room-created={created}></omni-chat>
<omni-dm user="@bob:example.org" presentation="launcher" onomni-unread-change={(event) => void event.count.toFixed()}></omni-dm>
`;

/**
 * Never rendered: lines 2 to 6 are each a type error \`svelte-check\` must report (and no other line). The script
 * tag makes the markup TypeScript (without one, svelte-check reads it as JavaScript and reports no type errors).
 */
export const WRONG_SVELTE = `<script lang="ts"></script>
<omni-room room={1}></omni-room>
<omni-chat open="yes"></omni-chat>
<omni-room theme="purple"></omni-room>
<omni-dm loading="soon"></omni-dm>
<omni-room onomni-unread-change={(event) => void event.count.toUpperCase()}></omni-room>
`;

const compilerOptions = { ...SITE_COMPILER_OPTIONS, verbatimModuleSyntax: true };

export const SVELTE_TSCONFIG = { compilerOptions, include: ['svelte-main.ts', 'App.svelte', 'Typed.svelte'] };
/** The wrong uses, checked on their own with the typings brought in by \`svelte-main.ts\`. */
export const WRONG_TSCONFIG = { compilerOptions, include: ['svelte-main.ts', 'Wrong.svelte'] };

/** The site's Vite configuration: Svelte's plugin, nothing about the tags (Svelte knows custom elements). */
export const SVELTE_VITE_CONFIG = `import { svelte } from '@sveltejs/vite-plugin-svelte';

export default {
  base: '/dist/',
  plugins: [svelte()],
  build: { rolldownOptions: { input: { 'svelte-app': 'svelte-main.ts' }, output: { entryFileNames: '[name].js' } } },
};
`;
