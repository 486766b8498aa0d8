// Over 300 lines: configuration and forwarding cases share the same echo upstreams and gateway.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { readConfig } from '../config/index.js';
import { createLogger, type Logger, loggerOptions } from '../platform/observability/logger.js';
import { buildGateway } from './app.js';
import { createGatewayContext, gatewayProblems } from './context.js';

const SECRET = 'test-access-secret-0123456789abcdef0123';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP upstream that answers with what it received (or stalls, or fails readiness). */
async function echoServer(name: string, opts: { delayMs?: number; ready?: boolean } = {}) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.url === '/health/ready') {
        res.writeHead(opts.ready === false ? 503 : 200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      setTimeout(() => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'x-upstream': name,
          'keep-alive': 'timeout=5',
        });
        res.end(JSON.stringify({ upstream: name, url: req.url, body }));
      }, opts.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function gateway(env: Record<string, string>, log: Logger = createLogger('silent')) {
  const { config, secrets } = readConfig({
    JWT_ACCESS_SECRET: SECRET,
    RATE_LIMIT_MAX: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const ctx = createGatewayContext(config, secrets, { log });
  const app = await buildGateway(ctx);
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}

describe('gateway configuration', () => {
  it('parses GATEWAY_UPSTREAMS with a default and per-module replicas', () => {
    const { config } = readConfig({
      GATEWAY_UPSTREAMS: '*=http://api:3000, identity=http://a:3000|http://b:3000/',
    });
    expect(config.gateway.upstreams).toEqual({
      default: ['http://api:3000'],
      modules: { identity: ['http://a:3000', 'http://b:3000'] },
    });
  });

  it.each([
    ['http://api:3000', /expected name=url/],
    ['*=ftp://api', /http\(s\) origin/],
    ['*=http://api:3000/v1', /without a path/],
    ['*=http://a:1,*=http://b:1', /given twice/],
    ['search=', /no upstream URL/],
  ])('names GATEWAY_UPSTREAMS in the error for %j', (value, pattern) => {
    expect(() => readConfig({ GATEWAY_UPSTREAMS: value })).toThrow(/GATEWAY_UPSTREAMS/);
    expect(() => readConfig({ GATEWAY_UPSTREAMS: value })).toThrow(pattern);
  });

  it('refuses to start without upstreams for every module, a token secret, or shared rate limits', () => {
    const { config, secrets } = readConfig({ GATEWAY_UPSTREAMS: 'identity=http://a:1,nonsense=http://b:1' });
    const problems = gatewayProblems(config, secrets).join('\n');
    expect(problems).toMatch(/"nonsense" is not a module/);
    expect(problems).toMatch(/no upstream for fleet, availability, rentals/);
    expect(problems).toMatch(/JWT_ACCESS_SECRET/);
    expect(problems).toMatch(/REDIS_URL, or RATE_LIMIT_MAX=0/);
    const split = readConfig({
      GATEWAY_UPSTREAMS: '*=http://a:1,itinerary=http://b:1',
      JWT_ACCESS_SECRET: SECRET,
      RATE_LIMIT_MAX: '0',
    });
    expect(gatewayProblems(split.config, split.secrets)).toEqual([
      'GATEWAY_UPSTREAMS: trips and itinerary both serve /trips; give them the same upstream',
    ]);
    const none = readConfig({ JWT_ACCESS_SECRET: SECRET, RATE_LIMIT_MAX: '0' });
    expect(gatewayProblems(none.config, none.secrets)).toEqual([
      expect.stringMatching(/needs GATEWAY_UPSTREAMS/),
    ]);
  });
});

describe('gateway forwarding', () => {
  let main: Awaited<ReturnType<typeof echoServer>>;
  let search: Awaited<ReturnType<typeof echoServer>>;
  let slow: Awaited<ReturnType<typeof echoServer>>;
  let gw: Awaited<ReturnType<typeof gateway>>;
  let dead: string;

  beforeAll(async () => {
    main = await echoServer('main');
    search = await echoServer('search');
    slow = await echoServer('slow', { delayMs: 1_000 });
    dead = await closedPort();
    gw = await gateway({
      GATEWAY_UPSTREAMS: `*=${main.url},availability=${dead}|${search.url},rentals=${slow.url},fleet=${dead}`,
      GATEWAY_UPSTREAM_TIMEOUT: '300ms',
    });
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([main.close(), search.close(), slow.close()]);
  });

  it('routes by the modules’ path prefixes, and everything else to the default upstream', async () => {
    const s = await gw.app.inject({ method: 'GET', url: '/search?lat=1&lng=2' });
    expect(s.json()).toMatchObject({ upstream: 'search', url: '/search?lat=1&lng=2' });
    const me = await gw.app.inject({ method: 'GET', url: '/auth/me' });
    expect(me.json()).toMatchObject({ upstream: 'main', url: '/auth/me' });
    const root = await gw.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(root.json()).toMatchObject({ upstream: 'main' });
    expect(root.headers['x-upstream']).toBe('main');
    expect(root.headers['keep-alive']).toBeUndefined();
  });

  it('streams request bodies through unchanged', async () => {
    const payload = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(20), name: 'A' });
    const res = await gw.app.inject({
      method: 'POST',
      url: '/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.json()).toMatchObject({ upstream: 'main', body: payload });
    expect(main.seen.at(-1)?.headers['content-type']).toBe('application/json');
  });

  it('answers Expect: 100-continue itself and forwards the body without the expectation', async () => {
    const payload = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(20), name: 'A' });
    const res = await gw.app.inject({
      method: 'POST',
      url: '/auth/signup',
      headers: { 'content-type': 'application/json', expect: '100-continue' },
      payload,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ upstream: 'main', body: payload });
    expect(main.seen.at(-1)?.headers.expect).toBeUndefined();
  });

  it('answers OPTIONS * itself, without an upstream', async () => {
    const before = main.seen.length;
    // A real socket: the server-wide form cannot be sent through inject().
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (gw.app.server.address() as AddressInfo).port;
    const answer = await new Promise<string>((resolve, reject) => {
      let out = '';
      const socket = net.connect(port, '127.0.0.1', () =>
        socket.write('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      socket.on('data', (d) => {
        out += d;
      });
      socket.on('close', () => resolve(out));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 204/);
    expect(answer.toLowerCase()).toContain('allow: get');
    expect(main.seen.length).toBe(before);
  });

  it('starts a W3C trace when none arrives and hands upstreams the request id', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/cars-and-more' });
    const seen = main.seen.at(-1)!;
    expect(seen.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(seen.headers['x-request-id']).toBe(res.headers['x-request-id']);
    expect(seen.headers['x-forwarded-for']).toBeDefined();
  });

  it('continues an incoming trace with its own span as the parent', async () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await gw.app.inject({
      method: 'GET',
      url: '/bookings-list',
      headers: { traceparent: incoming, tracestate: 'voyage=1', 'x-request-id': 'req-42' },
    });
    const seen = main.seen.at(-1)!;
    const [, traceId, parentId, flags] = String(seen.headers.traceparent).split('-');
    expect(traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(parentId).not.toBe('00f067aa0ba902b7');
    expect(flags).toBe('01');
    expect(seen.headers.tracestate).toBe('voyage=1');
    expect(seen.headers['x-request-id']).toBe('req-42');
  });

  it('retries an idempotent request on the next replica when one refuses connections', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await gw.app.inject({ method: 'GET', url: `/search?i=${i}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().upstream).toBe('search');
    }
  });

  it('never retries a request with a body: 502 upstream_unavailable', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/cars',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":1}',
    });
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toMatchObject({
      code: 'upstream_unavailable',
      requestId: res.headers['x-request-id'],
    });
    expect(res.json().error.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers 504 upstream_timeout when an upstream is too slow', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/bookings' });
    expect(res.statusCode).toBe(504);
    expect(res.json().error.code).toBe('upstream_timeout');
  });

  it('refuses a bad token at the edge, except on token endpoints', async () => {
    const before = main.seen.length;
    const bad = await gw.app.inject({
      method: 'GET',
      url: '/users/me',
      headers: { authorization: 'Bearer nope' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('invalid_token');
    expect(main.seen.length).toBe(before);
    const refresh = await gw.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(refresh.json().upstream).toBe('main');
  });

  it('is ready only when every upstream has a ready replica', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.checks).toEqual({
      'upstream:default': true,
      'upstream:availability': true,
      'upstream:rentals': true,
      'upstream:fleet': false,
    });
    expect(body.details['upstream:fleet'][dead]).toMatch(/unreachable/);
    expect(body.details['upstream:availability'][dead]).toMatch(/unreachable/);
    expect(body.details['upstream:availability'][search.url]).toBe('ready');
  });

  it('counts forwarded requests by upstream and outcome', async () => {
    const text = (await gw.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/voyage_gateway_upstream_requests_total\{upstream="default",outcome="ok"\} \d+/);
    expect(text).toMatch(
      /voyage_gateway_upstream_requests_total\{upstream="fleet",outcome="unavailable"\} 1/,
    );
    expect(text).toMatch(/voyage_gateway_upstream_requests_total\{upstream="rentals",outcome="timeout"\} 1/);
  });
});

describe('gateway access log', () => {
  it('writes a calendar feed path without its token, and other paths in full', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const upstream = await echoServer('main');
    const gw = await gateway({ GATEWAY_UPSTREAMS: `*=${upstream.url}` }, pino(loggerOptions('info'), sink));
    try {
      const token = 'feedtoken-0123456789abcdefghij';
      const feed = await gw.app.inject({ method: 'GET', url: `/calendar/${token}.ics?token=${token}` });
      expect(feed.json()).toMatchObject({ upstream: 'main', url: `/calendar/${token}.ics?token=${token}` });
      await gw.app.inject({ method: 'GET', url: '/trips/abc/calendar.ics' });
      const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
      expect(logged.map((l) => l.url)).toEqual([
        '/calendar/[redacted]?token=[redacted]',
        '/trips/abc/calendar.ics',
      ]);
      expect(lines.join('\n')).not.toContain('feedtoken');
    } finally {
      await gw.close();
      await upstream.close();
    }
  });
});

describe('gateway in front of a real api', () => {
  let api: TestApp;
  let gw: Awaited<ReturnType<typeof gateway>>;
  beforeAll(async () => {
    api = await createTestApp({ env: { JWT_ACCESS_SECRET: SECRET } });
    const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
    gw = await gateway({ GATEWAY_UPSTREAMS: `*=${address}` });
  });
  afterAll(async () => {
    await gw.close();
    await api.close();
  });

  it('signs up, checks the token at the edge, and reaches /auth/me upstream', async () => {
    const signup = await gw.app.inject({
      method: 'POST',
      url: '/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: { email: `gw.${Date.now()}@example.com`, password: 'correct horse battery', name: 'Gw' },
    });
    expect(signup.statusCode).toBe(201);
    const { accessToken, user } = signup.json();
    const me = await gw.app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(user.id);
    const ready = await gw.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
  });

  it('passes upstream errors through in the one error shape, with the trace id', async () => {
    const res = await gw.app.inject({
      method: 'GET',
      url: '/bookings/not-a-uuid',
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().error.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
