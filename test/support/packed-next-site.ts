/**
 * The Next.js site test/node/pack-next.test.ts builds from the packed tarballs (App Router): a server component page
 * reading the room from the query, a client component holding `<OmniRoom>` from `@omnisocial/react` with its
 * `onOmniUnreadChange` handler, and a paragraph under the room that would move if the element changed size.
 */

export const NEXT_LAYOUT_TSX = `import type { ReactNode } from 'react';

export const metadata = { title: 'A Next.js site', icons: { icon: 'data:,' } };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ margin: 0, padding: '1rem', fontFamily: 'system-ui' }}>{children}</body>
    </html>
  );
}
`;

/** A server component: the wrapper's client components render on the server first, then hydrate. */
export const NEXT_PAGE_TSX = `import { Chat } from './chat';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { homeserver = '', room = '' } = await searchParams;
  return (
    <main>
      <h1>A Next.js site</h1>
      <Chat homeserver={homeserver} room={room} />
    </main>
  );
}
`;

/**
 * The same page with the engine in a worker (docs/engine.md): React puts the \`<meta>\` in the document's head, where
 * the session registry reads it when the first session starts.
 */
export const NEXT_WORKER_PAGE_TSX = `import { Chat } from '../chat';

export default async function WorkerPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { homeserver = '', room = '' } = await searchParams;
  return (
    <main>
      <meta name="omni-chat-engine" content="worker" />
      <h1>A Next.js site, its chat engine in a worker</h1>
      <Chat homeserver={homeserver} room={room} />
    </main>
  );
}
`;

/** The client component: the room, the unread counts its handler received, and the page's \`signIn\` for the test. */
export const NEXT_CHAT_TSX = `'use client';
import { useEffect, useState } from 'react';
import { OmniRoom, signIn } from '@omnisocial/react';

export function Chat({ homeserver, room }: { homeserver: string; room: string }) {
  const [unread, setUnread] = useState<number[]>([]);
  useEffect(() => {
    Object.assign(window, { omniChat: { signIn } });
  }, []);
  return (
    <>
      <OmniRoom homeserver={homeserver} room={room} theme="dark" onOmniUnreadChange={(event) => setUnread((counts) => [...counts, event.count])} />
      <p id="below">Unread counts received by Next.js: {unread.length === 0 ? 'none' : unread.join(', ')}</p>
    </>
  );
}
`;

export const NEXT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2024', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    jsx: 'preserve',
    strict: true,
    noEmit: true,
    allowJs: false,
    skipLibCheck: true,
    esModuleInterop: true,
    isolatedModules: true,
    resolveJsonModule: true,
    incremental: true,
    plugins: [{ name: 'next' }],
  },
  include: ['next-env.d.ts', '**/*.ts', '**/*.tsx'],
  exclude: ['node_modules'],
};

export const NEXT_CONFIG = `export default {};
`;

/**
 * Measures layout shift from the page's first paint, in the page before any of its scripts run: every
 * 'layout-shift' entry not caused by the member's input, summed (Chromium's cumulative layout shift).
 */
export const LAYOUT_SHIFT_OBSERVER = `window.__layoutShift = { total: 0, sources: [] };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__layoutShift.total += entry.value;
    for (const source of entry.sources ?? []) {
      const [from, to] = [source.previousRect, source.currentRect].map((r) => \`\${r.x},\${r.y} \${r.width}×\${r.height}\`);
      window.__layoutShift.sources.push(\`\${source.node?.nodeName ?? 'a node in a shadow root'}: \${from} → \${to}\`);
    }
  }
}).observe({ type: 'layout-shift', buffered: true });
`;
