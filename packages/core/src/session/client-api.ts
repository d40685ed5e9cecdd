/**
 * A few plain client-server API calls made before a session exists (sign-in, login flows, registration, guests).
 * Plain `fetch`, no matrix-js-sdk, so the loader can use them without pulling in the engine chunk.
 */
import { OmniError } from '../types.ts';

export interface ApiResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Calls the homeserver (as `accessToken`'s account when given) and returns status and JSON body; a network failure
 * becomes `unreachable`.
 */
export async function callHomeserver(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  fetchImpl: typeof fetch = fetch,
  accessToken?: string,
): Promise<ApiResponse> {
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(accessToken === undefined ? {} : { Authorization: `Bearer ${accessToken}` }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch (cause) {
    throw new OmniError('unreachable', `The homeserver ${baseUrl} cannot be reached.`, { cause });
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = {};
  }
  return { status: response.status, body: isRecord(json) ? json : {} };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
