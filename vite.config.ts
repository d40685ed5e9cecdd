import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type BuildEnvironmentOptions, type Plugin } from 'vite';
import { minifyCssLiterals } from './scripts/css-literals.ts';

// The crypto wasm's browser entry. pnpm keeps the package inside matrix-js-sdk's own node_modules, so the
// pre-bundled js-sdk (in node_modules/.vite) cannot resolve it by name: point at it explicitly. Its
// `new URL('./pkg/…_bg.wasm', import.meta.url)` then fetches the wasm as a separate application/wasm file.
const fromCore = createRequire(new URL('./packages/core/package.json', import.meta.url));
const fromSdk = createRequire(fromCore.resolve('matrix-js-sdk'));
const cryptoWasmEntry = path.join(path.dirname(fromSdk.resolve('@matrix-org/matrix-sdk-crypto-wasm')), 'index.mjs');

const elements = fileURLToPath(new URL('./packages/elements/', import.meta.url));

// The package build leaves @omnisocial/chat's own npm dependencies as imports for the site's bundler to resolve
// (and deduplicate), @omnisocial/core among them: a site that also imports core gets one session registry, not
// two. The emoji data and the emoji font are imported as `?url` assets, which only Vite understands, so they are
// emitted as files instead.
const packageDependencies = Object.keys(
  (createRequire(`${elements}package.json`)('./package.json') as { dependencies: Record<string, string> }).dependencies,
).filter((name) => name !== 'emoji-picker-element-data' && name !== '@fontsource/noto-color-emoji');
const external = (id: string): boolean => packageDependencies.some((name) => id === name || id.startsWith(`${name}/`));

/**
 * `vite build` builds `packages/elements/dist/`:
 * - mode `production` (the default): `omni-chat.js`, self-contained for a plain `<script type="module">`;
 *   its chunks (`chunks/`) and assets (`assets/`, the crypto wasm among them) load relative to its own URL;
 * - mode `package`: `lib/index.js` for bundlers, with the npm dependencies left as imports.
 * Not library mode: that would inline the 7.6 MB crypto wasm (and every other asset) as base64.
 */
function buildOptions(mode: string): BuildEnvironmentOptions {
  const forBundlers = mode === 'package';
  return {
    outDir: forBundlers ? `${elements}dist/lib` : `${elements}dist`,
    emptyOutDir: true,
    target: 'es2023',
    // The script-tag build lists each dynamic import's chunks for the loader's own small preload helper (below), which
    // fetches them at once instead of one level of static imports after another. A site's bundler renames chunks, so the
    // package build leaves that to it.
    modulePreload: forBundlers
      ? false
      : {
          polyfill: false,
          // The import fetches its own chunk; the loader's own chunks (`page` and `shared`, below) are on the page
          // before any dynamic import runs.
          resolveDependencies: (file, deps) => deps.filter((dep) => dep !== file && !/(^|\/)(page|shared)-[\w-]{8}\.js$/.test(dep)),
        },
    assetsInlineLimit: (file) => !file.endsWith('.wasm') && undefined,
    reportCompressedSize: false,
    // dist/.vite/manifest.json: which chunk imports which, for the size budget test.
    manifest: true,
    minify: !forBundlers,
    rolldownOptions: {
      // For bundlers, `@omnisocial/chat/moderation` (the moderators' queue) is an entry of its own, never in the loader.
      input: forBundlers
        ? { index: `${elements}src/index.ts`, moderation: `${elements}src/moderation.ts` }
        : { 'omni-chat': `${elements}src/loader.ts` },
      preserveEntrySignatures: 'strict',
      // @lit/localize declares no `sideEffects`, and its runtime module sets up state when imported: without this,
      // importing `msg()` into the loader would carry the whole runtime (message ids, locale loading), which only
      // comes with the first language other than English (i18n/locale-runtime.ts).
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]@lit[\\/]localize[\\/]/.test(id) },
      ...(forBundlers ? { external } : {}),
      output: {
        format: 'es',
        codeSplitting: {
          groups: [
            // What the loader needs from core at once (`@omnisocial/core/page`: OmniError and the SSO URL
            // helpers), kept apart from the rest of core so it costs the loader little. The session
            // registry, homeserver discovery and storage load with the first sign-in or view.
            {
              name: 'page',
              test: /packages[\\/]core[\\/]src[\\/](page|types|session[\\/](base-url|sso))\.ts$/,
            },
            // What the loader shares with the views (`msg()`, `str`, plurals, events, attribute tables) as one chunk, not
            // several tiny ones; the localization runtime and translations load only for a language other than English.
            {
              name: 'shared',
              test: /(@lit[\\/]localize[\\/](init[\\/]install|internal[\\/](str-tag|default-msg))\.js|elements[\\/]src[\\/](i18n[\\/](active-locale|plural)|events|loader[\\/](attributes|icon))\.ts)$/,
            },
          ],
        },
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  };
}

