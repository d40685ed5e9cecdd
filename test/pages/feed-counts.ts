/**
 * A feed of posts, each with its comment count (`<omni-count>`), as a site's front page shows them: `posts` posts
 * (default 50) named `prefix` + index (default `post-`), counted by the companion at `companion`. With `chat`, the
 * first post's discussion (`<omni-chat>`, open, on the homeserver `hs`) is on the page too, loaded at once, so its
 * count follows it. `theme` (light|dark) colours the page for screenshots. `window.feedReady` resolves when every
 * count is shown, with the milliseconds it took from the module's start.
 */
import '@omnisocial/chat';

const params = new URLSearchParams(location.search);
const started = performance.now();
const companion = params.get('companion') ?? '';
const prefix = params.get('prefix') ?? 'post-';
const total = Number(params.get('posts') ?? '50');
const dark = params.get('theme') === 'dark';
document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
document.body.style.cssText = `margin:0;padding:1rem;font:15px/1.4 system-ui,sans-serif;background:${dark ? '#0d1117' : '#f6f8fa'};color:${dark ? '#e6edf3' : '#1b1f24'}`;

const feed = document.createElement('main');
feed.style.cssText = 'display:grid;gap:.75rem;max-inline-size:40rem;margin:auto';
for (let index = 0; index < total; index++) {
  const article = document.createElement('article');
  article.style.cssText = `padding:.75rem 1rem;border-radius:.5rem;background:${dark ? '#161b22' : '#fff'};border:1px solid ${dark ? '#30363d' : '#d0d7de'}`;
  const title = document.createElement('h2');
  title.textContent = `Post ${String(index + 1)}`;
  title.style.cssText = 'margin:0 0 .25rem;font-size:1.05rem';
  const count = document.createElement('omni-count');
  count.setAttribute('post', `${prefix}${String(index)}`);
  count.setAttribute('companion', companion);
  count.style.cssText = `font-size:.875rem;color:${dark ? '#9da7b3' : '#57606a'}`;
  article.append(title, count);
  if (index === 0 && params.has('chat')) {
    const chat = document.createElement('omni-chat');
    chat.setAttribute('homeserver', params.get('hs') ?? '');
    chat.setAttribute('post', `${prefix}0`);
    chat.setAttribute('post-title', 'Post 1');
    chat.setAttribute('open', '');
    chat.setAttribute('loading', 'eager');
    chat.style.cssText = '--omni-chat-height:18rem;margin-block-start:.5rem';
    article.append(chat);
  }
  feed.append(article);
}
document.body.append(feed);

const counts = [...document.querySelectorAll('omni-count')];
const shown = (): boolean => counts.every((count) => count.count !== undefined);
Object.assign(window, {
  feedReady: new Promise<number>((resolve) => {
    const check = (): void => {
      if (shown()) resolve(performance.now() - started);
      else requestAnimationFrame(check);
    };
    check();
  }),
});
