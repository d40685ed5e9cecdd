/**
 * Account creation through the homeserver's user-interactive authentication (UIA), and guest accounts.
 * Plain `fetch`: the flow descriptions are also read by `getLoginFlows()` in the loader.
 */
import { callHomeserver, isRecord, stringField, type ApiResponse } from './client-api.ts';
import { OmniError, type RegistrationDetails, type RegistrationFlows, type TermsPolicy } from '../types.ts';

export const DEVICE_NAME = 'OmniSocial Chat';

export const DUMMY = 'm.login.dummy';
export const REGISTRATION_TOKEN = 'm.login.registration_token';
export const TERMS = 'm.login.terms';
/** The stages this client can complete itself. */
const SUPPORTED = new Set([DUMMY, REGISTRATION_TOKEN, TERMS]);

const STAGE_NAMES: Record<string, string> = {
  'm.login.email.identity': 'email verification',
  'm.login.msisdn': 'phone number verification',
  'm.login.recaptcha': 'a CAPTCHA (reCAPTCHA)',
  'm.login.sso': 'single sign-on',
};

export interface NewAccount {
  userId: string;
  deviceId: string;
  accessToken: string;
}

/** The stages of each flow of a UIA 401 response. */
export function uiaFlows(body: Record<string, unknown>): string[][] {
  const flows = body['flows'];
  if (!Array.isArray(flows)) return [];
  return flows.flatMap((flow: unknown) => {
    if (!isRecord(flow) || !Array.isArray(flow['stages'])) return [];
    return [flow['stages'].filter((stage): stage is string => typeof stage === 'string')];
  });
}

/** The policies of an `m.login.terms` stage, in English where the server offers several languages. */
export function termsPolicies(body: Record<string, unknown>): TermsPolicy[] {
  const params = body['params'];
  const terms = isRecord(params) ? params[TERMS] : undefined;
  const policies = isRecord(terms) ? terms['policies'] : undefined;
  if (!isRecord(policies)) return [];
  return Object.entries(policies).flatMap(([id, policy]) => {
    if (!isRecord(policy)) return [];
    const version = stringField(policy, 'version') ?? '';
    const translations = Object.entries(policy).filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]));
    const [, text] = translations.find(([lang]) => lang === 'en') ?? translations[0] ?? [];
    const url = text && stringField(text, 'url');
    if (!text || !url) return [];
    return [{ id, version, name: stringField(text, 'name') ?? id, url }];
  });
}

/** Describes a UIA 401 answer to `POST /register` for the sign-in UI. */
export function describeRegistration(body: Record<string, unknown>): RegistrationFlows {
  const flows = uiaFlows(body);
  const usable = flows.filter((stages) => stages.every((stage) => SUPPORTED.has(stage)));
  const unsupported = [...new Set(flows.flatMap((stages) => stages.filter((stage) => !SUPPORTED.has(stage))))];
  return {
    available: usable.length > 0,
    unsupportedStages: usable.length > 0 ? [] : unsupported,
    // A token is needed only when no usable flow does without one.
    requiresToken: usable.length > 0 && usable.every((stages) => stages.includes(REGISTRATION_TOKEN)),
    terms: usable.some((stages) => stages.includes(TERMS)) ? termsPolicies(body) : [],
  };
}

export const NO_REGISTRATION: RegistrationFlows = { available: false, unsupportedStages: [], requiresToken: false, terms: [] };

