import { SignJWT } from 'jose';

/**
 * Hostile and malformed requests for every operation of an OpenAPI document: wrong types, huge and
 * deeply nested bodies, bad JSON and encodings, invalid dates and ranges, path traversal, and bad
 * tokens. Shared by the in-process suites (embedded database, Postgres) and the gateway's.
 */
export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

interface Operation {
  method: string;
  path: string;
  query: string[];
  body: Record<string, unknown> | undefined;
}

type Spec = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string }[];
        requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
      }
    >
  >;
};

export function operations(spec: Spec): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const props = op.requestBody?.content?.['application/json']?.schema?.properties;
      out.push({ method: method.toUpperCase(), path, query, body: props });
    }
  }
  return out;
}

export const PATH_VALUES = [
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '00000000-0000-0000-0000-000000000000',
  '-1',
  '0',
  '1e309',
  "'%20OR%201=1--",
  '%00',
  'x'.repeat(400),
  '%E0%A4%A',
  '%F0%9F%92%A9',
];

const QUERY_VALUES = [
  'abc',
  '-1',
  'NaN',
  '1e309',
  '9999-99-99',
  '2027-02-30',
  '2027-01-10T25:61:00Z',
  '%E0%A4%A',
  'x'.repeat(3000),
  '',
  '[]',
  '{"$ne":null}',
];

const VALUES: unknown[] = [
  null,
  true,
  -1,
  1e308,
  'not-a-uuid',
  '2027-02-30',
  '9999-12-31T99:99:99Z',
  'x'.repeat(20_000),
  [],
  [1, 2, 3],
  { nested: { deeper: true } },
  '../../etc/passwd',
  '\u0000',
];

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const BODIES = [
  '{',
  '{"a":1,}',
  'null',
  '[]',
  '"string"',
  '12',
  nested(5000),
  `[${'['.repeat(3000)}${']'.repeat(3000)}]`,
  JSON.stringify({ huge: 'x'.repeat(900_000) }),
  '\uFEFF{}',
];

function fillPath(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, value);
}

function okPath(path: string): string {
  return fillPath(path, '00000000-0000-4000-8000-000000000000');
}

/** Every hostile request for one operation, sent with the given authorization headers. */
export function* hostileRequests(op: Operation, auth: Record<string, string>): Generator<HostileRequest> {
  const json = { ...auth, 'content-type': 'application/json' };
  if (op.path.includes('{')) {
    for (const v of PATH_VALUES) yield { method: op.method, url: fillPath(op.path, v), headers: auth };
  }
  for (const name of op.query) {
    for (const v of QUERY_VALUES) {
      yield { method: op.method, url: `${okPath(op.path)}?${name}=${v}`, headers: auth };
    }
  }
  yield { method: op.method, url: `${okPath(op.path)}?unknown=1&unknown=2`, headers: auth };
  if (op.method === 'GET' || op.method === 'DELETE') return;
  for (const b of BODIES) yield { method: op.method, url: okPath(op.path), headers: json, payload: b };
  yield {
    method: op.method,
    url: okPath(op.path),
    headers: { ...auth, 'content-type': 'text/plain' },
    payload: 'hi',
  };
  yield {
    method: op.method,
    url: okPath(op.path),
    headers: { ...auth, 'content-type': 'application/json; charset=latin1' },
    payload: '{"a":"\xff\xfe"}',
  };
  for (const prop of Object.keys(op.body ?? {})) {
    for (const v of VALUES) {
      yield {
        method: op.method,
        url: okPath(op.path),
        headers: json,
        payload: JSON.stringify({ [prop]: v }),
      };
    }
  }
}

/** Tokens a hostile client might send: alg none, expired, signed with the wrong key, garbage. */
export async function badTokens(opts: { secret: string; issuer: string; userId: string }) {
  const key = new TextEncoder().encode(opts.secret);
  const now = Math.floor(Date.now() / 1000);
  const claims = { role: 'admin' };
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(
    JSON.stringify({
      sub: opts.userId,
      role: 'admin',
      iss: opts.issuer,
      aud: `${opts.issuer}:access`,
      exp: now + 600,
    }),
  ).toString('base64url');
  const expired = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(opts.userId)
    .setIssuer(opts.issuer)
    .setAudience(`${opts.issuer}:access`)
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(key);
  const wrongKey = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(opts.userId)
    .setIssuer(opts.issuer)
    .setAudience(`${opts.issuer}:access`)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(new TextEncoder().encode('a-different-secret-0123456789abcdef0123'));
  return {
    algNone: `${header}.${body}.`,
    expired,
    wrongKey,
    garbage: 'not.a.jwt',
  };
}

/** What a hostile request must get back: no 5xx, and every 4xx in the error shape. */
export function problem(status: number, body: string): string | undefined {
  if (status >= 500) return `answered ${status}: ${body.slice(0, 300)}`;
  if (status < 400) return undefined;
  try {
    const json = JSON.parse(body) as { error?: { code?: unknown; requestId?: unknown } };
    if (typeof json.error?.code !== 'string' || typeof json.error.requestId !== 'string')
      return `${status} not in the error shape: ${body.slice(0, 300)}`;
  } catch {
    return `${status} without a JSON body: ${body.slice(0, 300)}`;
  }
  return undefined;
}
