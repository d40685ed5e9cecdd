/**
 * A Vue 3 site built from the packed tarballs, with no workspace around: npm installs the tarballs with vue,
 * @vitejs/plugin-vue and vue-tsc in an empty project, then
 * - `vue-tsc` checks the site's templates against `@omnisocial/chat/vue` (a wrong prop or event type is an error);
 * - Vite builds the app, and Chromium loads it against a real Synapse: `<omni-room>`, bound by Vue, shows the
 *   room's message, and Vue's `@omni-unread-change` handler receives the unread counts and shows them.
 */
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertDeclarationsOnly, checkFrameworkApp, frameworkSite, viteApp, type FrameworkSite } from '../support/framework-app.ts';
import { run } from '../support/packed-project.ts';
import { APP_VUE, TYPED_VUE, VUE_MAIN_TS, VUE_TSCONFIG, VUE_VITE_CONFIG } from '../support/packed-vue-site.ts';

const MESSAGE = 'hello from a Vue site';
const VUE_VERSION = '3.5.47';
const PLUGIN_VUE_VERSION = '6.1.1';
const VUE_TSC_VERSION = '3.3.14';

describe('a Vue 3 site built from the packed packages', () => {
  let fixture: FrameworkSite;
  let project: string;

  before(async () => {
    fixture = await frameworkSite({
      prefix: 'omni-pack-vue-',
      files: {
        'package.json': JSON.stringify({ name: 'a-vue-site', private: true, type: 'module' }),
        'vue-main.ts': VUE_MAIN_TS,
        'App.vue': APP_VUE,
        'Typed.vue': TYPED_VUE,
        'tsconfig.json': JSON.stringify(VUE_TSCONFIG),
        'vite.config.mjs': VUE_VITE_CONFIG,
      },
      packages: [`vue@${VUE_VERSION}`, `@vitejs/plugin-vue@${PLUGIN_VUE_VERSION}`, `vue-tsc@${VUE_TSC_VERSION}`],
      roomName: 'Vue lobby',
      message: MESSAGE,
    });
    ({ project } = fixture);
  });

  after(async () => {
    await fixture.stop();
  });

  test('the Vue entry is declarations only: nothing is added to the bundle', async () => {
    await assertDeclarationsOnly(fixture, 'vue');
  });

  test("vue-tsc checks the templates: the tags' props and events are typed", async () => {
    await run(path.join(project, 'node_modules/.bin/vue-tsc'), ['-p', '.'], project);
  });

  test('the Vue app in Chromium: <omni-room> shows the room, its props reach the element, @omni-unread-change reaches Vue', async () => {
    await checkFrameworkApp(fixture, {
      url: await viteApp(fixture, 'vue'),
      framework: 'Vue',
      // "Failed to resolve component": isCustomElement did not apply.
      warning: '[Vue warn]',
    });
  });
});