/** Human words for stages this client cannot complete, e.g. "email verification and a CAPTCHA (reCAPTCHA)". */
export function describeStages(stages: readonly string[]): string {
  const names = stages.map((stage) => STAGE_NAMES[stage] ?? stage);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/**
 * Picks the flow to follow for these details: the shortest flow made only of stages this client can
 * complete with what the member gave. Throws a readable error naming what is missing.
 */
export function chooseRegistrationFlow(flows: readonly string[][], details: RegistrationDetails): string[] {
  const usable = flows.filter((stages) => stages.every((stage) => SUPPORTED.has(stage)));
  if (usable.length === 0) {
    const unsupported = [...new Set(flows.flatMap((stages) => stages.filter((stage) => !SUPPORTED.has(stage))))];
    throw new OmniError(
      'registration-unavailable',
      unsupported.length > 0
        ? `This homeserver requires ${describeStages(unsupported)} to create an account, which cannot be done here.`
        : 'This homeserver offers no way to create an account here.',
    );
  }
  const possible = usable
    .filter((stages) => !stages.includes(REGISTRATION_TOKEN) || Boolean(details.registrationToken))
    .filter((stages) => !stages.includes(TERMS) || details.acceptTerms === true)
    .sort((a, b) => a.length - b.length);
  const chosen = possible[0];
  if (chosen) return chosen;
  if (usable.every((stages) => stages.includes(REGISTRATION_TOKEN)) && !details.registrationToken) {
    throw new OmniError('registration-rejected', 'This homeserver needs a registration token to create an account.');
  }
  throw new OmniError('registration-rejected', 'Accept the terms of the homeserver to create an account.');
}

function registrationError(response: ApiResponse): OmniError {
  const errcode = stringField(response.body, 'errcode');
  const error = stringField(response.body, 'error');
  switch (errcode) {
    case 'M_USER_IN_USE':
      return new OmniError('registration-rejected', 'That username is taken. Choose another one.');
    case 'M_INVALID_USERNAME':
      return new OmniError('registration-rejected', 'That username is not allowed. Use lower-case letters, digits and . _ = - / only.');
    case 'M_EXCLUSIVE':
      return new OmniError('registration-rejected', 'That username is reserved. Choose another one.');
    case 'M_WEAK_PASSWORD':
      return new OmniError('registration-rejected', `That password is too weak${error ? `: ${error}` : '.'}`);
    case 'M_FORBIDDEN':
      if (response.status === 403 && /disabled/i.test(error ?? '')) {
        return new OmniError('registration-unavailable', 'This homeserver does not allow creating accounts.');
      }
      break;
    case 'M_LIMIT_EXCEEDED':
      return new OmniError('registration-rejected', 'Too many attempts. Wait a moment and try again.');
  }
  return new OmniError('registration-rejected', `The account could not be created${error ? `: ${error}` : '.'}`);
}

function accountFrom(body: Record<string, unknown>): NewAccount {
  const userId = stringField(body, 'user_id');
  const deviceId = stringField(body, 'device_id');
  const accessToken = stringField(body, 'access_token');
  if (!userId || !deviceId || !accessToken) {
    throw new OmniError('registration-rejected', 'The homeserver created the account but did not sign it in.');
  }
  return { userId, deviceId, accessToken };
}

/** Creates an account on `baseUrl`, completing the UIA stages this client supports, and returns its first device. */
export async function registerAccount(baseUrl: string, details: RegistrationDetails, fetchImpl: typeof fetch = fetch): Promise<NewAccount> {
  const request = {
    username: details.username.trim().replace(/^@/, '').replace(/:.*$/, ''),
    password: details.password,
    initial_device_display_name: DEVICE_NAME,
  };
  const path = '/_matrix/client/v3/register';
  let response = await callHomeserver(baseUrl, 'POST', path, request, fetchImpl);
  if (response.status === 200) return accountFrom(response.body);
  if (response.status !== 401) throw registrationError(response);

  const stages = chooseRegistrationFlow(uiaFlows(response.body), details);
  const session = stringField(response.body, 'session');
  for (const stage of stages) {
    const completed = response.body['completed'];
    if (Array.isArray(completed) && completed.includes(stage)) continue;
    const auth: Record<string, unknown> = { type: stage, session };
    if (stage === REGISTRATION_TOKEN) auth['token'] = details.registrationToken;
    response = await callHomeserver(baseUrl, 'POST', path, { ...request, auth }, fetchImpl);
    if (response.status === 200) return accountFrom(response.body);
    const done = response.body['completed'];
    if (response.status === 401 && Array.isArray(done) && done.includes(stage)) continue;
    if (stage === REGISTRATION_TOKEN && (response.status === 401 || response.status === 403)) {
      throw new OmniError('registration-rejected', 'That registration token is not valid, or it has been used up.');
    }
    throw registrationError(response);
  }
  throw registrationError(response);
}

/** Registers a guest account (`kind=guest`). */
export async function registerGuest(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<NewAccount> {
  const response = await callHomeserver(
    baseUrl,
    'POST',
    '/_matrix/client/v3/register?kind=guest',
    { initial_device_display_name: DEVICE_NAME },
    fetchImpl,
  );
  if (response.status === 200) return accountFrom(response.body);
  if (response.status === 403) throw new OmniError('guest-unavailable', 'This homeserver does not allow guests. Sign in instead.');
  throw new OmniError(
    'guest-unavailable',
    `A guest account could not be created: ${stringField(response.body, 'error') ?? response.status}.`,
  );
}
