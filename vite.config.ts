import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'vite';

// The crypto wasm's browser entry. pnpm keeps the package inside matrix-js-sdk's own node_modules, so the
// pre-bundled js-sdk (in node_modules/.vite) cannot resolve it by name: point at it explicitly. Its
// `new URL('./pkg/…_bg.wasm', import.meta.url)` then fetches the wasm as a separate application/wasm file.
const fromCore = createRequire(new URL('./packages/core/package.json', import.meta.url));
const fromSdk = createRequire(fromCore.resolve('matrix-js-sdk'));
const cryptoWasmEntry = path.join(path.dirname(fromSdk.resolve('@matrix-org/matrix-sdk-crypto-wasm')), 'index.mjs');

// One Vite configuration for the browser tests (served through @web/test-runner), the demo and builds.
export default defineConfig(({ mode }) => ({
  base: './',
  define: {
    // matrix-js-sdk and its dependencies read process.env.NODE_ENV, which browsers do not have.
    'process.env.NODE_ENV': JSON.stringify(mode === 'production' ? 'production' : 'development'),
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
