import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseRecord } from '../../src/release/single-host/state-file.js';
import { ROOT } from './helpers/processes.js';
import { edgeVersion, type ReleaseHost, releaseHost } from './helpers/release.js';

/**
 * The release judge on one host, for real: canary against baseline under a load of searches and
 * car bookings. Request times are given by fault injection (a fixed latency, or a factor), so that
 * a slowdown is a known one whatever this machine's speed. The tests share one host and run in
 * order, each release's baseline being the previous test's live version.
 */
const POLICY = { RELEASE_POLICY_FILE: path.join(ROOT, 'test/system/fixtures/release-policy-judge.yaml') };
const faults = (spec: string) => [
  '--env',
  `VOYAGE_FAULT_INJECTION=${spec}`,
  '--env',
  'VOYAGE_ALLOW_FAULT_INJECTION=true',
];

/**
 * Searches and car bookings (one account, random cars and far-apart windows) from `workers` loops;
 * `bookings` of every four requests book (two by default).
 */
function startTraffic(edge: string, opts: { rate: number; workers?: number; bookings?: number }) {
  const workers = opts.workers ?? 40;
  const bookings = opts.bookings ?? 2;
  const codes: Record<string, number> = {};
  let stopped = false;
  let token = '';
  let cars: string[] = [];
  const count = (k: string) => {
    codes[k] = (codes[k] ?? 0) + 1;
  };
  const ready = (async () => {
    const signup = await fetch(`${edge}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `judge+${Date.now()}@voyage.example`,
        password: `judge-${Math.random()}-pw`,
        name: 'Judge',
      }),
    });
    token = ((await signup.json()) as { accessToken: string }).accessToken;
    const found = await fetch(`${edge}/search?lat=37.7749&lng=-122.4194&radiusKm=200&limit=100`);
    cars = ((await found.json()) as { cars: { id: string }[] }).cars.map((c) => c.id);
    if (!token || cars.length === 0) throw new Error('no account or no cars for the booking load');
  })();
  const one = async (i: number) => {
    if (i % 4 >= bookings) {
      const res = await fetch(`${edge}/search?lat=37.7749&lng=-122.4194&limit=10`);
      await res.arrayBuffer();
      return `search ${res.status}`;
    }
    const start =
      Date.now() +
      86_400_000 * (30 + Math.floor(Math.random() * 700)) +
      Math.floor(Math.random() * 24) * 3_600_000;
    const res = await fetch(`${edge}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        carId: cars[Math.floor(Math.random() * cars.length)],
        pickupTime: new Date(start).toISOString(),
        dropoffTime: new Date(start + 3_600_000).toISOString(),
      }),
    });
    await res.arrayBuffer();
    return `book ${res.status}`;
  };
  const loops = ready.then(() =>
    Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        const every = (workers / opts.rate) * 1000;
        for (let i = w; !stopped; i++) {
          const at = Date.now();
          count(
            await one(i).catch(
              (err: Error) => `error ${(err.cause as { code?: string } | undefined)?.code ?? err.message}`,
            ),
          );
          await sleep(Math.max(0, every - (Date.now() - at)));
        }
      }),
    ),
  );
  return {
    codes,
    async stop() {
      stopped = true;
      await loops;
      return codes;
    },
  };
}

const decisionSeconds = (r: ReleaseRecord) => {
  const first = Date.parse(r.timings.firstCanaryAt!);
  const end = Date.parse((r.timings.rolledBackAt ?? r.timings.promotedAt)!);
  return (end - first) / 1000;
};

