/**
 * Cross-signing and key backup with a recovery key, against a real Synapse. Alice writes in an
 * encrypted room, then sets up recovery from the room view's Security panel: the recovery key is
 * shown once, her cross-signing is ready and the server holds a key backup with her room key. She
 * signs out (the device and its crypto store are gone) and signs in again as a new device: her
 * earlier messages are unable to decrypt; a wrong recovery key is refused and changes nothing; the
 * right one verifies the new device and the earlier messages decrypt and show.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { homeserver, peer, registerUser, type TestUser } from '@omnisocial/testing/browser';
import { sessionFor, signIn, signOut, type SessionHandle } from '@omnisocial/core';
import '../../packages/elements/src/components/room/define.ts';
import type { OmniRoomView } from '../../packages/elements/src/components/room/omni-room.ts';
import type { OmniSecurity } from '../../packages/elements/src/components/security/omni-security.ts';
import { deepText, shadow, typeAndSend as sendMessage } from './dom.ts';

const TIMEOUT = 90_000;
/** The timeline's headline for a message this browser cannot read, yet (keys may come) or at all. */
const UNABLE = /Waiting for the keys to this message|Unable to decrypt this message/gu;

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A well-formed recovery key (spec: 0x8B 0x01, 32 key bytes, XOR parity, base58, groups of four) for random bytes. */
function randomRecoveryKey(): string {
  const bytes = [0x8b, 0x01, ...crypto.getRandomValues(new Uint8Array(32))];
  bytes.push(bytes.reduce((parity, byte) => parity ^ byte, 0));
  let value = bytes.reduce((n, byte) => n * 256n + BigInt(byte), 0n);
  let encoded = '';
  while (value > 0n) {
    encoded = BASE58.charAt(Number(value % 58n)) + encoded;
    value /= 58n;
  }
  return encoded.replace(/(.{4})(?!$)/gu, '$1 ');
}

const occurrences = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

function mount(baseUrl: string, roomId: string): Promise<OmniRoomView> {
  return fixture<OmniRoomView>(html`<omni-room-view homeserver=${baseUrl} room=${roomId}></omni-room-view>`);
}

const typeAndSend = (el: OmniRoomView, body: string): Promise<void> => sendMessage(el, body, TIMEOUT);

async function securityOf(el: OmniRoomView): Promise<OmniSecurity> {
  await waitUntil(
    () => shadow(el).querySelector('omni-security')?.shadowRoot?.querySelector('button'),
    'no Security button in the header',
    {
      timeout: TIMEOUT,
    },
  );
  return shadow(el).querySelector('omni-security') as OmniSecurity;
}

function button(security: OmniSecurity, name: string): HTMLButtonElement | undefined {
  return [...shadow(security).querySelectorAll('button')].find((b) => b.textContent.replace(/\s+/gu, ' ').trim() === name);
}

function statusLine(security: OmniSecurity): string {
  return shadow(security).querySelector('[role="status"]')?.textContent ?? '';
}

function alertText(security: OmniSecurity): string {
  return shadow(security).querySelector('[role="alert"]')?.textContent ?? '';
}

function session(baseUrl: string): SessionHandle {
  const found = sessionFor(baseUrl);
  if (!found) throw new Error('not signed in');
  return found;
}

