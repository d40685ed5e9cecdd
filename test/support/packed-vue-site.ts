/**
 * The Vue 3 site test/node/pack-vue.test.ts builds from the packed tarballs: a single-file component using
 * `<omni-room>` with a bound prop and an `@omni-unread-change` handler, one type-checked by `vue-tsc` only (each
 * `@vue-expect-error` must meet an error), and the Vite configuration telling Vue's compiler the tags are custom
 * elements.
 */
import { SITE_COMPILER_OPTIONS } from './packed-site.ts';

/** The app's entry: defines the elements, brings in their Vue typings, gives the page `signIn`, mounts the app. */
export const VUE_MAIN_TS = `import { signIn } from '@omnisocial/chat';
import type {} from '@omnisocial/chat/vue';
import { createApp } from 'vue';
import App from './App.vue';

Object.assign(window, { omniChat: { signIn } });
createApp(App).mount('#app');
`;

/** The app: the room from the page's query, the unread counts its handler received, shown on the page. */
export const APP_VUE = `<script setup lang="ts">
import { ref } from 'vue';
import type { OmniUnreadChangeEvent } from '@omnisocial/chat';

const params = new URLSearchParams(location.search);
const homeserver = params.get('homeserver') ?? '';
const room = params.get('room') ?? '';
const unread = ref<number[]>([]);

function onUnreadChange(event: OmniUnreadChangeEvent): void {
  unread.value.push(event.count);
}
</script>

<template>
  <main>
    <h1>A Vue site</h1>
    <omni-room :homeserver="homeserver" :room="room" theme="dark" loading="eager" @omni-unread-change="onUnreadChange" />
    <p>Unread counts received by Vue: {{ unread.length === 0 ? 'none' : unread.join(', ') }}</p>
  </main>
</template>
`;

/** Never rendered: \`vue-tsc\` checks it; the props and events of the three tags are typed. */
export const TYPED_VUE = `<script setup lang="ts">
import type { OmniRoomCreatedEvent } from '@omnisocial/chat';

function created(event: OmniRoomCreatedEvent): void {
  void event.roomId.length;
}
</script>

<template>
  <omni-chat post="p1" :open="true" post-title="A post" @omni-room-created="created" />
  <omni-dm user="@bob:example.org" presentation="launcher" @omni-unread-change="(event) => void event.count.toFixed()" />
  <!-- @vue-expect-error: room is a string -->
  <omni-room :room="1" />
  <!-- @vue-expect-error: open is a boolean -->
  <omni-chat :open="'yes'" />
  <!-- @vue-expect-error: not a theme -->
  <omni-room :theme="'purple'" />
  <!-- @vue-expect-error: not a loading mode -->
  <omni-dm :loading="'soon'" />
  <!-- @vue-expect-error: count is a number -->
  <omni-room @omni-unread-change="(event) => void event.count.toUpperCase()" />
</template>
`;

export const VUE_TSCONFIG = {
  compilerOptions: SITE_COMPILER_OPTIONS,
  include: ['vue-main.ts', 'App.vue', 'Typed.vue'],
};

/** The site's Vite configuration: Vue's plugin, told that the \`omni-\` tags are custom elements, not components. */
export const VUE_VITE_CONFIG = `import vue from '@vitejs/plugin-vue';

export default {
  base: '/dist/',
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('omni-') } } })],
  build: { rolldownOptions: { input: { 'vue-app': 'vue-main.ts' }, output: { entryFileNames: '[name].js' } } },
};
`;
