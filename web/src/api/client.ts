import createClient from 'openapi-fetch';
import { ApiError, toApiError } from './errors';
import type { paths } from './schema';
import { refreshSession, session } from './session';

/**
 * Sends a request with the session's access token; on a 401 it refreshes the session once and
 * sends the request again (not for sign-in, sign-up, refresh and sign-out themselves). Requests always ask for JSON, so that the server never answers them
 * with the web app's page.
 */
// Where a 401 is the answer itself (wrong credentials, a spent token), not an expired access token.
const NO_REFRESH = new Set(['/auth/login', '/auth/signup', '/auth/refresh', '/auth/logout']);

export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const send = (req: Request) => {
    req.headers.set('accept', req.headers.get('accept') ?? 'application/json');
    const token = session.get()?.accessToken;
    if (token && !req.headers.has('authorization')) req.headers.set('authorization', `Bearer ${token}`);
    return fetch(req);
  };
  const first = await send(input);
  const path = new URL(input.url).pathname;
  if (first.status !== 401 || !session.get() || NO_REFRESH.has(path)) return first;
  if (!(await refreshSession())) return first;
  return send(retry);
}

export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: authFetch });

/**
 * The data of an openapi-fetch call, or an ApiError carrying the error code (network failures
 * become the `network` code). TanStack Query's queryFn and mutationFn use this.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    throw new ApiError(0, 'network', String(err));
  }
  if (result.response.ok) return result.data as T;
  throw toApiError(result.response.status, result.error);
}

/** A file from an authenticated endpoint (calendar, PDF), saved under the server's name. */
export async function download(path: string): Promise<string> {
  let res: Response;
  try {
    res = await authFetch(new Request(new URL(path, window.location.origin), { headers: { accept: '*/*' } }));
  } catch (err) {
    throw new ApiError(0, 'network', String(err));
  }
  if (!res.ok) throw toApiError(res.status, await res.json().catch(() => undefined));
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
