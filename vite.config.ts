import { defineConfig } from 'vite';

// One Vite configuration for the browser tests (served through @web/test-runner), the demo and builds.
export default defineConfig(({ mode }) => ({
  base: './',
  define: {
    // matrix-js-sdk and its dependencies read process.env.NODE_ENV, which browsers do not have.
    'process.env.NODE_ENV': JSON.stringify(mode === 'production' ? 'production' : 'development'),
  },
  optimizeDeps: {
    // The crypto wasm is fetched as a separate file, never inlined into a pre-bundled chunk.
    exclude: ['@matrix-org/matrix-sdk-crypto-wasm'],
  },
  server: { host: '127.0.0.1' },
}));
