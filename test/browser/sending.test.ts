/**
 * Sending that never loses a message, against a real Synapse behind the fault-injecting proxy
 * (`test/support/fault-proxy.ts`): the page talks to the proxy, the peer reads Synapse directly.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import {
  peer,
  proxyLog,
  registerUser,
  resetProxy,
  setProxy,
  startProxy,
  stopProxy,
  type MatrixEvent,
  type ProxyLogEntry,
  type TestUser,
} from '@omnisocial/testing/browser';
import { type MessageItem, type RoomHandle } from '@omnisocial/core';
import { signIn, signOut } from '@omnisocial/chat';
import type { OmniRoom } from '../../packages/elements/src/components/room/omni-room.ts';
import { quietWindow } from './dom.ts';
import { engineSession } from './engine-session.ts';

const SEND = { method: 'PUT', path: '/send/m.room.message/' };
/** How long a send that must not happen (a stray copy from a retry, a cancelled message) is given to reach the server. */
const LATE_SEND_WINDOW_MS = 500;
/** How long a message held behind a failed one is watched for a send that must not start. */
const HELD_WINDOW_MS = 300;

/** Every element under `root`, through open shadow roots. */
function deepQueryAll(root: ParentNode, selector: string): Element[] {
  const found: Element[] = [...root.querySelectorAll(selector)];
  if (root instanceof Element && root.shadowRoot) found.push(...deepQueryAll(root.shadowRoot, selector));
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...deepQueryAll(el.shadowRoot, selector));
  return found;
}

/** Every Lit element under `el`, through shadow roots, has finished its pending update. */
async function rendered(el: Element): Promise<void> {
  for (const node of deepQueryAll(el, '*')) {
    const pending = (node as Partial<OmniRoom>).updateComplete;
    if (pending) await pending;
  }
}

/** The rendered tile of a message (the log is virtualised: only tiles in view are in the DOM). */
function article(el: OmniRoom, text: string): Element | undefined {
  return deepQueryAll(el, '[role="log"] [role="article"], [role="log"] article').find((a) => a.textContent.includes(text));
}

function ownMessages(handle: RoomHandle, prefix: string): MessageItem[] {
  return handle.snapshot.items.filter((i): i is MessageItem => i.kind === 'message' && i.own && i.body.startsWith(prefix));
}

function statuses(handle: RoomHandle, prefix: string): string {
  return ownMessages(handle, prefix)
    .map((m) => `${m.body}:${m.status}`)
    .join(',');
}

