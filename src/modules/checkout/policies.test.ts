import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../../test/helpers/factories.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { buildAirports, buildProperty, dateIn } from '../../../test/helpers/travel-factories.js';

describe('cancellation policies set by an operator', () => {
  let t: TestApp;
  let admin: SignedIn;
  let alice: SignedIn;
  const strict = { freeUntilHoursBefore: 72, feeBasisPoints: 5000 };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signInAdmin(t);
    alice = await signUp(t.app);
    await buildAirports(t.services);
  });
  afterAll(() => t.close());

  it('a car takes the policy it is given, shows it, and a cancellation is charged by it', async () => {
    const location = await buildLocation(t.services);
    const car = await buildCar(t.services, location.id, { dailyRate: 10_000, currency: 'EUR' });
    expect(car.cancellationPolicy).toEqual({ freeUntilHoursBefore: 24, feeBasisPoints: 2000 });

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/cars/${car.id}`,
      headers: admin.auth,
      payload: { cancellationPolicy: strict },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().cancellationPolicy).toEqual(strict);
    const shown = await t.app.inject({ method: 'GET', url: `/cars/${car.id}` });
    expect(shown.json().cancellationPolicy).toEqual(strict);

    // Pickup in 48 h: inside the 72 h, so half of what was paid is kept.
    const now = new Date();
    const body = { carId: car.id, pickupTime: daysFrom(now, 2), dropoffTime: daysFrom(now, 4) };
    const held = await t.services.rentals.checkout.hold(alice.userId, body, 15);
    expect(held.policy).toEqual(strict);
    await t.services.rentals.checkout.confirm(held.id, {
      provider: 'stripe',
      paymentId: 'pi_policy',
      amountCharged: held.amount,
      amountDueOnSite: 0,
    });
    const cancelled = await t.services.rentals.checkout.cancel(held.id, {
      userId: alice.userId,
      role: 'user',
    });
    expect(cancelled.fee).toBe(held.amount / 2);
    expect(cancelled.refundAmount).toBe(held.amount / 2);
  });

  it('refuses a policy out of range with 400, and leaves the car as it was', async () => {
    const location = await buildLocation(t.services);
    const car = await buildCar(t.services, location.id);
    for (const bad of [
      { freeUntilHoursBefore: -1, feeBasisPoints: 100 },
      { freeUntilHoursBefore: 24, feeBasisPoints: 10_001 },
      { freeUntilHoursBefore: 1.5, feeBasisPoints: 100 },
      { freeUntilHoursBefore: 24 },
    ]) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/cars/${car.id}`,
        headers: admin.auth,
        payload: { cancellationPolicy: bad },
      });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
    }
    const shown = await t.app.inject({ method: 'GET', url: `/cars/${car.id}` });
    expect(shown.json().cancellationPolicy).toEqual(car.cancellationPolicy);
  });

  it('a room type and a flight route are created with their own policy, and search shows it', async () => {
    const property = await buildProperty(t.services);
    const rt = await t.app.inject({
      method: 'POST',
      url: `/stays/properties/${property.id}/room-types`,
      headers: admin.auth,
      payload: { name: 'Suite', maxGuests: 2, nightlyRate: 20_000, cancellationPolicy: strict },
    });
    expect(rt.statusCode, rt.body).toBe(201);
    expect(rt.json().cancellationPolicy).toEqual(strict);

    const route = await t.app.inject({
      method: 'POST',
      url: '/flights/routes',
      headers: admin.auth,
      payload: {
        origin: 'LHR',
        destination: 'CDG',
        flightNumber: 'VY9001',
        departureTime: '07:15',
        durationMinutes: 80,
        currency: 'EUR',
        cabins: [{ cabin: 'economy', seats: 50, fare: 9000 }],
        scheduleDays: 10,
        cancellationPolicy: { freeUntilHoursBefore: 0, feeBasisPoints: 10_000 },
      },
    });
    expect(route.statusCode, route.body).toBe(201);
    const found = await t.app.inject({
      method: 'GET',
      url: `/flights/search?from=LHR&to=CDG&date=${dateIn(5)}`,
    });
    const offer = found
      .json()
      .offers.find((o: { segments: { flightNumber: string }[] }) => o.segments[0]!.flightNumber === 'VY9001');
    expect(offer?.cancellationPolicy).toEqual({ freeUntilHoursBefore: 0, feeBasisPoints: 10_000 });
  });
});
