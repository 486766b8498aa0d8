import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { manualClock } from '../../platform/clock.js';
import { HISTORY_QUERIES, SLO_QUERIES } from './prometheus.js';

/**
 * With PROMETHEUS_URL the overview asks Prometheus' HTTP API: a small local server answers in the
 * documented shape (https://prometheus.io/docs/prometheus/latest/querying/api/).
 */
describe('the overview from Prometheus', () => {
  const clock = manualClock('2026-12-07T10:00:30Z');
  const end = Date.parse('2026-12-07T10:00:00Z') / 1000;
  const asked: URL[] = [];
  let failing = false;
  let prometheus: Server;
  let t: TestApp;
  let admin: SignedIn;

  const matrix = (values: [number, string][]) => ({
    status: 'success',
    data: { resultType: 'matrix', result: [{ metric: {}, values }] },
  });
  const vector = (value: string | undefined) => ({
    status: 'success',
    data: { resultType: 'vector', result: value === undefined ? [] : [{ metric: {}, value: [end, value] }] },
  });

  beforeAll(async () => {
    prometheus = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://prometheus');
      asked.push(url);
      const query = url.searchParams.get('query');
      let body: object;
      if (failing) {
        res.statusCode = 400;
        body = { status: 'error', errorType: 'bad_data', error: 'parse error' };
      } else if (url.pathname === '/api/v1/query_range') {
        body =
          query === HISTORY_QUERIES.requestsPerSecond
            ? matrix([
                [end - 60, '2.5'],
                [end, '3'],
              ])
            : query === HISTORY_QUERIES.errorRatio
              ? matrix([[end, '0.002']])
              : matrix([
                  [end - 60, 'NaN'],
                  [end, '0.12'],
                ]);
      } else if (url.pathname === '/api/v1/query') {
        body = vector(
          query === SLO_QUERIES.budgetRemaining
            ? '0.8'
            : query === SLO_QUERIES.burnRate1h
              ? '0.0005'
              : undefined,
        );
      } else {
        res.statusCode = 404;
        body = {};
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
    const { port } = prometheus.address() as AddressInfo;
    t = await createTestApp({ clock, env: { PROMETHEUS_URL: `http://127.0.0.1:${port}` } });
    admin = await signInAdmin(t);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => prometheus.close(resolve));
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: admin.auth });

  it('charts the query_range answers, one point a minute, over the asked window', async () => {
    asked.length = 0;
    const res = await get('/admin/metrics/history?window=15m');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      window: '15m',
      source: 'prometheus',
      stepSeconds: 60,
      points: [
        { at: '2026-12-07T09:59:00.000Z', requestsPerSecond: 2.5, errorRatio: null, p95Seconds: null },
        { at: '2026-12-07T10:00:00.000Z', requestsPerSecond: 3, errorRatio: 0.002, p95Seconds: 0.12 },
      ],
    });
    expect(asked).toHaveLength(3);
    for (const url of asked) {
      expect(url.pathname).toBe('/api/v1/query_range');
      expect(url.searchParams.get('start')).toBe(String(end - 15 * 60));
      expect(url.searchParams.get('end')).toBe(String(end));
      expect(url.searchParams.get('step')).toBe('60');
    }
    expect(asked.map((u) => u.searchParams.get('query')).sort()).toEqual(
      Object.values(HISTORY_QUERIES).sort(),
    );
  });

  it('takes the budget and burn rates from the recorded SLO series', async () => {
    const res = await get('/admin/overview');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().slo).toEqual({
      objective: 0.999,
      periodDays: 30,
      source: 'prometheus',
      measuredOver: '30d',
      budgetRemaining: 0.8,
      burnRates: [
        { window: '1h', errorRatio: 0.0005, burnRate: 0.5 },
        { window: '5m', errorRatio: null, burnRate: null },
      ],
      pageAt: 14.4,
    });
    // Prometheus keeps the history: the process samples nothing of its own.
    expect(t.app.metricsHistory.started).toBe(false);
  });

  it('answers 502 prometheus_unavailable when Prometheus refuses', async () => {
    failing = true;
    try {
      const res = await get('/admin/metrics/history');
      expect(res.statusCode).toBe(502);
      expect(errorCode(res)).toBe('prometheus_unavailable');
      expect(res.json().error.message).toContain('parse error');
      // The overview still shows the health, with the SLO figures missing and why.
      const overview = await get('/admin/overview');
      expect(overview.statusCode).toBe(200);
      expect(overview.json().checks.length).toBeGreaterThan(0);
      expect(overview.json().slo).toMatchObject({
        budgetRemaining: null,
        unavailable: expect.stringContaining('parse error'),
      });
    } finally {
      failing = false;
    }
  });
});