describe('sending never loses a message (real Synapse behind a fault proxy)', function () {
  this.timeout(120_000);
  let proxyUrl: string;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  let el: OmniRoom;
  let handle: RoomHandle;

  /** Message bodies with `prefix` as the server stores them, oldest first (read by Bob from /messages). */
  async function onServer(prefix: string): Promise<string[]> {
    const events: MatrixEvent[] = await peer(bob).roomMessages(roomId, { limit: 200, dir: 'b' });
    return events
      .filter((e) => e.type === 'm.room.message' && e.sender === alice.userId)
      .map((e) => String((e.content as { body?: unknown }).body))
      .filter((body) => body.startsWith(prefix));
  }

  async function sentAll(prefix: string, count: number): Promise<void> {
    await waitUntil(
      () => {
        const mine = ownMessages(handle, prefix);
        return mine.length === count && mine.every((m) => m.status === 'sent');
      },
      `not all sent: ${statuses(handle, prefix)}`,
      { timeout: 30_000, interval: 50 },
    );
  }

  before(async function () {
    this.timeout(60_000);
    ({ baseUrl: proxyUrl } = await startProxy());
    [alice, bob] = await Promise.all([registerUser({ displayName: 'Alice' }), registerUser({ displayName: 'Bob' })]);
    ({ roomId } = await peer(bob).createRoom({ name: 'Outbox', preset: 'public_chat' }));
    await peer(alice).joinRoom(roomId);
    await signIn({ homeserver: proxyUrl, username: alice.username, password: alice.password });
    el = await fixture<OmniRoom>(html`<omni-room style="display: block; height: 900px" homeserver=${proxyUrl} room=${roomId}></omni-room>`);
    const session = await engineSession(proxyUrl);
    if (!session) throw new Error('no session for the proxy');
    // The same target as the element: the same shared room model.
    handle = session.openRoom(roomId);
    await waitUntil(() => handle.snapshot.status === 'ready' && deepQueryAll(el, '[role="log"]').length > 0, 'room never opened', {
      timeout: 30_000,
    }).catch((error: unknown) => {
      throw new Error(
        `${String(error)}: ${handle.snapshot.status} ${handle.snapshot.error?.message ?? ''} ${el.shadowRoot?.innerHTML.slice(0, 300) ?? ''}`,
      );
    });
  });

  afterEach(async () => {
    await resetProxy(proxyUrl);
  });

  after(async () => {
    handle.release();
    await signOut();
    await stopProxy(proxyUrl);
  });

  it('shows the local echo in the same task as the click, as sending, then sent once', async () => {
    const [textbox] = deepQueryAll(el, 'textarea[aria-label="Message"], [role="textbox"][aria-label="Message"]') as HTMLTextAreaElement[];
    const sendButton = deepQueryAll(el, 'button').find((b) => b.textContent.trim() === 'Send') as HTMLButtonElement | undefined;
    if (!textbox || !sendButton) throw new Error('no composer (textbox "Message", button "Send")');
    textbox.value = 'echo 1';
    textbox.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    // Let the composer take the input (it may enable Send on input) before measuring the click itself.
    await rendered(el);
    await waitUntil(() => !sendButton.disabled, 'Send stayed disabled after typing', { timeout: 5_000, interval: 10 });
    let otherTaskRan = false;
    setTimeout(() => (otherTaskRan = true), 0);
    sendButton.click();
    // Synchronously after the click: the model already published the pending item.
    const [echo] = ownMessages(handle, 'echo 1');
    expect(echo?.status, 'status right after the click').to.equal('sending');
    // Lit renders in a microtask: still the same task.
    await el.updateComplete;
    for (let i = 0; i < 5 && !article(el, 'echo 1'); i += 1) await Promise.resolve();
    await rendered(el);
    expect(otherTaskRan, 'a task ran between the click and the echo').to.equal(false);
    expect(article(el, 'echo 1'), 'the echo is in the log').to.not.equal(undefined);

    await sentAll('echo 1', 1);
    expect(ownMessages(handle, 'echo 1')[0]?.key, 'key kept from local to remote echo').to.equal(echo?.key);
    expect(await onServer('echo 1')).to.deep.equal(['echo 1']);
  });

  it('shows quick sends and a reply at once, in order, each under the key it keeps once sent, and each once', async () => {
    const [root] = ownMessages(handle, 'echo 1');
    const rootId = root?.eventId;
    if (!rootId) throw new Error('no sent message to reply to');
    void handle.send('quick 1');
    void handle.send('quick 2', { replyTo: rootId });
    void handle.send('quick 3');
    // Synchronously after the sends, wherever the engine runs.
    const echoes = ownMessages(handle, 'quick');
    expect(echoes.map((m) => m.body)).to.deep.equal(['quick 1', 'quick 2', 'quick 3']);
    expect(echoes.map((m) => m.status)).to.deep.equal(['sending', 'queued', 'queued']);
    expect(echoes[1]?.replyTo?.eventId, 'the reply quotes its message at once').to.equal(rootId);
    await sentAll('quick', 3);
    expect(ownMessages(handle, 'quick').map((m) => m.key)).to.deep.equal(echoes.map((m) => m.key));
    expect(await onServer('quick')).to.deep.equal(['quick 1', 'quick 2', 'quick 3']);
  });

  it('shows a thread reply at once in its thread, not in the room, under the key it keeps once sent', async () => {
    const root = await peer(bob).sendMessage(roomId, 'thread root');
    await waitUntil(() => handle.snapshot.items.some((i) => i.kind === 'message' && i.eventId === root), 'the root never arrived', {
      timeout: 20_000,
    });
    const thread = handle.openThread(root);
    try {
      await waitUntil(() => thread.snapshot.status === 'ready', 'the thread never opened', { timeout: 20_000 });
      void thread.send('in the thread');
      const mine = (): MessageItem[] =>
        thread.snapshot.items.filter((i): i is MessageItem => i.kind === 'message' && i.own && i.body === 'in the thread');
      const [echo] = mine();
      expect(echo?.status, 'status right after the send').to.equal('sending');
      expect(echo?.threadRoot).to.equal(root);
      expect(ownMessages(handle, 'in the thread'), 'not in the main timeline').to.deep.equal([]);
      await waitUntil(() => mine()[0]?.status === 'sent', 'the thread reply was not sent', { timeout: 30_000 });
      expect(mine().map((m) => m.key)).to.deep.equal([echo?.key]);
    } finally {
      thread.release();
    }
  });

  it('shows a file at once, uploading, then sent once under the same key', async () => {
    void handle.sendAttachment(new File(['a few bytes'], 'file echo.txt', { type: 'text/plain' }));
    const [echo] = ownMessages(handle, 'file echo');
    expect(echo?.status, 'status right after the send').to.equal('sending');
    expect(echo?.media?.name).to.equal('file echo.txt');
    expect(echo?.upload?.total).to.equal(11);
    await sentAll('file echo', 1);
    expect(ownMessages(handle, 'file echo')[0]?.key, 'key kept from local to remote echo').to.equal(echo?.key);
    expect(await onServer('file echo')).to.deep.equal(['file echo.txt']);
  });

  it('queues messages typed while the server is unreachable and sends them in order, once, when it is back', async () => {
    await setProxy(proxyUrl, { offline: true });
    await handle.send('offline 1');
    await handle.send('offline 2');
    await handle.send('offline 3');
    await waitUntil(() => statuses(handle, 'offline') === 'offline 1:queued,offline 2:queued,offline 3:queued', 'not queued', {
      timeout: 10_000,
      interval: 20,
    });
    // Still nothing stored while offline.
    expect(await onServer('offline')).to.deep.equal([]);

    await setProxy(proxyUrl, { offline: false });
    await sentAll('offline', 3);
    expect(await onServer('offline')).to.deep.equal(['offline 1', 'offline 2', 'offline 3']);
    expect(ownMessages(handle, 'offline').map((m) => m.body)).to.deep.equal(['offline 1', 'offline 2', 'offline 3']);
  });

  it('stores a message once when the response was lost after the server stored it', async () => {
    await proxyLog(proxyUrl, SEND, true);
    await setProxy(proxyUrl, { dropResponse: { ...SEND, count: 1 } });
    await handle.send('lost response');
    await sentAll('lost response', 1);
    const [first] = await proxyLog(proxyUrl, SEND);
    const attempts = await proxyLog(proxyUrl, { method: 'PUT', path: first?.path ?? '?' });
    expect(attempts.map((a) => a.outcome)).to.deep.equal(['dropped', 'forwarded']);
    expect(attempts[1]?.path, 'the retry reuses the transaction id').to.equal(attempts[0]?.path);
    // Wait for any stray copy to show up before counting.
    await quietWindow(LATE_SEND_WINDOW_MS);
    expect(await onServer('lost response')).to.deep.equal(['lost response']);
  });

  it('waits Retry-After on 429, then sends once with the same transaction id', async () => {
    await proxyLog(proxyUrl, SEND, true);
    await setProxy(proxyUrl, { rateLimit: { ...SEND, count: 1, retryAfterMs: 2000 } });
    await handle.send('rate limited');
    await sentAll('rate limited', 1);
    const [first] = await proxyLog(proxyUrl, SEND);
    const attempts: ProxyLogEntry[] = await proxyLog(proxyUrl, { method: 'PUT', path: first?.path ?? '?' });
    expect(attempts.map((a) => a.outcome)).to.deep.equal([429, 'forwarded']);
    const [limited, sent] = attempts as [ProxyLogEntry, ProxyLogEntry];
    expect(sent.path).to.equal(limited.path);
    expect(sent.at - limited.at, 'waited Retry-After (2 s)').to.be.at.least(1950);
    expect(await onServer('rate limited')).to.deep.equal(['rate limited']);
  });

  it('keeps the order when the first sends of a queue get 500', async () => {
    await setProxy(proxyUrl, { serverError: { ...SEND, count: 2 } });
    await handle.send('queue 1');
    await handle.send('queue 2');
    await handle.send('queue 3');
    await sentAll('queue', 3);
    expect(await onServer('queue')).to.deep.equal(['queue 1', 'queue 2', 'queue 3']);
  });

  it('marks a refused message failed, holds later ones behind it; Retry sends both in order, Cancel removes', async () => {
    // Four 500s in a row: the outbox gives up on the message and says so.
    await setProxy(proxyUrl, { serverError: { ...SEND, count: 4 } });
    await handle.send('failing 1');
    await waitUntil(() => statuses(handle, 'failing') === 'failing 1:failed', `not failed: ${statuses(handle, 'failing')}`, {
      timeout: 20_000,
    });
    await handle.send('failing 2');
    await quietWindow(HELD_WINDOW_MS);
    expect(statuses(handle, 'failing'), 'held behind the failed one').to.equal('failing 1:failed,failing 2:queued');
    await el.updateComplete;
    const retry = deepQueryAll(article(el, 'failing 1') ?? el, 'button').find((b) => b.textContent.trim() === 'Retry') as
      HTMLButtonElement | undefined;
    if (retry) retry.click();
    else await handle.retry(ownMessages(handle, 'failing 1')[0]?.key ?? '');
    await sentAll('failing', 2);
    expect(await onServer('failing')).to.deep.equal(['failing 1', 'failing 2']);

    await setProxy(proxyUrl, { respond: { ...SEND, count: 1, status: 403, body: { errcode: 'M_FORBIDDEN', error: 'not today' } } });
    await handle.send('cancelled 1');
    await waitUntil(() => statuses(handle, 'cancelled') === 'cancelled 1:failed', 'a 403 is not failed', { timeout: 10_000 });
    const cancel = deepQueryAll(article(el, 'cancelled 1') ?? el, 'button').find((b) => b.textContent.trim() === 'Cancel') as
      HTMLButtonElement | undefined;
    if (cancel) cancel.click();
    else await handle.cancel(ownMessages(handle, 'cancelled 1')[0]?.key ?? '');
    await waitUntil(() => ownMessages(handle, 'cancelled').length === 0, 'cancel did not remove it', {
      timeout: 5_000,
    });
    await quietWindow(LATE_SEND_WINDOW_MS);
    expect(await onServer('cancelled')).to.deep.equal([]);
  });
});
