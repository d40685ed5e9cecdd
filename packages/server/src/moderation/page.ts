/**
 * A minimal moderation page the companion serves itself at `/_omni/v1/moderation/`: a moderator enters the
 * site's moderator key (`moderation.moderatorKey`), sees the queue and acts on each item. Self-contained
 * (no build, no external resources) and locked down by a Content-Security-Policy naming its one script and
 * one style by hash. The key is kept in the tab's session storage only.
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root { color-scheme: light dark; font: 16px/1.5 system-ui, sans-serif; }
body { margin: 0 auto; max-width: 48rem; padding: 1rem; }
form, li { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
ul { list-style: none; padding: 0; }
li { border: 1px solid #8888; border-radius: .5rem; padding: .75rem; margin-block: .5rem; }
li p { flex: 1 1 100%; margin: 0; overflow-wrap: anywhere; }
blockquote { flex: 1 1 100%; margin: 0; padding-inline-start: .75rem; border-inline-start: 3px solid #8888; }
button, input { font: inherit; padding: .25rem .75rem; }
button:focus-visible, input:focus-visible { outline: 3px solid Highlight; outline-offset: 2px; }
`;

const SCRIPT = `
const api = (path, init = {}) => fetch(path, { ...init, headers: { authorization: 'Bearer ' + sessionStorage.getItem('omni-moderator-key'), 'content-type': 'application/json' } })
  .then(async (r) => { const json = await r.json(); if (!r.ok) throw new Error(json.error || ('HTTP ' + r.status)); return json; });
const status = document.getElementById('status');
const list = document.getElementById('queue');
const say = (text) => { status.textContent = text; };
function text(tag, value) { const node = document.createElement(tag); node.textContent = value; return node; }
function describe(item) {
  if (item.kind === 'held') return ['Held first message from ' + item.sender + ' in ' + (item.roomName || item.roomId), item.encrypted ? '(encrypted: open the room to read it)' : item.body];
  const m = item.message;
  const body = m.body !== undefined ? m.body : m.quoted !== undefined ? '(encrypted; as the reporter read it) ' + m.quoted : m.encrypted ? '(encrypted: open the room to read it)' : m.deleted ? '(already deleted)' : '(not available)';
  return ['Reported by ' + item.reporter + (item.reason ? ' — "' + item.reason + '"' : '') + '; sent by ' + (item.sender || 'unknown') + ' in ' + (item.roomName || item.roomId), body];
}
async function load() {
  try {
    const { items, total } = await api('queue?limit=200');
    list.replaceChildren(...items.map((item) => {
      const li = document.createElement('li');
      const [about, body] = describe(item);
      li.append(text('p', about), text('blockquote', body));
      const actions = item.kind === 'held' ? [['release', 'Release'], ['reject', 'Reject']] : [['delete', 'Delete message'], ['ban', 'Ban sender site-wide'], ['dismiss', 'Dismiss report']];
      for (const [action, label] of actions) {
        const button = text('button', label);
        button.type = 'button';
        button.addEventListener('click', async () => {
          try { await api('queue/' + encodeURIComponent(item.id) + '/' + action, { method: 'POST', body: '{}' }); say(label + ': done.'); await load(); }
          catch (error) { say(label + ' failed: ' + error.message); }
        });
        li.append(button);
      }
      return li;
    }));
    document.getElementById('count').textContent = total === 0 ? 'The queue is empty.' : total + ' in the queue.';
  } catch (error) { say('The queue could not be loaded: ' + error.message); }
}
document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('omni-moderator-key', document.getElementById('key').value);
  say('');
  load();
});
if (sessionStorage.getItem('omni-moderator-key')) load();
`;

const hash = (source: string): string => `'sha256-${createHash('sha256').update(source).digest('base64')}'`;

export const MODERATION_PAGE_CSP = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;

export const MODERATION_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Moderation queue</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Moderation queue</h1>
<form id="key-form">
<label for="key">Moderator key</label>
<input id="key" type="password" autocomplete="current-password" required>
<button type="submit">Open the queue</button>
</form>
<p id="count"></p>
<p id="status" role="status" aria-live="polite"></p>
<ul id="queue" aria-label="Reports and held messages"></ul>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
