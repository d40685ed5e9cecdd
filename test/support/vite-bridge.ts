import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { TestRunnerConfig, TestRunnerPlugin } from '@web/test-runner';
import { createServer, type ViteDevServer } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

type Middleware = NonNullable<TestRunnerConfig['middleware']>[number];

/**
 * Serves test files through Vite in middleware mode. @web/dev-server cannot serve matrix-js-sdk's
 * CommonJS dependencies, while Vite pre-bundles them. The middleware runs before @web/test-runner's
 * own, and passes through what Vite does not know (the test page, mocha, the commands socket).
 */
export function viteBridge(): { plugin: TestRunnerPlugin; middleware: Middleware } {
  let vite: Promise<ViteDevServer> | undefined;
  const server = (): Promise<ViteDevServer> =>
    (vite ??= createServer({
      root,
      configFile: `${root}vite.config.ts`,
      appType: 'custom',
      logLevel: 'warn',
      server: { middlewareMode: true, hmr: false, ws: false },
      optimizeDeps: {
        // Scanning every test file up front pre-bundles all dependencies before the first test page
        // loads; discovering one later makes Vite reload the page, which fails that test file.
        entries: ['packages/elements/src/**/*.test.ts', 'test/browser/**/*.test.ts'],
        exclude: ['@web/test-runner-commands', '@matrix-org/matrix-sdk-crypto-wasm'],
      },
      plugins: [
        {
          // @web/test-runner-commands imports the runner's socket module, which only the runner serves.
          name: 'omni-wtr-runtime',
          resolveId: (id) => (id.startsWith('/__web-dev-server') ? { id, external: true } : undefined),
        },
      ],
    }));

  const middleware: Middleware = async (ctx, next) => {
    const { middlewares } = await server();
    const handled = await new Promise<boolean>((resolve, reject) => {
      const req: IncomingMessage = ctx.req;
      const res: ServerResponse = ctx.res;
      res.once('finish', () => resolve(true));
      middlewares(req, res, (error?: unknown) =>
        error ? reject(error instanceof Error ? error : new Error('Vite failed to serve the request')) : resolve(false),
      );
    });
    if (handled) {
      ctx.respond = false;
      return;
    }
    await next();
  };

  const plugin: TestRunnerPlugin = {
    name: 'omni-vite-bridge',
    async serverStart() {
      await server();
    },
    async serverStop() {
      if (vite) await (await vite).close();
    },
  };
  return { plugin, middleware };
}
