import autocannon from 'autocannon';
import type pg from 'pg';
import { log, percentile } from './lib.js';

const DAY = 86_400_000;

/**
 * How stale a replica's search can be: a booking is committed straight into Postgres, and each
 * replica's GET /search for that car's spot and window is polled until the car is gone from every
 * one. The time runs from just before the INSERT is sent, so it includes the commit itself.
 * Meanwhile each replica serves a background search load, as it would in production.
 */
export async function measureFreshness(opts: {
  pool: pg.Pool;
  replicas: string[];
  cars: { id: string; lat: number; lng: number }[];
  userId: string;
  probes: number;
  background: (url: string, seed: number) => autocannon.Options;
}) {
  log(`→ freshness: ${opts.probes} bookings, ${opts.replicas.length} replicas under background search load`);
  const background = opts.replicas.map((url, i) =>
    autocannon({ ...opts.background(url, 100 + i), connections: 10, duration: 3600 }, () => {}),
  );
  const samples: number[] = [];
  let skipped = 0;
  let timeouts = 0;
  // Windows of their own: past two years (cleared each run), before the bookings scenario's (3 years).
  const base = Math.floor(Date.now() / DAY) * DAY + 740 * DAY;
  try {
    for (let k = 0; k < opts.probes; k++) {
      const car = opts.cars[(k * 97) % opts.cars.length]!;
      const from = new Date(base + (k % 300) * DAY);
      const to = new Date(from.getTime() + DAY);
      const qs = new URLSearchParams({
        lat: String(car.lat),
        lng: String(car.lng),
        radiusKm: '0.05',
        limit: '100',
        pickup: from.toISOString(),
        dropoff: to.toISOString(),
      });
      const shows = async (url: string) => {
        const res = await fetch(`${url}/search?${qs}`);
        const body = (await res.json()) as { cars: { id: string }[] };
        return body.cars.some((c) => c.id === car.id);
      };
      if (!(await Promise.all(opts.replicas.map(shows))).every(Boolean)) {
        skipped += 1;
        continue;
      }
      const t0 = performance.now();
      await opts.pool.query(
        `INSERT INTO bookings (user_id, car_id, pickup_time, dropoff_time, status, total_amount, currency)
         VALUES ($1, $2, $3, $4, 'confirmed', 0, 'USD')`,
        [opts.userId, car.id, from, to],
      );
      const goneAt = opts.replicas.map(() => 0);
      while (goneAt.some((g) => g === 0)) {
        if (performance.now() - t0 > 5000) break;
        await Promise.all(
          opts.replicas.map(async (url, i) => {
            if (goneAt[i] === 0 && !(await shows(url))) goneAt[i] = performance.now() - t0;
          }),
        );
      }
      if (goneAt.some((g) => g === 0)) timeouts += 1;
      else samples.push(Math.max(...goneAt));
    }
  } finally {
    for (const b of background) b.stop();
  }
  samples.sort((a, b) => a - b);
  return {
    probes: samples.length,
    skipped,
    timeouts,
    p50: percentile(samples, 0.5),
    p99: timeouts > 0 ? Number.POSITIVE_INFINITY : percentile(samples, 0.99),
    max: percentile(samples, 1),
  };
}
