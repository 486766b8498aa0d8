import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation } from '../../../test/helpers/factories.js';
import {
  createTestApp,
  type SignedIn,
  signUpVerified,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { dateIn } from '../../../test/helpers/travel-factories.js';
import { demoPois } from '../../demo/pois.js';
import { parseClock, zonedInstant } from '../../platform/dates.js';
import type { Poi } from '../pois/schemas.js';

interface PlanJson {
  warnings: string[];
  days: {
    date: string;
    stops: { name: string; travelMinutes: number; arrive: string; start: string; end: string }[];
  }[];
}

const TZ = 'Europe/Paris';

describe('the planner and the trip’s own items', () => {
  let t: TestApp;
  let alice: SignedIn;
  let paris: Poi[];

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUpVerified(t, { name: 'Alice' });
    for (const p of demoPois().filter((x) => x.city === 'Paris'))
      await t.services.pois.create({ ...p, description: '' });
    paris = await t.services.pois.inCity({ city: 'Paris', limit: 100 });
  });
  afterAll(() => t.close());

  const call = (method: string, url: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method: method as 'GET', url, headers: alice.auth, payload });
  const at = (day: number, clock: string) => zonedInstant(dateIn(day), clock, TZ).toISOString();
  const newTrip = async () =>
    (
      await call('POST', '/trips', {
        name: 'Paris',
        destination: 'Paris',
        startDate: dateIn(20),
        endDate: dateIn(22),
      })
    ).json() as { id: string };

  it('plans around activities and a car pickup, and says why each empty day is empty', async () => {
    const trip = await newTrip();
    const add = async (body: Record<string, unknown>) =>
      expect((await call('POST', `/trips/${trip.id}/items`, body)).statusCode).toBe(201);
    const rodin = paris.find((p) => p.name === 'Musée Rodin')!;
    // Day 1: a visit booked 11:00–13:00. Day 2: a car picked up at 10:00. Day 3: a day out 08:00–20:00.
    await add({ kind: 'activity', poiId: rodin.id, startsAt: at(20, '11:00'), endsAt: at(20, '13:00') });
    const depot = await buildLocation(t.services, {
      name: 'Paris Bercy',
      city: 'Paris',
      country: 'FR',
      timeZone: TZ,
      lat: 48.8397,
      lng: 2.3822,
    });
    const car = await buildCar(t.services, depot.id, { currency: 'EUR' });
    const rental = await call('POST', '/bookings', {
      carId: car.id,
      pickupTime: at(21, '10:00'),
      dropoffTime: at(22, '19:00'),
    });
    await add({ kind: 'car_booking', bookingId: rental.json().id });
    await add({
      kind: 'activity',
      poiId: rodin.id,
      title: 'Day out in Giverny',
      startsAt: at(22, '08:00'),
      endsAt: at(22, '20:00'),
    });

    const res = await call('POST', `/trips/${trip.id}/plan`, { pace: 'moderate' });
    expect(res.statusCode).toBe(201);
    const p = res.json() as PlanJson;
    const taken: Record<string, [number, number][]> = {
      [dateIn(20)]: [[parseClock('11:00'), parseClock('13:00')]],
      [dateIn(21)]: [[parseClock('10:00'), parseClock('10:30')]],
      [dateIn(22)]: [[parseClock('08:00'), parseClock('20:00')]],
    };
    for (const d of p.days) {
      for (const s of d.stops) {
        // The way to a stop and the visit itself stay clear of the trip's own items.
        const from = parseClock(s.arrive) - s.travelMinutes;
        for (const [a, b] of taken[d.date]!)
          expect(parseClock(s.end) <= a || from >= b, `${d.date} ${s.name} ${s.arrive}–${s.end}`).toBe(true);
      }
    }
    const [first, second, third] = p.days;
    expect(first!.stops.length).toBeGreaterThan(0);
    // A place the trip already visits is not planned again.
    expect(p.days.flatMap((d) => d.stops.map((s) => s.name))).not.toContain('Musée Rodin');
    expect(second!.stops.length).toBeGreaterThan(0);
    expect(third!.stops).toEqual([]);
    expect(p.warnings).toEqual([
      `${dateIn(22)}: nothing planned, the day is taken by the trip's own items (Day out in Giverny 08:00–20:00; Car drop-off (Toyota Corolla from Paris Bercy) 18:30–19:00)`,
    ]);
  });

  it('warns for each empty day when the wanted places run out', async () => {
    const trip = await newTrip();
    const res = await call('POST', `/trips/${trip.id}/plan`, { pace: 'moderate', interests: ['religious'] });
    const p = res.json() as PlanJson;
    const empty = p.days.filter((d) => d.stops.length === 0).map((d) => d.date);
    expect(empty.length).toBeGreaterThan(0);
    expect(p.days.flatMap((d) => d.stops).length).toBe(2);
    expect(p.warnings).toEqual(
      empty.map(
        (date) =>
          `${date}: nothing planned, every place matching the interests and budget open that day is planned on another day`,
      ),
    );
  });
});
