import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { readConfig } from '../config/index.js';
import { buildGateway } from '../gateway/app.js';
import { createGatewayContext } from '../gateway/context.js';
import { createLogger } from '../platform/observability/logger.js';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const INDEX =
  '<!doctype html><html><head><title>Voyage</title></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

describe('the web app served beside the API (all role)', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'voyage-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets', 'index-3f2a9c.js'), SCRIPT);
    writeFileSync(path.join(dir, 'assets', 'index-3f2a9c.js.gz'), gzipSync(SCRIPT));
    t = await createTestApp({
      env: { WEB_DIR: dir, MAP_TILE_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png' },
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a browser at / and at any app page with index.html, never cached', async () => {
    for (const url of [
      '/',
      '/cars',
      '/bookings/cars/6f1c1b9e-1111-4222-8333-444455556666',
      '/trips/x?tab=map',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: HTML } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    }
  });

  it('keeps answering JSON on / for clients that do not ask for HTML', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/', headers: { accept: '*/*' } });
    expect(res.json()).toMatchObject({ name: 'voyage' });
  });

  it('serves hashed assets cached for a year, pre-compressed when accepted', async () => {
    const gz = await t.app.inject({
      method: 'GET',
      url: '/assets/index-3f2a9c.js',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gz.rawPayload.length).toBeLessThan(SCRIPT.length / 4);
    const plain = await t.app.inject({ method: 'GET', url: '/assets/index-3f2a9c.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    const missing = await t.app.inject({ method: 'GET', url: '/assets/nope.js', headers: { accept: HTML } });
    expect(missing.statusCode).toBe(404);
  });

  it('never shadows an API path: every GET in the OpenAPI document still answers JSON to fetch()', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const gets = Object.entries(doc.paths).filter(([, ops]) => 'get' in ops);
    expect(gets.length).toBeGreaterThan(20);
    for (const [template] of gets) {
      const url = template.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      for (const accept of ['application/json', '*/*', undefined]) {
        const res = await t.app.inject({ method: 'GET', url, headers: accept ? { accept } : {} });
        expect(res.headers['content-type'] ?? '', `${url} (${accept})`).not.toMatch(/text\/html/);
        expect(res.body, url).not.toContain('<div id="root">');
      }
    }
  });

  it('keeps /docs, /openapi.json and calendar feeds for browsers too', async () => {
    const docs = await t.app.inject({ method: 'GET', url: '/docs/', headers: { accept: HTML } });
    expect(docs.body).toContain('swagger');
    const spec = await t.app.inject({ method: 'GET', url: '/openapi.json', headers: { accept: HTML } });
    expect(spec.json()).toHaveProperty('paths');
    const feed = await t.app.inject({ method: 'GET', url: '/calendar/nope.ics', headers: { accept: HTML } });
    expect(feed.headers['content-type']).toMatch(/json/);
  });

  it('sends a CSP without upgrade-insecure-requests that allows the tile server', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/', headers: { accept: HTML } });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(csp).toMatch(/img-src 'self' data: https:\/\/\*\.tiles\.example\.org/);
    expect(csp).toContain("script-src 'self'");
  });

  it('tells the app its map tiles at /web-config.json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/web-config.json' });
    expect(res.json()).toEqual({
      mapTileUrl: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png',
      mapTileAttribution: '© OpenStreetMap contributors',
    });
  });
});

describe('the web app served by the gateway role', () => {
  it('answers browsers with the app and forwards API requests upstream', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'voyage-web-gw-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), SCRIPT);
    // An upstream on a closed port: forwarded requests fail, in JSON, at the gateway.
    const { config, secrets } = readConfig({
      JWT_ACCESS_SECRET: 'gateway-web-access-secret-0123456789abcd',
      RATE_LIMIT_MAX: '0',
      LOG_LEVEL: 'silent',
      GATEWAY_UPSTREAMS: '*=http://127.0.0.1:9',
      WEB_DIR: dir,
    });
    const ctx = createGatewayContext(config, secrets, { log: createLogger('silent') });
    const app = await buildGateway(ctx);
    try {
      const page = await app.inject({ method: 'GET', url: '/trips/abc', headers: { accept: HTML } });
      expect(page.body).toBe(INDEX);
      expect(page.headers['cache-control']).toBe('no-cache');
      const asset = await app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
      expect(asset.body).toBe(SCRIPT);
      expect(asset.headers['cache-control']).toContain('immutable');
      const api = await app.inject({ method: 'GET', url: '/trips', headers: { accept: 'application/json' } });
      expect(api.statusCode).toBeGreaterThanOrEqual(500);
      expect(api.headers['content-type']).toMatch(/json/);
      expect(api.body).not.toContain('<div id="root">');
      expect(String(page.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    } finally {
      await app.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("another release's hashed files, from the shared store", () => {
  it('serves its own files first, then the shared store’s, including files added after start', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'voyage-web-'));
    const shared = mkdtempSync(path.join(tmpdir(), 'voyage-web-shared-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets', 'index-aaaa11.js'), 'own();');
    writeFileSync(path.join(shared, 'index-aaaa11.js'), 'shared copy();');
    const t = await createTestApp({ env: { WEB_DIR: dir, WEB_SHARED_ASSETS_DIR: shared } });
    try {
      const own = await t.app.inject({ method: 'GET', url: '/assets/index-aaaa11.js' });
      expect(own.statusCode).toBe(200);
      expect(own.body).toBe('own();');
      // The next release's files arrive while this one serves (its canary starts).
      writeFileSync(path.join(shared, 'index-bbbb22.js'), 'next();');
      const next = await t.app.inject({ method: 'GET', url: '/assets/index-bbbb22.js' });
      expect(next.statusCode).toBe(200);
      expect(next.body).toBe('next();');
      expect(next.headers['content-type']).toMatch(/javascript/);
      expect(next.headers['cache-control']).toMatch(/immutable/);
      const none = await t.app.inject({ method: 'GET', url: '/assets/index-cccc33.js' });
      expect(none.statusCode).toBe(404);
      expect(none.json().error.code).toBe('not_found');
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(shared, { recursive: true, force: true });
    }
  });
});