describe('the release judge: canary against baseline (HAProxy, supervisor, Postgres)', () => {
  const degraded = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0'];
  let host: ReleaseHost;
  beforeAll(async () => {
    host = await releaseHost(['1.0.0', ...degraded, '1.1.0', '1.2.0', '2.0.0', '2.1.0']);
    // The live version starts during an incident: every request takes 600 ms.
    const first = await host.deploy('1.0.0', [...faults('latency_ms=600')], POLICY);
    if (first.code !== 0) throw new Error(first.stderr);
  });
  afterAll(() => host?.close());

  it('promotes a good release under a degraded baseline, 5 runs out of 5', { timeout: 900_000 }, async () => {
    const traffic = startTraffic(host.edge, { rate: 40 });
    const figures: string[] = [];
    try {
      for (const version of degraded) {
        const res = await host.deploy(version, [...faults('latency_ms=600')], POLICY);
        const record = await host.lastRecord();
        expect(record, res.stderr).toMatchObject({ version, outcome: 'promoted' });
        // Fixed limits would have failed it: the canary's p95 is over 500 ms throughout.
        const judged = record.samples.filter((s) => s.verdict === 'pass');
        expect(judged.length).toBeGreaterThan(0);
        expect(judged.every((s) => (s.canary.p95Seconds ?? 0) > 0.5)).toBe(true);
        expect(judged.every((s) => s.metrics?.find((m) => m.name === 'latency')?.result === 'pass')).toBe(
          true,
        );
        figures.push(`${version} ${decisionSeconds(record).toFixed(1)} s`);
      }
    } finally {
      await traffic.stop();
    }
    console.log(
      `degraded baseline: promoted 5 of 5 (first canary request to promotion: ${figures.join(', ')}); ${JSON.stringify(traffic.codes)}`,
    );
    expect(await edgeVersion(host.edge)).toBe('3.4.0');
  });

  it('promotes a release faster than its degraded baseline (the incident is over)', async () => {
    const traffic = startTraffic(host.edge, { rate: 40 });
    const res = await host.deploy('1.1.0', [...faults('latency_ms=40')], POLICY);
    await traffic.stop();
    expect(await host.lastRecord(), res.stderr).toMatchObject({ version: '1.1.0', outcome: 'promoted' });
  });

  it('waits at low traffic for the minimum samples instead of passing', async () => {
    const deploying = host.deploy('1.2.0', [...faults('latency_ms=40')], POLICY);
    let st = await host.status();
    for (let i = 0; i < 480 && !(st.current?.phase === 'canary' && st.current.weight === 50); i++) {
      await sleep(250);
      st = await host.status();
    }
    expect(st.current).toMatchObject({ version: '1.2.0', weight: 50 });
    // Longer than the step's pause without traffic: the step has not ended, and nothing passed.
    await sleep(16_000);
    const waiting = (await host.cli.json<ReleaseRecord[]>(['release', 'history', '--limit', '1'])).body[0]!;
    expect(waiting.outcome).toBe('in-progress');
    expect(waiting.samples.length).toBeGreaterThan(5);
    expect(waiting.samples.every((s) => s.verdict === 'inconclusive')).toBe(true);
    const traffic = startTraffic(host.edge, { rate: 40 });
    const res = await deploying;
    await traffic.stop();
    const record = await host.lastRecord();
    expect(record, res.stderr).toMatchObject({ version: '1.2.0', outcome: 'promoted' });
    console.log(
      `low traffic: waited ${waiting.samples.length} inconclusive judgements, then promoted once traffic came`,
    );
  });

  it('rolls back a release 40 % slower at the median, with no errors', async () => {
    const live = await edgeVersion(host.edge);
    const traffic = startTraffic(host.edge, { rate: 40 });
    const res = await host.deploy('2.0.0', [...faults('latency_ms=40,latency_factor=1.4')], POLICY);
    const codes = await traffic.stop();
    const record = await host.lastRecord();
    expect(record, res.stderr).toMatchObject({ version: '2.0.0', outcome: 'rolled-back' });
    expect(record.reason).toMatch(/latency: median \d+ ms against baseline's \d+ ms/);
    expect(Object.keys(codes).filter((k) => /\s5\d\d$/.test(k))).toEqual([]);
    console.log(
      `+40 % p50: rolled back ${decisionSeconds(record).toFixed(1)} s after the first canary request (${record.reason})`,
    );
    expect(await edgeVersion(host.edge)).toBe(live);
  });

  it('rolls back a release that refuses 10 % of car bookings with 422, with no 5xx', async () => {
    const live = await edgeVersion(host.edge);
    // Three bookings in four requests: enough of them in each judged window that a 10 % share of
    // refusals stands out from chance whatever the machine's load.
    const traffic = startTraffic(host.edge, { rate: 80, workers: 60, bookings: 3 });
    const res = await host.deploy(
      '2.1.0',
      // From the 5th booking on: the smoke test's own booking goes through, as in a regression
      // that shows only under real traffic.
      [...faults('latency_ms=40,error_rate=0.1,error_status=422,paths=/bookings,start_after=4')],
      POLICY,
    );
    const codes = await traffic.stop();
    const record = await host.lastRecord();
    expect(record, res.stderr).toMatchObject({ version: '2.1.0', outcome: 'rolled-back' });
    expect(record.reason).toMatch(/car-bookings: [\d.]+ % bad/);
    expect(codes['book 422']).toBeGreaterThan(0);
    expect(Object.keys(codes).filter((k) => /\s5\d\d$/.test(k))).toEqual([]);
    console.log(
      `10 % bookings 422: rolled back ${decisionSeconds(record).toFixed(1)} s after the first canary request (${record.reason}); ${JSON.stringify(codes)}`,
    );
    expect(await edgeVersion(host.edge)).toBe(live);
  });
});