describe('recovery: cross-signing and key backup with a recovery key (real Synapse)', function () {
  this.timeout(400_000);
  let baseUrl: string;
  let alice: TestUser;
  let roomId: string;
  let firstDevice: string;
  let recoveryKey = '';
  const tag = crypto.randomUUID().slice(0, 8);
  const messages = [`before recovery one ${tag}`, `before recovery two ${tag}`];

  before(async () => {
    ({ baseUrl } = await homeserver());
    alice = await registerUser({ displayName: 'Alice' });
    ({ roomId } = await peer(alice).createRoom({ name: 'Diary', preset: 'private_chat', encrypted: true }));
  });

  after(async () => {
    await signOut();
  });

  it('sets up recovery from the Security panel: the key is shown once, cross-signing is ready, the server holds the backup', async () => {
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    firstDevice = session(baseUrl).info.deviceId;
    const el = await mount(baseUrl, roomId);
    for (const body of messages) await typeAndSend(el, body);
    await waitUntil(
      async () => (await peer(alice).roomMessages(roomId, { limit: 20 })).filter((e) => e.type === 'm.room.encrypted').length >= 2,
      'the messages never reached the server encrypted',
      { timeout: TIMEOUT },
    );

    const security = await securityOf(el);
    button(security, 'Security')?.click();
    await waitUntil(() => button(security, 'Set up recovery'), 'the panel never offered to set up recovery', { timeout: TIMEOUT });
    expect(statusLine(security)).to.include('Recovery is not set up');
    expect(shadow(security).querySelector('dialog')?.open, 'the panel is open').to.equal(true);
    await expect(security).to.be.accessible();

    button(security, 'Set up recovery')?.click();
    const keyPart = (): string => shadow(security).querySelector('[part="recovery-key"]')?.textContent.trim() ?? '';
    const password = (): HTMLInputElement | null => shadow(security).querySelector<HTMLInputElement>('input[name="password"]');
    await waitUntil(() => keyPart() || password() || alertText(security), 'neither a recovery key nor a password prompt', {
      timeout: TIMEOUT,
    });
    // Synapse takes a first cross-signing identity without a password (MSC3967); ask for it if it does not.
    const prompt = password();
    if (prompt) {
      prompt.value = alice.password;
      button(security, 'Continue')?.click();
      await waitUntil(() => keyPart() || alertText(security), 'no recovery key after the password', { timeout: TIMEOUT });
    }
    expect(alertText(security)).to.equal('');
    recoveryKey = keyPart();
    // 32 bytes, a prefix and a parity byte in base58, in groups of four.
    expect(recoveryKey).to.match(/^([1-9A-HJ-NP-Za-km-z]{4} ){11}[1-9A-HJ-NP-Za-km-z]{4}$/u);
    expect(button(security, 'Copy'), 'Copy button').to.not.equal(undefined);
    expect(button(security, 'Download'), 'Download button').to.not.equal(undefined);
    await expect(security).to.be.accessible();
    const done = button(security, 'Done');
    expect(done?.disabled, 'Done waits for the confirmation').to.equal(true);
    const saved = shadow(security).querySelector<HTMLInputElement>('input[type="checkbox"]');
    saved?.click();
    await security.updateComplete;
    expect(done?.disabled).to.equal(false);
    done?.click();
    await security.updateComplete;
    expect(shadow(security).querySelector('[part="recovery-key"]'), 'the key is shown only once').to.equal(null);

    const status = await session(baseUrl).security.status();
    expect(status).to.deep.equal({ crossSigning: true, backup: 'on', recoveryKeyStored: true, thisDeviceVerified: true });
    await waitUntil(() => statusLine(security).includes('Recovery is set up'), 'the panel never said recovery is set up', {
      timeout: TIMEOUT,
    });

    // The server holds a backup version, and the room key of the messages above ends up in it.
    let backup: { version?: string; count?: number } = {};
    await waitUntil(
      async () => {
        backup = (await peer(alice).request('GET', '/_matrix/client/v3/room_keys/version')) as typeof backup;
        return (backup.count ?? 0) >= 1;
      },
      'the room key never reached the server-side backup',
      { timeout: TIMEOUT, interval: 500 },
    );
    expect(backup.version).to.be.a('string');
    const keys = (await peer(alice).request(
      'GET',
      `/_matrix/client/v3/room_keys/keys?version=${encodeURIComponent(backup.version ?? '')}`,
    )) as {
      rooms: Record<string, unknown>;
    };
    expect(Object.keys(keys.rooms)).to.include(roomId);
  });

  it('on a new device, earlier messages are unable to decrypt until the recovery key restores the backup; a wrong key changes nothing', async () => {
    expect(recoveryKey, 'the first test set up recovery').to.not.equal('');
    await signOut();
    await signIn({ homeserver: baseUrl, username: alice.username, password: alice.password });
    expect(session(baseUrl).info.deviceId, 'a new device').to.not.equal(firstDevice);

    const el = await mount(baseUrl, roomId);
    await waitUntil(() => occurrences(deepText(el), UNABLE) >= 2, 'the earlier messages were not shown as unable to decrypt', {
      timeout: TIMEOUT,
    });
    for (const body of messages) expect(deepText(el)).to.not.include(body);

    const security = await securityOf(el);
    button(security, 'Security')?.click();
    const input = (): HTMLInputElement | null => shadow(security).querySelector<HTMLInputElement>('input[name="recovery-key"]');
    await waitUntil(() => input(), 'the panel never offered to restore', { timeout: TIMEOUT });
    expect(statusLine(security)).to.include('this browser is not verified');
    const field = input() as HTMLInputElement;
    expect(field.labels?.[0]?.textContent.trim()).to.equal('Recovery key');
    await expect(security).to.be.accessible();

    // Not a recovery key at all: refused before anything is read.
    let refused: unknown;
    try {
      await session(baseUrl).security.restoreFromRecoveryKey('not a key');
    } catch (error) {
      refused = error;
    }
    expect(refused).to.have.property('code', 'bad-recovery-key');

    // A well-formed key of another account: refused with a clear message, and nothing changes.
    field.value = randomRecoveryKey();
    button(security, 'Restore')?.click();
    await waitUntil(() => alertText(security), 'a wrong recovery key gave no error', { timeout: TIMEOUT });
    expect(alertText(security)).to.include('does not match');
    expect(await session(baseUrl).security.status()).to.deep.include({ thisDeviceVerified: false, crossSigning: false });
    expect(occurrences(deepText(el), UNABLE)).to.be.at.least(2);

    // The right key: this device is cross-signed and the backup restores the earlier messages.
    (input() as HTMLInputElement).value = recoveryKey;
    button(security, 'Restore')?.click();
    await waitUntil(() => statusLine(security).includes('restored from the backup') || alertText(security), 'the restore never ended', {
      timeout: TIMEOUT,
    });
    expect(alertText(security)).to.equal('');
    await waitUntil(() => messages.every((body) => deepText(el).includes(body)), 'the earlier messages never decrypted', {
      timeout: TIMEOUT,
    }).catch((error: unknown) => {
      throw new Error(`${String(error)} (panel: ${statusLine(security)}; timeline: ${deepText(el).slice(-400)})`);
    });
    expect(occurrences(deepText(el), UNABLE)).to.equal(0);
    let status = await session(baseUrl).security.status();
    await waitUntil(
      async () => (status = await session(baseUrl).security.status()).backup === 'on',
      `the backup never turned on after the restore (${JSON.stringify(status)})`,
      { timeout: TIMEOUT, interval: 500 },
    );
    expect(status).to.deep.equal({ crossSigning: true, backup: 'on', recoveryKeyStored: true, thisDeviceVerified: true });
  });
});
