// Browser tests: Debian's Chromium through Playwright, files served by Vite, one real Synapse per run.
import { defaultReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { countReporter } from './test/support/count-reporter.ts';
import { synapseHarness } from './test/support/harness-plugin.ts';
import { viteBridge } from './test/support/vite-bridge.ts';

const vite = viteBridge();
const chromium = process.env.OMNI_CHROMIUM ?? '/usr/bin/chromium';
// OMNI_ENGINE=worker|shared runs the suites with the engine in a worker (docs/engine.md); the page's meta says so.
const engine = /^(main|worker|shared|auto)$/.test(process.env.OMNI_ENGINE ?? '') ? process.env.OMNI_ENGINE : undefined;
const engineMeta = engine ? `<meta name="omni-chat-engine" content="${engine}">` : '';

export default {
  files: ['packages/elements/src/**/*.test.ts', 'test/browser/**/*.test.ts'],
  // Two files at a time, each in its own page against the run's one Synapse: the step took 806-826 s one at a time
  // and 520 s two at a time on two cores.
  concurrency: 2,
  browserStartTimeout: 60_000,
  testsStartTimeout: 120_000,
  // A file of several real-Synapse encryption flows (recovery, verification) takes minutes on a loaded 2-core machine.
  testsFinishTimeout: 600_000,
  nodeResolve: false,
  middleware: [vite.middleware],
  plugins: [synapseHarness(), vite.plugin],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: chromium,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      },
    }),
  ],
  // Before every file: tests read resource timing (what was fetched, and when), and a file's modules alone outgrow
  // the default 250 entries. Chromium reports a ResizeObserver whose callback changed layout (the virtualizer
  // measuring its tiles) as a window error, "ResizeObserver loop completed with undelivered notifications": the
  // notifications come in the next frame, nothing is lost. It is counted in `window.omniResizeObserverLoops` (a
  // file may print it) and kept from the test framework, which would fail whichever test was running.
  testRunnerHtml: (framework) =>
    `<!doctype html><html><head>${engineMeta}<script>performance.setResourceTimingBufferSize(100000);` +
    `window.omniResizeObserverLoops=0;addEventListener('error',(e)=>{if(String(e.message).includes('ResizeObserver loop')){` +
    `window.omniResizeObserverLoops++;e.stopImmediatePropagation();e.preventDefault();}},true);</script></head>` +
    `<body><script type="module" src="${framework}"></script></body></html>`,
  testFramework: { config: { timeout: 30_000 } },
  reporters: [defaultReporter(), ...(process.env.OMNI_WTR_SUMMARY ? [countReporter(process.env.OMNI_WTR_SUMMARY)] : [])],
};
