/**
 * A Svelte 5 site built from the packed tarballs, with no workspace around: npm installs the tarballs with svelte,
 * @sveltejs/vite-plugin-svelte and svelte-check in an empty project, then
 * - `svelte-check` checks the site's markup against `@omnisocial/chat/svelte`: the right uses pass, and each wrong
 *   attribute or event type is reported on its line;
 * - Vite builds the app, and Chromium loads it against a real Synapse: `<omni-room>`, given its attributes by
 *   Svelte, shows the room's message, and Svelte's `onomni-unread-change` handler receives the unread counts.
 */
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertDeclarationsOnly, checkFrameworkApp, frameworkSite, viteApp, type FrameworkSite } from '../support/framework-app.ts';
import { run } from '../support/packed-project.ts';
import {
  APP_SVELTE,
  SVELTE_MAIN_TS,
  SVELTE_TSCONFIG,
  SVELTE_VITE_CONFIG,
  TYPED_SVELTE,
  WRONG_SVELTE,
  WRONG_TSCONFIG,
} from '../support/packed-svelte-site.ts';

const MESSAGE = 'hello from a Svelte site';
const SVELTE_VERSION = '5.60.1';
const PLUGIN_SVELTE_VERSION = '7.3.3';
const SVELTE_CHECK_VERSION = '4.7.9';

describe('a Svelte 5 site built from the packed packages', () => {
  let fixture: FrameworkSite;
  let project: string;

  before(async () => {
    fixture = await frameworkSite({
      prefix: 'omni-pack-svelte-',
      files: {
        'package.json': JSON.stringify({ name: 'a-svelte-site', private: true, type: 'module' }),
        'svelte-main.ts': SVELTE_MAIN_TS,
        'App.svelte': APP_SVELTE,
        'Typed.svelte': TYPED_SVELTE,
        'Wrong.svelte': WRONG_SVELTE,
        'tsconfig.json': JSON.stringify(SVELTE_TSCONFIG),
        'tsconfig.wrong.json': JSON.stringify(WRONG_TSCONFIG),
        'vite.config.mjs': SVELTE_VITE_CONFIG,
      },
      packages: [
        `svelte@${SVELTE_VERSION}`,
        `@sveltejs/vite-plugin-svelte@${PLUGIN_SVELTE_VERSION}`,
        `svelte-check@${SVELTE_CHECK_VERSION}`,
      ],
      roomName: 'Svelte lobby',
      message: MESSAGE,
    });
    ({ project } = fixture);
  });

  after(async () => {
    await fixture.stop();
  });

  test('the Svelte entry is declarations only: nothing is added to the bundle', async () => {
    await assertDeclarationsOnly(fixture, 'svelte');
  });

  test("svelte-check checks the markup: the tags' attributes and events are typed", async () => {
    const check = path.join(project, 'node_modules/.bin/svelte-check');
    await run(check, ['--workspace', project, '--tsconfig', path.join(project, 'tsconfig.json'), '--fail-on-warnings'], project);
    // Each wrong use is an error on its own line (a tag without typings would accept all five).
    const wrong = await run(
      check,
      ['--workspace', project, '--tsconfig', path.join(project, 'tsconfig.wrong.json'), '--output', 'machine'],
      project,
    ).then(
      () => assert.fail('svelte-check accepted the wrong uses'),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const lines = [...wrong.matchAll(/ERROR "Wrong\.svelte" (\d+):\d+/g)].map((match) => Number(match[1]));
    assert.deepEqual([...new Set(lines)].sort(), [2, 3, 4, 5, 6], wrong);
  });

  test('the Svelte app in Chromium: <omni-room> shows the room, its attributes reach the element, onomni-unread-change reaches Svelte', async () => {
    await checkFrameworkApp(fixture, {
      url: await viteApp(fixture, 'svelte'),
      framework: 'Svelte',
      // Its compiler's and runtime's warnings (an attribute it could not set, a handler it did not attach).
      warning: 'svelte',
    });
  });
});
