import net from 'node:net';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../net.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { type HttpOptions, registerEdgePlugins, serverOptions } from './edge-plugins.js';
import { errorHandlerPlugin } from './error-handler.js';

const HTTP: HttpOptions = {
  corsOrigins: [],
  rateLimitMax: 3,
  rateLimitWindowMs: 60_000,
  authRateLimitMax: 0,
  rateLimitAllow: [],
  trustProxy: false,
  bodyLimitBytes: 1_048_576,
  headersTimeoutMs: 1000,
  bodyTimeoutMs: 1500,
};

async function listening(http = HTTP, redis?: Redis) {
  const metrics = createMetrics();
  const app = Fastify(serverOptions(http, createLogger('silent')));
  await registerEdgePlugins(app, { http, redis, metrics });
  await app.register(errorHandlerPlugin);
  app.get('/things/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  app.post('/things', async (request) => ({ got: request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as net.AddressInfo).port;
  return { app, port, metrics };
}

/** Sends raw bytes and returns what the server wrote before closing (or after `waitMs`). */
function raw(
  port: number,
  chunks: string[],
  opts: { gapMs?: number; waitMs?: number } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => {
      out += d;
    });
    const done = () => resolve(out);
    socket.on('close', done);
    socket.on('error', done);
    let i = 0;
    const next = () => {
      if (i >= chunks.length) return;
      if (!socket.destroyed) socket.write(chunks[i++]!);
      if (opts.gapMs) setTimeout(next, opts.gapMs);
      else next();
    };
    socket.on('connect', next);
    if (opts.waitMs)
      setTimeout(() => {
        socket.destroy();
      }, opts.waitMs);
  });
}

function parse(response: string) {
  const [head, ...rest] = response.split('\r\n\r\n');
  const status = Number(head?.split(' ')[1]);
  const body = rest.join('\r\n\r\n');
  return { status, head: head ?? '', body };
}

function expectErrorShape(response: string, status: number, code: string) {
  const r = parse(response);
  expect(r.status, response).toBe(status);
  const json = JSON.parse(r.body);
  expect(json.error.code).toBe(code);
  expect(json.error.requestId).toEqual(expect.any(String));
  expect(r.head.toLowerCase()).toContain(`x-request-id: ${json.error.requestId}`.toLowerCase());
}

describe('client-level errors are answered in the error shape', () => {
  let server: Awaited<ReturnType<typeof listening>>;
  beforeAll(async () => {
    server = await listening({ ...HTTP, rateLimitMax: 0 });
  });
  afterAll(() => server.app.close());

  it('bad percent-encoding: 400 bad_url', async () => {
    const res = await raw(server.port, [
      'GET /things/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    expectErrorShape(res, 400, 'bad_url');
  });

  it('a URL past the limit: 414; headers past the limit: 431', async () => {
    const long = await raw(server.port, [
      `GET /things/${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    ]);
    expectErrorShape(long, 414, 'uri_too_long');
    const huge = await raw(server.port, [
      `GET /things/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    ]);
    expectErrorShape(huge, 431, 'headers_too_large');
  });

  it('an unknown expectation: 417; 100-continue is answered and served', async () => {
    const refused = await raw(server.port, [
      'GET /things/1 HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n',
    ]);
    expectErrorShape(refused, 417, 'expectation_failed');
    const body = '{"a":1}';
    const ok = await raw(server.port, [
      `POST /things HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    ]);
    expect(ok).toContain('HTTP/1.1 100 Continue');
    expect(ok).toContain('HTTP/1.1 200 OK');
    expect(ok).toContain('{"got":{"a":1}}');
  });

  it('malformed HTTP: 400 malformed_request', async () => {
    const res = await raw(server.port, ['GET /things/1 HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']);
    expectErrorShape(res, 400, 'malformed_request');
  });

  it('OPTIONS * is answered; other methods on * are 400', async () => {
    const res = await raw(server.port, ['OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(parse(res).status).toBe(204);
    expect(res.toLowerCase()).toContain('allow: get');
    const bad = await raw(server.port, ['GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expectErrorShape(bad, 400, 'bad_url');
  });

  it('a body that never finishes is cut off with 408', async () => {
    const res = await raw(
      server.port,
      [
        'POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
        '{"a":',
      ],
      { waitMs: 10_000 },
    );
    expectErrorShape(res, 408, 'request_timeout');
  });

  it('headers that never finish are cut off with 408', async () => {
    const res = await raw(server.port, ['GET /things/1 HTTP/1.1\r\nHost: x\r\n'], { waitMs: 10_000 });
    expectErrorShape(res, 408, 'request_timeout');
  });
});

describe('rate limits while Redis is unreachable', () => {
  let server: Awaited<ReturnType<typeof listening>>;
  let redis: Redis;
  beforeAll(async () => {
    // Nothing listens on this port: the client never becomes ready.
    redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      maxRetriesPerRequest: 2,
      lazyConnect: false,
    });
    redis.on('error', () => {});
    server = await listening(HTTP, redis);
  });
  afterAll(async () => {
    await server.app.close();
    redis.disconnect();
  });

  it('count per process: requests are served, the limit still holds, and each fallback is counted', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`http://127.0.0.1:${server.port}/things/${i}`);
      statuses.push(res.status);
      if (res.status === 429)
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const text = await server.metrics.registry.metrics();
    expect(text).toMatch(/voyage_rate_limit_fallbacks_total 5/);
  });
});

describe('the allow-list', () => {
  it('exempts a trusted address from the limit', async () => {
    const server = await listening({ ...HTTP, rateLimitMax: 1, rateLimitAllow: ['127.0.0.1'] });
    try {
      for (let i = 0; i < 4; i++)
        expect((await fetch(`http://127.0.0.1:${server.port}/things/${i}`)).status).toBe(200);
    } finally {
      await server.app.close();
    }
  });
});