// One Vite configuration for the browser tests (served through @web/test-runner), the demo and builds.
/**
 * Vite wraps every dynamic import in a helper that preloads the chunk's CSS and JS dependencies (~0.9 KB gzip, in the
 * loader). This build has no CSS, so a smaller one does: it adds a `modulepreload` link for each chunk the import will
 * need that this page has not asked for yet (the script-tag build lists them, relative to the importing chunk), so the
 * browser fetches them together rather than one level of static imports after another, then imports. Where there is
 * no document (the engine's worker) it only imports. Failed imports reject as they are, for the element to show and retry.
 */
const PRELOAD_HELPER = `const asked = {};
export const __vitePreload = (load, deps, importerUrl) => {
  if (deps && typeof document < 'u')
    for (const dep of deps) {
      const href = new URL(dep, importerUrl).href;
      if (!asked[href]) document.head.append(Object.assign(document.createElement('link'), { rel: 'modulepreload', href }));
      asked[href] = 1;
    }
  return load();
};`;
const plainDynamicImports: Plugin = {
  name: 'omni:plain-dynamic-imports',
  apply: 'build',
  enforce: 'pre',
  load: {
    filter: { id: /^\0vite\/preload-helper\.js$/ },
    handler: () => PRELOAD_HELPER,
  }, // The package build is bundled again by the site's own Vite, which adds its `__vitePreload` import to every
  // module with a dynamic import: a binding of that name already there would be declared twice.
  renderChunk: (code) => (code.includes('__vitePreload') ? code.replaceAll('__vitePreload', '__omniLoad') : null),
};

/** The views' `css` templates without their comments and indentation (scripts/css-literals.ts), in both builds. */
const cssLiterals: Plugin = {
  name: 'omni:css-literals',
  apply: 'build',
  transform: {
    filter: { id: /packages[\\/]elements[\\/]src[\\/].*\.ts$/, code: 'css`' },
    handler: (code) => ({ code: minifyCssLiterals(code), map: null }),
  },
};

/**
 * Core's `import … from 'matrix-js-sdk'` resolves to packages/core/src/sdk.ts, which imports the SDK's own modules
 * instead of its index: the index carries the widget client (matrix-widget-api) and the legacy crypto store, which no
 * page of ours runs but every page would download before its first message. Builds only: the dev server pre-bundles
 * the SDK as one dependency, and deep imports beside it would be second copies of its classes.
 */
const coreSdk = fileURLToPath(new URL('./packages/core/src/sdk.ts', import.meta.url));
const coreSource = fileURLToPath(new URL('./packages/core/src/', import.meta.url));
const narrowSdk: Plugin = {
  name: 'omni:core-sdk-modules',
  apply: 'build',
  enforce: 'pre',
  resolveId: {
    filter: { id: /^matrix-js-sdk$/ },
    handler: (source, importer) =>
      source === 'matrix-js-sdk' && importer?.startsWith(coreSource) && importer !== coreSdk ? coreSdk : null,
  },
};

export default defineConfig(({ command, mode }) => ({
  base: './',
  plugins: [plainDynamicImports, narrowSdk, cssLiterals],
  ...(command === 'build' ? { build: buildOptions(mode) } : {}),
  // The engine's worker (core/src/worker) loads the engine as a chunk of its own, which needs ES modules.
  worker: {
    format: 'es' as const,
    rolldownOptions: {
      output: {
        entryFileNames: 'chunks/[name]-[hash].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  define: {
    // matrix-js-sdk and its dependencies read process.env.NODE_ENV, which browsers do not have.
    'process.env.NODE_ENV': JSON.stringify(mode === 'production' || command === 'build' ? 'production' : 'development'),
  },
  resolve: {
    alias: [{ find: /^@matrix-org\/matrix-sdk-crypto-wasm$/, replacement: cryptoWasmEntry }],
  },
  optimizeDeps: {
    // The crypto wasm is fetched as a separate file, never inlined into a pre-bundled chunk.
    exclude: ['@matrix-org/matrix-sdk-crypto-wasm'],
  },
  server: { host: '127.0.0.1' },
}));
