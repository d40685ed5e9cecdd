/**
 * `signIn()` with a homeserver given as a URL sends the member's credentials while the address is checked
 * (`/versions`), not after: the check's answer is held at the harness's fault proxy in front of a real Synapse and
 * the login request reaches the proxy meanwhile. An address that is no homeserver still fails as one.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { proxyLog, registerUser, setProxy, startProxy, stopProxy } from '@omnisocial/testing/browser';
import { OmniError, signIn, signOut } from '@omnisocial/chat';

describe('signIn() with a homeserver URL', function () {
  this.timeout(120_000);
  let proxy: string;

  before(async () => {
    ({ baseUrl: proxy } = await startProxy());
  });

  after(async () => {
    await signOut();
    await stopProxy(proxy);
  });

  it('sends the credentials while the address is checked, and resolves once both have answered', async () => {
    const alice = await registerUser({ displayName: 'Alice' });
    await setProxy(proxy, { delay: { path: '/_matrix/client/versions', ms: 4_000 } });
    const signingIn = signIn({ homeserver: proxy, username: alice.username, password: alice.password });
    const loginSent = async (): Promise<boolean> =>
      (await proxyLog(proxy, { path: '/_matrix/client/v3/login' })).some((entry) => entry.method === 'POST');
    await waitUntil(loginSent, 'the credentials waited for the check of the address', { timeout: 3_000, interval: 100 });
    const info = await signingIn;
    expect(info.userId).to.equal(alice.userId);
  });

  it('fails as an address that is no homeserver, whatever it answered to the sign-in', async () => {
    const failure = await signIn({ homeserver: `${location.origin}/not-a-homeserver`, username: 'alice', password: 'secret' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(OmniError);
    expect((failure as OmniError).code).to.equal('bad-homeserver');
  });
});
