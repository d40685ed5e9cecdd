/**
 * The documentation site's own stylesheet and the script of pages with live examples. live.js asks the docs server
 * for its homeserver (`live.json`, served by `pnpm docs`), points each example's element at it (`homeserver`, and
 * `{server}` in `room`/`user` becomes its server name), then loads the elements' script-tag build. On a static host
 * without that file the examples say so instead of failing one by one.
 */

export const SITE_CSS = `:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #555e68; --line: #d0d7de; --accent: #0a58ca; --code: #f1f3f6; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #a8b1bc; --line: #373e47; --accent: #6cb0ff; --code: #161b22; } }
* { box-sizing: border-box; }
body { margin: 0; display: grid; grid-template-columns: 16rem minmax(0, 1fr); font: 1rem/1.6 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
nav { position: sticky; top: 0; align-self: start; max-block-size: 100vh; overflow: auto; padding: 1rem; border-inline-end: 1px solid var(--line); }
nav ul { list-style: none; margin: 0; padding: 0; }
nav a { display: block; padding: .25rem .5rem; border-radius: .375rem; color: inherit; text-decoration: none; }
nav a[aria-current='page'], nav a:hover { background: var(--code); }
.brand a { font-weight: 700; }
main { padding: 1rem 2rem 4rem; max-inline-size: 60rem; }
a { color: var(--accent); }
a.anchor { margin-inline-end: .375rem; color: var(--muted); text-decoration: none; font-weight: 400; }
pre { overflow: auto; padding: .75rem 1rem; background: var(--code); border-radius: .5rem; }
code { font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace; font-size: .875em; }
table { border-collapse: collapse; display: block; overflow: auto; }
th, td { border: 1px solid var(--line); padding: .375rem .625rem; text-align: start; vertical-align: top; }
img { max-inline-size: 100%; height: auto; }
figure.live { margin: 1rem 0; }
.live-example { display: grid; gap: 1rem; margin-block: .75rem; }
.theme-pair { grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
.live-note { padding: .75rem 1rem; border: 1px solid var(--line); border-radius: .5rem; color: var(--muted); }
@media (max-width: 48rem) { body { grid-template-columns: 1fr; } nav { position: static; max-block-size: none; border-inline-end: 0; border-block-end: 1px solid var(--line); } main { padding: 1rem; } }
`;

export const LIVE_JS = `const here = new URL('.', import.meta.url);
const config = await fetch(new URL('live.json', here)).then(
  (response) => (response.ok ? response.json() : undefined),
  () => undefined,
);
const elements = document.querySelectorAll('.live-example omni-room, .live-example omni-chat, .live-example omni-dm');
if (config) {
  for (const element of elements) {
    element.setAttribute('homeserver', config.homeserver);
    for (const name of ['room', 'user']) {
      const value = element.getAttribute(name);
      if (value) element.setAttribute(name, value.replaceAll('{server}', config.serverName));
    }
  }
  await import(new URL('omni/omni-chat.js', here).href);
} else {
  for (const example of document.querySelectorAll('.live-example')) {
    const note = document.createElement('p');
    note.className = 'live-note';
    note.textContent = 'Live examples run against the homeserver that pnpm docs starts; this copy of the site has none.';
    example.replaceChildren(note);
  }
}
`;
