import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../../../test/helpers/database.js';
import { createTestApp, signUp, type TestApp } from '../../../../test/helpers/test-app.js';
import { DEMO_CITIES } from '../../../demo/data.js';
import { seed } from '../../../demo/seed.js';
import { createModelRepository } from './model-repository.js';
import { createModelSync, type ModelSync } from './model-sync.js';
import { createSearchRepository, type SearchFilter } from './repository.js';

const DAY = 86_400_000;

function rng(seedValue: number) {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A search near a demo city with a random mix of the filters the API offers. */
function randomFilter(r: () => number): SearchFilter {
  const city = DEMO_CITIES[Math.floor(r() * DEMO_CITIES.length)]!;
  const f: SearchFilter = {
    lat: city.lat + (r() - 0.5) * 0.2,
    lng: city.lng + (r() - 0.5) * 0.2,
    radiusM: [500, 2000, 5000, 10_000, 40_000][Math.floor(r() * 5)]!,
    limit: 1 + Math.floor(r() * 40),
  };
  if (r() < 0.7) {
    // Whole hours and odd minutes: windows that start or end exactly at a booking's edge too.
    const from = Math.floor(Date.now() / DAY) * DAY + Math.floor(r() * 60 * 24) * 3_600_000;
    f.window = { from: new Date(from), to: new Date(from + (1 + Math.floor(r() * 120)) * 3_600_000) };
  }
  if (r() < 0.3) f.carClass = ['economy', 'compact', 'suv', 'premium'][Math.floor(r() * 4)]!;
  if (r() < 0.3) f.maxDailyRate = 3000 + Math.floor(r() * 20_000);
  if (r() < 0.2) f.minSeats = 2 + Math.floor(r() * 6);
  if (r() < 0.2) f.transmission = r() < 0.5 ? 'manual' : 'automatic';
  return f;
}

describe('search model', () => {
  let t: TestApp;
  let sql: ReturnType<typeof createSearchRepository>;
  let sync: ModelSync;

  beforeAll(async () => {
    t = await createTestApp();
    await seed(t.ctx, { cars: 1500, bookings: 12_000, seed: 7 });
    sql = createSearchRepository(t.ctx.db, {
      pool: t.ctx.database.pool,
      prepare: t.ctx.database.kind === 'postgres',
    });
    await t.services.availability.startModel();
    sync = t.services.availability.model!;
  }, 120_000);
  afterAll(() => t.close());

  const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

  it('answers random searches exactly as SQL does, pages included', async () => {
    const r = rng(2026);
    let compared = 0;
    let nonEmpty = 0;
    for (let n = 0; n < 300; n++) {
      const f = randomFilter(r);
      const expected = await sql.nearby(f);
      const got = sync.model.search(f);
      expect(ids(got), JSON.stringify(f)).toEqual(ids(expected));
      for (let k = 0; k < got.length; k++) {
        const { distance_key: dk, distance_m: dm, ...rest } = got[k]!;
        const { distance_key: ek, distance_m: em, ...restExpected } = expected[k]!;
        expect(rest).toEqual(restExpected);
        expect(Math.abs(dk - ek)).toBeLessThan(1e-6);
        expect(Math.abs(dm - em)).toBeLessThan(1e-6);
      }
      compared += 1;
      if (expected.length > 0) nonEmpty += 1;
      // The next page from the last row's key, as the cursor carries it.
      const last = expected[expected.length - 1];
      if (last) {
        const next = { ...f, after: { key: last.distance_key, id: last.id } };
        expect(ids(sync.model.search(next)), `next page of ${JSON.stringify(f)}`).toEqual(
          ids(await sql.nearby(next)),
        );
      }
    }
    expect(compared).toBe(300);
    // The comparison means something only if most searches find cars.
    expect(nonEmpty).toBeGreaterThan(120);
  }, 120_000);

  it('serves GET /search from the model once loaded, with the same body as SQL', async () => {
    expect(sync.ready).toBe(true);
    const city = DEMO_CITIES[0]!;
    const url = `/search?lat=${city.lat}&lng=${city.lng}&radiusKm=5&limit=10`;
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { cars: { id: string }[] };
    const viaSql = await sql.nearby({ lat: city.lat, lng: city.lng, radiusM: 5000, limit: 11 });
    expect(body.cars.map((c) => c.id)).toEqual(ids(viaSql).slice(0, 10));
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json().checks['search-model']).toBe(true);
  });

  /** Polls `probe` until it holds (notifications arrive on their own schedule). */
  async function eventually(probe: () => boolean | Promise<boolean>, what: string) {
    for (let i = 0; i < 200; i++) {
      if (await probe()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`never happened: ${what}`);
  }

  /** A free car near the first city for a window 200 days out, and that window. */
  function freeCar() {
    const city = DEMO_CITIES[1]!;
    const from = new Date(Math.floor(Date.now() / DAY) * DAY + 200 * DAY);
    const f: SearchFilter = {
      lat: city.lat,
      lng: city.lng,
      radiusM: 3000,
      limit: 100,
      window: { from, to: new Date(from.getTime() + 2 * DAY) },
    };
    return { f, inModel: (id: string) => sync.model.search(f).some((c) => c.id === id) };
  }

  it('drops a car from the model when a booking of it commits', async () => {
    const { f, inModel } = freeCar();
    const carId = sync.model.search(f)[0]!.id;
    const user = await signUp(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/bookings',
      headers: user.auth,
      payload: { carId, pickupTime: f.window!.from.toISOString(), dropoffTime: f.window!.to.toISOString() },
    });
    expect(res.statusCode).toBe(201);
    await eventually(() => !inModel(carId), 'the booked car leaves the model');
    expect(ids(sync.model.search(f))).toEqual(ids(await sql.nearby(f)));
  });

  it('catches up a change whose notification it missed', async () => {
    const { f, inModel } = freeCar();
    const carId = sync.model.search(f)[0]!.id;
    const pool = t.ctx.database.pool;
    // The booking commits with the notifying trigger off: no notification is ever sent.
    await pool.query('ALTER TABLE cars DISABLE TRIGGER cars_notify_change');
    try {
      const user = await signUp(t.app);
      const res = await t.app.inject({
        method: 'POST',
        url: '/bookings',
        headers: user.auth,
        payload: {
          carId,
          pickupTime: f.window!.from.toISOString(),
          dropoffTime: f.window!.to.toISOString(),
        },
      });
      expect(res.statusCode).toBe(201);
    } finally {
      await pool.query('ALTER TABLE cars ENABLE TRIGGER cars_notify_change');
    }
    await sync.settled();
    expect(inModel(carId)).toBe(true);
    await sync.catchUp();
    expect(inModel(carId)).toBe(false);
  });

  it('follows fleet changes: a car moved, a car taken out of service', async () => {
    const city = DEMO_CITIES[2]!;
    const f: SearchFilter = { lat: city.lat, lng: city.lng, radiusM: 20_000, limit: 5 };
    const [first, second] = sync.model.search(f);
    const far = { lat: city.lat + 1.5, lng: city.lng };
    await t.ctx.database.pool.query('UPDATE cars SET lat = $2, lng = $3 WHERE id = $1', [
      first!.id,
      far.lat,
      far.lng,
    ]);
    await t.ctx.database.pool.query(`UPDATE cars SET status = 'maintenance' WHERE id = $1`, [second!.id]);
    await eventually(() => !ids(sync.model.search(f)).includes(second!.id), 'the car in maintenance leaves');
    await eventually(
      () => ids(sync.model.search({ ...far, radiusM: 100, limit: 5 })).includes(first!.id),
      'the moved car is found at its new place',
    );
    expect(ids(sync.model.search(f))).toEqual(ids(await sql.nearby(f)));
    expect(ids(sync.model.search({ ...far, radiusM: 100, limit: 5 }))).toEqual(
      ids(await sql.nearby({ ...far, radiusM: 100, limit: 5 })),
    );
  });

  it.runIf(!!TEST_DATABASE_URL)('re-reads what changed while its listening connection was down', async () => {
    const { f, inModel } = freeCar();
    const carId = sync.model.search(f)[0]!.id;
    const pool = t.ctx.database.pool;
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'voyage-all-changes'`,
    );
    const user = await signUp(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/bookings',
      headers: user.auth,
      payload: { carId, pickupTime: f.window!.from.toISOString(), dropoffTime: f.window!.to.toISOString() },
    });
    expect(res.statusCode).toBe(201);
    await eventually(() => !inModel(carId), 'the car booked during the outage leaves the model');
    expect(sync.connected).toBe(true);
  });

  it('a model over its own repository loads the same cars', async () => {
    const other = createModelSync({
      repo: createModelRepository(t.ctx.database.pool),
      feed: t.ctx.changes,
      log: t.ctx.log,
      sweepMs: 60_000,
    });
    await other.start();
    try {
      const f = randomFilter(rng(5));
      expect(ids(other.model.search(f))).toEqual(ids(sync.model.search(f)));
      expect(other.model.size).toBe(sync.model.size);
    } finally {
      await other.stop();
    }
  });
});
