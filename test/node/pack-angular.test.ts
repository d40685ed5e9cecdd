/**
 * An Angular site built from the packed tarballs, with no workspace around: npm installs the tarballs with the
 * Angular CLI's application builder in an empty project, then
 * - `ng build` (strict templates) builds a standalone component using `<omni-room>` under `CUSTOM_ELEMENTS_SCHEMA`,
 *   its `(omni-unread-change)` handler typed `OmniUnreadChangeEvent`;
 * - `ngc` rejects a handler expecting another event type (the package's `GlobalEventHandlersEventMap` reaches
 *   Angular's template type-checker);
 * - Chromium loads the built app against a real Synapse: the room shows its message, Angular's handler receives the
 *   unread counts.
 */
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFrameworkApp, frameworkSite, type FrameworkSite } from '../support/framework-app.ts';
import { run } from '../support/packed-project.ts';
import {
  ANGULAR_JSON,
  ANGULAR_TSCONFIG,
  APP_COMPONENT_TS,
  INDEX_HTML,
  MAIN_TS,
  WRONG_COMPONENT_TS,
  WRONG_TSCONFIG,
} from '../support/packed-angular-site.ts';

const MESSAGE = 'hello from an Angular site';
/** The current Angular on the npm registry when this test was written. */
const ANGULAR_VERSION = '22.2.6';
const ANGULAR_BUILD_VERSION = '22.2.7';

const env = { ...process.env, NG_CLI_ANALYTICS: 'false', CI: '1' };

describe('an Angular site built from the packed packages', () => {
  let fixture: FrameworkSite;

  before(async () => {
    fixture = await frameworkSite({
      prefix: 'omni-pack-angular-',
      files: {
        'package.json': JSON.stringify({ name: 'an-angular-site', private: true, type: 'module' }),
        'angular.json': JSON.stringify(ANGULAR_JSON),
        'tsconfig.json': JSON.stringify(ANGULAR_TSCONFIG),
        'tsconfig.wrong.json': JSON.stringify(WRONG_TSCONFIG),
        'src/index.html': INDEX_HTML,
        'src/main.ts': MAIN_TS,
        'src/app.component.ts': APP_COMPONENT_TS,
        'src/wrong.component.ts': WRONG_COMPONENT_TS,
      },
      packages: [
        ...['core', 'common', 'compiler', 'compiler-cli', 'platform-browser'].map((name) => `@angular/${name}@${ANGULAR_VERSION}`),
        `@angular/build@${ANGULAR_BUILD_VERSION}`,
        `@angular/cli@${ANGULAR_BUILD_VERSION}`,
        'rxjs@7',
        'tslib@2',
      ],
      roomName: 'Angular lobby',
      message: MESSAGE,
    });
  });

  after(async () => {
    await fixture.stop();
  });

  test("ngc rejects a handler expecting another type than the element's event", async () => {
    await assert.rejects(
      run(path.join(fixture.project, 'node_modules/.bin/ngc'), ['-p', 'tsconfig.wrong.json'], fixture.project, env),
      (error: Error) => /OmniUnreadChangeEvent/u.test(error.message) && /count/u.test(error.message),
    );
  });

  test('the Angular app in Chromium: <omni-room> shows the room, (omni-unread-change) reaches Angular', async () => {
    await run(path.join(fixture.project, 'node_modules/.bin/ng'), ['build'], fixture.project, env);
    const url = await fixture.serve(path.join(fixture.project, 'dist/browser'));
    await checkFrameworkApp(fixture, {
      url: fixture.appUrl(url('/index.html')),
      framework: 'Angular',
      // Angular's runtime errors (NG0…), e.g. a template it could not bind.
      warning: 'NG0',
    });
  });
});
