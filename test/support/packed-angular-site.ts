/**
 * The Angular site test/node/pack-angular.test.ts builds from the packed tarballs: a standalone component using
 * `<omni-room>` under `CUSTOM_ELEMENTS_SCHEMA`, with property bindings and an `(omni-unread-change)` handler typed
 * `OmniUnreadChangeEvent` (strict templates), built by the Angular CLI's application builder; and a component whose
 * handler expects the wrong event type, which the template type-checker must reject (docs/angular.md).
 */

export const ANGULAR_JSON = {
  version: 1,
  newProjectRoot: 'projects',
  cli: { analytics: false },
  projects: {
    app: {
      projectType: 'application',
      root: '',
      sourceRoot: 'src',
      architect: {
        build: {
          builder: '@angular/build:application',
          options: { browser: 'src/main.ts', index: 'src/index.html', outputPath: 'dist', tsConfig: 'tsconfig.json' },
        },
      },
    },
  },
};

const compilerOptions = {
  target: 'ES2022',
  module: 'preserve',
  moduleResolution: 'bundler',
  lib: ['ES2024', 'DOM', 'DOM.Iterable'],
  strict: true,
  skipLibCheck: true,
  isolatedModules: true,
  experimentalDecorators: false,
  types: [],
};

export const ANGULAR_TSCONFIG = {
  compilerOptions,
  angularCompilerOptions: { strictTemplates: true },
  files: ['src/main.ts'],
};

/** Checked by `ngc` alone: must fail, on the handler's event type. */
export const WRONG_TSCONFIG = {
  compilerOptions: { ...compilerOptions, noEmit: true },
  angularCompilerOptions: { strictTemplates: true },
  files: ['src/wrong.component.ts'],
};

export const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>An Angular site</title>
    <base href="/" />
    <link rel="icon" href="data:," />
  </head>
  <body>
    <app-root></app-root>
  </body>
</html>
`;

export const MAIN_TS = `import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { signIn } from '@omnisocial/chat';
import { AppComponent } from './app.component';

Object.assign(window, { omniChat: { signIn } });
bootstrapApplication(AppComponent, { providers: [provideZonelessChangeDetection()] }).catch((error: unknown) => console.error(error));
`;

export const APP_COMPONENT_TS = `import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';
import type { OmniUnreadChangeEvent } from '@omnisocial/chat';

const params = new URLSearchParams(location.search);

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: \`
    <main>
      <h1>An Angular site</h1>
      <omni-room [homeserver]="homeserver" [room]="room" theme="dark" loading="eager" (omni-unread-change)="onUnread($event)"></omni-room>
      <p>Unread counts received by Angular: {{ unread().length === 0 ? 'none' : unread().join(', ') }}</p>
    </main>
  \`,
})
export class AppComponent {
  readonly homeserver = params.get('homeserver') ?? '';
  readonly room = params.get('room') ?? '';
  readonly unread = signal<number[]>([]);

  onUnread(event: OmniUnreadChangeEvent): void {
    this.unread.update((counts) => [...counts, event.count]);
  }
}
`;

export const WRONG_COMPONENT_TS = `import { Component, CUSTOM_ELEMENTS_SCHEMA } from '@angular/core';
import type {} from '@omnisocial/chat';

@Component({
  selector: 'app-wrong',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: '<omni-room (omni-unread-change)="onUnread($event)"></omni-room>',
})
export class WrongComponent {
  onUnread(event: { count: string }): void {
    void event.count.toUpperCase();
  }
}
`;
