import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../../../test/helpers/factories.js';
import { createTestApp, errorCode, signUp, type TestApp } from '../../../../test/helpers/test-app.js';

// Points due north of the origin: one degree of latitude is about 111.2 km.
const ORIGIN = { lat: 10, lng: 20 };
const north = (km: number) => ({ lat: ORIGIN.lat + km / 111.195, lng: ORIGIN.lng });

describe('search', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const start = new Date(Date.now() + 7 * 86_400_000);

  beforeAll(async () => {
    t = await createTestApp();
    const loc = await buildLocation(t.services, {
      ...ORIGIN,
      city: 'Testville',
      country: 'TD',
      timeZone: 'Africa/Ndjamena',
    });
    const make = async (name: string, km: number, extra = {}) => {
      ids[name] = (await buildCar(t.services, loc.id, { ...north(km), ...extra })).id;
    };
    await make('near', 0.5, { class: 'economy', dailyRate: 3000, transmission: 'manual', seats: 4 });
    await make('mid', 3, { class: 'suv', dailyRate: 9000, seats: 7 });
    await make('far', 8, { class: 'economy', dailyRate: 3500 });
    await make('outside', 15);
    await make('retired', 1, { status: 'retired' });
    await make('booked', 2, { class: 'economy', dailyRate: 3200 });
    const user = await signUp(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/bookings',
      headers: user.auth,
      payload: { carId: ids.booked, pickupTime: daysFrom(start, 0), dropoffTime: daysFrom(start, 3) },
    });
    expect(res.statusCode).toBe(201);
  });
  afterAll(() => t.close());

  /** A new car at a new location at `point`. */
  const carAt = async (point: { lat: number; lng: number }) => {
    const loc = await buildLocation(t.services, {
      ...point,
      city: 'Testville',
      country: 'TD',
      timeZone: 'Africa/Ndjamena',
    });
    return (await buildCar(t.services, loc.id, point)).id;
  };
  const search = (qs: string) =>
    t.app.inject({ method: 'GET', url: `/search?lat=${ORIGIN.lat}&lng=${ORIGIN.lng}&${qs}` });

  it('finds active cars within the radius, nearest first, with distances', async () => {
    const res = await search('radiusKm=10');
    expect(res.statusCode).toBe(200);
    const cars = res.json().cars as { id: string; distanceKm: number; price: unknown }[];
    expect(cars.map((c) => c.id)).toEqual([ids.near, ids.booked, ids.mid, ids.far]);
    expect(cars[0]!.distanceKm).toBeCloseTo(0.5, 1);
    expect(cars[3]!.distanceKm).toBeCloseTo(8, 1);
    expect(cars[0]!.price).toBeNull();
  });

  it('defaults the radius to 10 km', async () => {
    const res = await search('');
    expect(res.json().cars).toHaveLength(4);
  });

  it('leaves out cars booked during the window and prices the window', async () => {
    const res = await search(`radiusKm=10&pickup=${daysFrom(start, 1)}&dropoff=${daysFrom(start, 2, 5)}`);
    const cars = res.json().cars as {
      id: string;
      price: { days: number; total: number; currency: string };
    }[];
    expect(cars.map((c) => c.id)).toEqual([ids.near, ids.mid, ids.far]);
    // 29 hours is two started days.
    expect(cars[0]!.price).toEqual({ days: 2, total: 6000, currency: 'USD' });
  });

  it('shows the booked car for a window after its booking', async () => {
    const res = await search(`radiusKm=10&pickup=${daysFrom(start, 3)}&dropoff=${daysFrom(start, 4)}`);
    expect(res.json().cars.map((c: { id: string }) => c.id)).toContain(ids.booked);
  });

  it('filters by class and maximum daily rate', async () => {
    const economy = await search('radiusKm=10&class=economy');
    expect(economy.json().cars.map((c: { id: string }) => c.id)).toEqual([ids.near, ids.booked, ids.far]);
    const cheap = await search('radiusKm=10&maxDailyRate=3200');
    expect(cheap.json().cars.map((c: { id: string }) => c.id)).toEqual([ids.near, ids.booked]);
  });

  it('filters by seats (at least) and transmission', async () => {
    const ids7 = await search('radiusKm=10&seats=6');
    expect(ids7.json().cars.map((c: { id: string }) => c.id)).toEqual([ids.mid]);
    const manual = await search('radiusKm=10&transmission=manual');
    expect(manual.json().cars.map((c: { id: string }) => c.id)).toEqual([ids.near]);
    const auto5 = await search('radiusKm=10&transmission=automatic&seats=5');
    expect(auto5.json().cars.map((c: { id: string }) => c.id)).toEqual([ids.booked, ids.mid, ids.far]);
    const bad = await search('transmission=hover');
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad)).toBe('validation_failed');
  });

  it('answers 400 unknown_parameter to a parameter it does not know, naming it', async () => {
    const res = await search('radiusKm=10&maxPrice=3000&colour=red');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'unknown_parameter',
      details: { parameters: ['maxPrice', 'colour'] },
    });
  });

  /** Follows nextCursor from `url` to the last page: the ids in order, and how many pages. */
  const pageAll = async (url: string) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.app.inject({ method: 'GET', url: cursor ? `${url}&cursor=${cursor}` : url });
      expect(res.statusCode).toBe(200);
      const body: { cars: { id: string }[]; nextCursor: string | null } = res.json();
      seen.push(...body.cars.map((c) => c.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    return { seen, pages };
  };

  it('pages with an opaque cursor without repeating or skipping', async () => {
    const { seen } = await pageAll(`/search?lat=${ORIGIN.lat}&lng=${ORIGIN.lng}&radiusKm=10&limit=1`);
    expect(seen).toEqual([ids.near, ids.booked, ids.mid, ids.far]);
  });

  it('pages through cars parked on the same spot in id order, each once', async () => {
    // Five cars at one point 30 km away, searched from there: all at distance 0, so only the id
    // orders them, and pages of two must split ties without losing or repeating one.
    const spot = north(30);
    const lot: string[] = [];
    for (let i = 0; i < 5; i++) lot.push(await carAt(spot));
    const { seen, pages } = await pageAll(`/search?lat=${spot.lat}&lng=${spot.lng}&radiusKm=1&limit=2`);
    expect(pages).toBe(3);
    expect(seen).toEqual([...lot].sort());
  });

  it.each([
    ['lat=abc&lng=1', 'validation_failed'],
    ['lng=1', 'validation_failed'],
    ['lat=91&lng=1', 'validation_failed'],
    ['lat=1&lng=1&radiusKm=0', 'validation_failed'],
    ['lat=1&lng=1&radiusKm=5000', 'validation_failed'],
    ['lat=1&lng=1&limit=1000', 'validation_failed'],
    ['lat=1&lng=1&pickup=2030-01-01T00:00:00Z', 'validation_failed'],
    ['lat=1&lng=1&pickup=tomorrow&dropoff=later', 'validation_failed'],
    ['lat=1&lng=1&pickup=2030-01-02T00:00:00Z&dropoff=2030-01-01T00:00:00Z', 'invalid_window'],
    ['lat=1&lng=1&pickup=2030-01-01T00:00:00Z&dropoff=2030-06-01T00:00:00Z', 'rental_too_long'],
    ['lat=1&lng=1&cursor=garbage', 'invalid_cursor'],
    ['lat=1&lng=1&pickup=2020-01-01T00:00:00Z&dropoff=2020-01-03T00:00:00Z', 'pickup_in_past'],
    ['lat=1&lng=1&class=spaceship', 'validation_failed'],
  ])('answers %s with 400 %s', async (qs, code) => {
    const res = await t.app.inject({ method: 'GET', url: `/search?${qs}` });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe(code);
  });

  describe('availability follows bookings', () => {
    const windowOf = (day: number) => ({
      pickupTime: daysFrom(start, day),
      dropoffTime: daysFrom(start, day + 1),
    });
    const freeIn = async (carId: string, day: number) => {
      const w = windowOf(day);
      const res = await search(`radiusKm=20&limit=100&pickup=${w.pickupTime}&dropoff=${w.dropoffTime}`);
      return (res.json().cars as { id: string }[]).some((c) => c.id === carId);
    };

    it('hides a car while booked and shows it again once the booking is cancelled', async () => {
      const carId = await carAt(north(1));
      const user = await signUp(t.app);
      const booked = await t.app.inject({
        method: 'POST',
        url: '/bookings',
        headers: user.auth,
        payload: { carId, ...windowOf(20) },
      });
      expect(booked.statusCode).toBe(201);
      expect(await freeIn(carId, 20)).toBe(false);
      expect(await freeIn(carId, 22)).toBe(true);
      await t.app.inject({ method: 'POST', url: `/bookings/${booked.json().id}/cancel`, headers: user.auth });
      expect(await freeIn(carId, 20)).toBe(true);
    });

    it('stays exact when many bookings of one car commit at once', async () => {
      const carId = await carAt(north(1));
      const users = await Promise.all(Array.from({ length: 4 }, () => signUp(t.app)));
      const days = Array.from({ length: 12 }, (_, i) => 30 + i * 2);
      const results = await Promise.all(
        days.map((day, i) =>
          t.app.inject({
            method: 'POST',
            url: '/bookings',
            headers: users[i % users.length]!.auth,
            payload: { carId, ...windowOf(day) },
          }),
        ),
      );
      expect(results.map((r) => r.statusCode)).toEqual(days.map(() => 201));
      // The car's busy multirange is exactly the union of its live bookings.
      const { rows } = await t.db.database.pool.query(
        `SELECT c.busy = coalesce((SELECT range_agg(tstzrange(pickup_time, dropoff_time)) FROM bookings
                                   WHERE car_id = c.id AND status <> 'cancelled'), '{}') AS exact
         FROM cars c WHERE c.id = $1`,
        [carId],
      );
      expect(rows[0].exact).toBe(true);
      for (const day of days) expect(await freeIn(carId, day)).toBe(false);
      expect(await freeIn(carId, 31)).toBe(true);
    });
  });
});
