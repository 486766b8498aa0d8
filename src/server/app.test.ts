import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, errorCode, signUp, type TestApp } from '../../test/helpers/test-app.js';
import { loggerOptions } from '../platform/observability/logger.js';

describe('HTTP platform', () => {
  let t: TestApp;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    t = await createTestApp({
      env: { BODY_LIMIT_BYTES: '2048', CORS_ORIGINS: 'https://app.voyage.example' },
      overrides: { log: pino(loggerOptions('info'), sink) },
    });
  });
  afterAll(() => t.close());

  it('GET /health answers without checking dependencies', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    expect(typeof body.uptime).toBe('number');
  });

  it('GET /health/ready reports its checks', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', checks: { database: true, migrations: true } });
  });

  it('echoes a safe incoming x-request-id and replaces an unsafe one', async () => {
    const given = await t.app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    expect(given.json().error.requestId).toBe('abc-123');
    const unsafe = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'evil\nlog line' },
    });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await t.app.inject({ method: 'GET', url: '/health' });
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a JSON 404 in the one error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no/such/route?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toEqual({
      error: {
        code: 'not_found',
        message: 'Route GET /no/such/route not found',
        requestId: res.headers['x-request-id'],
      },
    });
  });

  it('refuses bodies over the limit with 413 and other media types with 415', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email: 'a@b.co', password: 'x'.repeat(3000), name: 'A' },
    });
    expect(big.statusCode).toBe(413);
    expect(errorCode(big)).toBe('payload_too_large');
    const xml = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(errorCode(xml)).toBe('unsupported_media_type');
  });

  it('sets security headers and answers CORS preflights for configured origins only', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/search',
      headers: { origin: 'https://app.voyage.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.voyage.example');
    const other = await t.app.inject({
      method: 'OPTIONS',
      url: '/search',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('publishes OpenAPI generated from the schemas, and the docs UI', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of [
      '/auth/signup',
      '/auth/me',
      '/search',
      '/bookings',
      '/bookings/{id}/cancel',
      '/cars/{id}',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
    expect(spec.paths['/auth/signup'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'password', 'name']),
    );
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('exposes RED metrics labelled by route template, never by raw URL', async () => {
    await t.app.inject({ method: 'GET', url: '/cars/00000000-0000-4000-8000-000000000001' });
    await t.app.inject({ method: 'GET', url: '/search?lat=1&lng=2' });
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.3",method="GET",route="\/cars\/:id",status_code="404"\}/,
    );
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/search",status_code="200"\} 1/);
    expect(text).not.toContain('00000000-0000-4000-8000-000000000001');
    for (const name of [
      'voyage_searches_total',
      'voyage_db_pool_connections',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('logs JSON lines with the request id and never the authorization header or passwords', async () => {
    const user = await signUp(t.app, { password: 'a secret password' });
    await t.app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: { ...user.auth, 'x-request-id': 'log-check-1' },
    });
    const mine = lines.filter((l) => l.requestId === 'log-check-1');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]).toMatchObject({
      level: 'info',
      route: '/auth/me',
      statusCode: 200,
      msg: 'request completed',
    });
    const all = JSON.stringify(lines);
    expect(all).not.toContain(user.accessToken);
    expect(all).not.toContain('a secret password');
  });

  it("carries an incoming traceparent's trace id into error bodies and log lines, tracing off", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await t.app.inject({
      method: 'GET',
      url: '/cars/not-a-uuid',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'trace-check-1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ requestId: 'trace-check-1', traceId });
    const mine = lines.filter((l) => l.requestId === 'trace-check-1');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((l) => l.trace_id === traceId)).toBe(true);

    const malformed = await t.app.inject({
      method: 'GET',
      url: '/cars/not-a-uuid',
      headers: { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` },
    });
    expect(malformed.json().error.traceId).toBeUndefined();
    const none = await t.app.inject({ method: 'GET', url: '/cars/not-a-uuid' });
    expect(none.json().error.traceId).toBeUndefined();
  });
});

describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_MAX: '5', AUTH_RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW: '1m' },
    });
  });
  afterAll(() => t.close());

  // Random addresses: with Redis the counters outlive one run.
  const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;

  it('limits /auth/* more strictly than the rest, with a 429 in the error shape', async () => {
    const ip = { remoteAddress: randomIp() };
    const tries = [];
    for (let i = 0; i < 3; i++) {
      tries.push(
        await t.app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email: 'x@y.co', password: 'whatever1' },
          ...ip,
        }),
      );
    }
    expect(tries.map((r) => r.statusCode)).toEqual([401, 401, 429]);
    expect(errorCode(tries[2]!)).toBe('rate_limited');
    expect(Number(tries[2]!.headers['retry-after'])).toBeGreaterThan(0);

    const other = { remoteAddress: randomIp() };
    const codes = [];
    for (let i = 0; i < 6; i++)
      codes.push((await t.app.inject({ method: 'GET', url: '/locations', ...other })).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    // Probes are never limited.
    expect((await t.app.inject({ method: 'GET', url: '/health', ...other })).statusCode).toBe(200);
  });
});

describe('readiness and faults', () => {
  it('is not ready while a migration is pending, nor once shutting down', async () => {
    const t = await createTestApp();
    try {
      const metric = async () =>
        /^voyage_migrations_pending (\d+)$/m.exec(
          (await t.app.inject({ method: 'GET', url: '/metrics' })).body,
        )?.[1];
      expect(await metric()).toBe('0');
      await t.ctx.migrator.down();
      expect(await metric()).toBe('1');
      const pending = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(pending.statusCode).toBe(503);
      expect(pending.json()).toMatchObject({
        status: 'not ready',
        checks: { database: true, migrations: false },
      });
      await t.ctx.migrator.up();
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
      t.ctx.health.startShutdown();
      const closing = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(closing.statusCode).toBe(503);
      expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('injects faults only when allowed, and never on probes', async () => {
    const t = await createTestApp({
      env: { VOYAGE_FAULT_INJECTION: 'error_rate=1,paths=/search', VOYAGE_ALLOW_FAULT_INJECTION: 'true' },
    });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/search?lat=1&lng=1' });
      expect(res.statusCode).toBe(500);
      expect(errorCode(res)).toBe('injected_fault');
      expect((await t.app.inject({ method: 'GET', url: '/locations' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
    const logic = await createTestApp({
      env: {
        VOYAGE_FAULT_INJECTION: 'error_rate=1,error_status=422,paths=/bookings,start_after=1',
        VOYAGE_ALLOW_FAULT_INJECTION: 'true',
      },
    });
    try {
      // The first matching request is left alone (it fails validation on its own: 400).
      const first = await logic.app.inject({ method: 'POST', url: '/bookings', payload: {} });
      expect(first.statusCode).not.toBe(422);
      const res = await logic.app.inject({ method: 'POST', url: '/bookings', payload: {} });
      expect(res.statusCode).toBe(422);
      expect(errorCode(res)).toBe('injected_fault');
    } finally {
      await logic.close();
    }
    const off = await createTestApp({ env: { VOYAGE_FAULT_INJECTION: 'error_rate=1' } });
    try {
      expect((await off.app.inject({ method: 'GET', url: '/search?lat=1&lng=1' })).statusCode).toBe(200);
    } finally {
      await off.close();
    }
  });
});
