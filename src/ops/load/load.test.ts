import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { seed } from '../../demo/seed.js';
import { parseReleasePolicy } from '../../release/policy.js';
import { type LoadResult, runLoad } from './run.js';
import { checkSlo, rateLimitedRun } from './slo.js';

const SLO = parseReleasePolicy('strategy: canary').slo;

async function listening(env: Record<string, string> = {}): Promise<{ t: TestApp; url: string }> {
  const t = await createTestApp({ env });
  await seed(t.ctx, { cars: 300, bookings: 0, seed: 7 });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, url: address };
}

const load = (url: string, scenario: 'search' | 'booking' | 'mixed', durationSeconds = 2) =>
  runLoad({
    url,
    scenario,
    connections: 2,
    durationSeconds,
    users: 2,
    timeoutSeconds: 10,
    thresholdsSeconds: [SLO.latencyThresholdSeconds],
  });

describe('voyage load against a healthy Voyage', () => {
  let env: Awaited<ReturnType<typeof listening>>;
  let booking: LoadResult;
  beforeAll(async () => {
    env = await listening();
    booking = await load(env.url, 'booking');
  });
  afterAll(() => env?.t.close());

  it('books cars as generated travellers, each step answering as expected', async () => {
    const steps = Object.fromEntries(booking.steps.map((s) => [s.step, s.statuses]));
    expect(steps['search with dates']?.['200']).toBeGreaterThan(0);
    expect(steps.book?.['201']).toBeGreaterThan(0);
    expect(booking.unexpected).toBe(0);
    expect(booking.errors).toBe(0);
    expect(booking.users).toBe(2);
    expect(booking.requests).toBe(booking.responses);
    expect(booking.requests).toBe(Object.values(booking.statuses).reduce((a, b) => a + b, 0));

    const created = await env.t.ctx.db
      .selectFrom('bookings')
      .innerJoin('users', 'users.id', 'bookings.user_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('users.email', 'like', 'load+%')
      .executeTakeFirstOrThrow();
    // Every 201 counted is a booking; a request cut off when the run stops (one per connection at
    // most) may still have committed.
    expect(Number(created.n)).toBeGreaterThanOrEqual(steps.book!['201']!);
    expect(Number(created.n)).toBeLessThanOrEqual(steps.book!['201']! + 2);
  });

  it('reports percentiles in order and passes the release policy’s SLO', () => {
    const l = booking.latencyMs;
    expect(l.p50).toBeGreaterThan(0);
    expect(l.p50).toBeLessThanOrEqual(l.p90);
    expect(l.p90).toBeLessThanOrEqual(l.p95);
    expect(l.p95).toBeLessThanOrEqual(l.p99);
    expect(l.p99).toBeLessThanOrEqual(l.max);
    const checks = checkSlo(booking, SLO);
    expect(checks.map((c) => c.name)).toEqual(['availability', 'latency', 'validity']);
    expect(checks.find((c) => c.name === 'availability')).toMatchObject({
      ok: true,
      measured: 0,
      limit: 0.001,
    });
    expect(checks.find((c) => c.name === 'validity')?.ok).toBe(true);
  });

  it('searches with realistic parameters in the search scenario, without accounts', async () => {
    const result = await load(env.url, 'search', 1);
    expect(result.users).toBe(0);
    expect(result.steps).toEqual([{ step: 'search', expected: [200], statuses: { 200: result.responses } }]);
    const searched = await env.t.app.inject({ method: 'GET', url: '/metrics' });
    expect(searched.body).toMatch(/voyage_searches_total\{outcome="(results|empty)"\} \d+/);
  });
});

describe('voyage load against a failing Voyage', () => {
  let env: Awaited<ReturnType<typeof listening>>;
  beforeAll(async () => {
    env = await listening({
      VOYAGE_ALLOW_FAULT_INJECTION: 'true',
      // Half of all answers fail: over the ~17 requests of a 3 s run, none failing is a 1-in-100,000 event.
      VOYAGE_FAULT_INJECTION: 'error_rate=0.5,latency_ms=350,paths=/search|/bookings',
    });
  });
  afterAll(() => env?.t.close());

  it('fails availability on 5xx and latency on slow answers', async () => {
    const result = await load(env.url, 'booking', 3);
    expect(result.statuses['500']).toBeGreaterThan(0);
    expect(result.errors).toBe(result.statuses['500']);
    const checks = Object.fromEntries(checkSlo(result, SLO).map((c) => [c.name, c]));
    expect(checks.availability?.ok).toBe(false);
    expect(checks.availability?.measured).toBe(result.errors / result.requests);
    // Every search and booking waits 350 ms.
    expect(result.slowerThan['0.3']).toBeGreaterThan(0.9);
    expect(result.latencyMs.p50).toBeGreaterThan(350);
    expect(checks.latency?.ok).toBe(false);
    // 5xx are errors, not "unexpected": the scenario itself ran as designed.
    expect(checks.validity?.ok).toBe(true);
  });
});

describe('voyage load against a rate-limited Voyage', () => {
  it('says plainly that it was rate limited and how to allow it; an allow-listed address is not limited', async () => {
    const limited = await listening({ RATE_LIMIT_MAX: '20', RATE_LIMIT_WINDOW: '1m' });
    try {
      const result = await load(limited.url, 'search');
      expect(result.statuses['429']).toBeGreaterThan(0);
      expect(rateLimitedRun(result)).toMatch(/Rate limited: \d+ of \d+ answers were 429/);
      expect(rateLimitedRun(result)).toMatch(/RATE_LIMIT_ALLOW=/);
    } finally {
      await limited.t.close();
    }
    const allowed = await listening({
      RATE_LIMIT_MAX: '20',
      RATE_LIMIT_WINDOW: '1m',
      RATE_LIMIT_ALLOW: '127.0.0.1',
    });
    try {
      const result = await load(allowed.url, 'search');
      expect(result.statuses['429']).toBeUndefined();
      expect(rateLimitedRun(result)).toBeUndefined();
    } finally {
      await allowed.t.close();
    }
  });
});

describe('SLO check', () => {
  const base: LoadResult = {
    url: 'http://x',
    scenario: 'search',
    connections: 1,
    durationSeconds: 1,
    rate: null,
    users: 0,
    requests: 10_000,
    responses: 10_000,
    requestsPerSecond: 10_000,
    statuses: { 200: 10_000 },
    errors: 0,
    transportErrors: 0,
    timeouts: 0,
    unexpected: 0,
    latencyMs: { p50: 1, p90: 2, p95: 3, p99: 4, max: 5, mean: 1 },
    slowerThan: { '0.3': 0 },
    steps: [],
  };

  it('holds the error rate to 1 − availability and slow responses to 1 − latency target', () => {
    const okAt = (r: Partial<LoadResult>) =>
      Object.fromEntries(checkSlo({ ...base, ...r }, SLO).map((c) => [c.name, c.ok]));
    expect(okAt({})).toEqual({ availability: true, latency: true, validity: true });
    expect(okAt({ errors: 10 }).availability).toBe(true); // 0.1 %
    expect(okAt({ errors: 11 }).availability).toBe(false);
    expect(okAt({ slowerThan: { '0.3': 0.05 } }).latency).toBe(true);
    expect(okAt({ slowerThan: { '0.3': 0.0501 } }).latency).toBe(false);
    expect(okAt({ unexpected: 101 }).validity).toBe(false);
    expect(okAt({ requests: 0, responses: 0 })).toEqual({
      availability: false,
      latency: false,
      validity: false,
    });
  });
});
