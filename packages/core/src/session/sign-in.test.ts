import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLoginFlows } from './login-flows.ts';
import { chooseRegistrationFlow, describeRegistration } from './registration.ts';
import { ssoRedirectUrl, withoutLoginToken } from './sso.ts';
import { OmniError } from '../types.ts';

test('the SSO redirect URL names the homeserver, the provider and the way back', () => {
  assert.equal(
    ssoRedirectUrl('https://hs.example/', 'https://site.example/p?x=1#c'),
    'https://hs.example/_matrix/client/v3/login/sso/redirect?redirectUrl=https%3A%2F%2Fsite.example%2Fp%3Fx%3D1%23c',
  );
  assert.equal(
    ssoRedirectUrl('https://hs.example', 'https://site.example/', 'oidc/github'),
    'https://hs.example/_matrix/client/v3/login/sso/redirect/oidc%2Fgithub?redirectUrl=https%3A%2F%2Fsite.example%2F',
  );
});

test('the login token leaves the URL, everything else stays', () => {
  assert.equal(withoutLoginToken('https://s.example/p?a=1&loginToken=abc&b=2#top'), 'https://s.example/p?a=1&b=2#top');
  assert.equal(withoutLoginToken('https://s.example/p?loginToken=abc'), 'https://s.example/p');
});

test('GET /login flows become plain data', () => {
  const flows = parseLoginFlows({
    flows: [
      { type: 'm.login.password' },
      { type: 'm.login.sso', identity_providers: [{ id: 'github', name: 'GitHub', brand: 'github' }, { name: 'no id' }] },
      { type: 'm.login.token', get_login_token: true },
    ],
  });
  assert.deepEqual(flows, { password: true, token: true, sso: [{ id: 'github', name: 'GitHub', brand: 'github' }] });
  assert.deepEqual(parseLoginFlows('nonsense'), { password: false, token: false, sso: undefined });
});

const guarded = {
  session: 's',
  flows: [{ stages: ['m.login.registration_token', 'm.login.terms', 'm.login.dummy'] }],
  params: { 'm.login.terms': { policies: { privacy_policy: { version: '1.0', en: { name: 'Terms', url: 'https://hs/terms' } } } } },
};

test('registration flows say whether a token and terms are needed', () => {
  assert.deepEqual(describeRegistration(guarded), {
    available: true,
    unsupportedStages: [],
    requiresToken: true,
    terms: [{ id: 'privacy_policy', version: '1.0', name: 'Terms', url: 'https://hs/terms' }],
  });
  assert.deepEqual(
    describeRegistration({ flows: [{ stages: ['m.login.recaptcha', 'm.login.dummy'] }, { stages: ['m.login.email.identity'] }] }),
    {
      available: false,
      unsupportedStages: ['m.login.recaptcha', 'm.login.email.identity'],
      requiresToken: false,
      terms: [],
    },
  );
});

test('a registration flow is chosen from what the member gave, or a readable error names what is missing', () => {
  const flows = guarded.flows.map((f) => f.stages);
  assert.deepEqual(chooseRegistrationFlow(flows, { username: 'a', password: 'b', registrationToken: 't', acceptTerms: true }), flows[0]);
  assert.throws(() => chooseRegistrationFlow(flows, { username: 'a', password: 'b' }), /needs a registration token/);
  assert.throws(() => chooseRegistrationFlow(flows, { username: 'a', password: 'b', registrationToken: 't' }), /Accept the terms/);
  assert.throws(
    () => chooseRegistrationFlow([['m.login.recaptcha', 'm.login.dummy'], ['m.login.email.identity']], { username: 'a', password: 'b' }),
    (error: unknown) =>
      error instanceof OmniError &&
      error.code === 'registration-unavailable' &&
      error.message ===
        'This homeserver requires a CAPTCHA (reCAPTCHA) and email verification to create an account, which cannot be done here.',
  );
});
