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

/** The audit log covers bookings, cancellations, role and flag changes; admins read it by filter. */
describe('audit API', () => {
  let t: TestApp;
  let admin: SignedIn;
  let alice: SignedIn;
  let bookingId: string;
  const base = new Date(Date.now() + 40 * 86_400_000);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signInAdmin(t);
    alice = await signUp(t.app);
    const { id: locationId } = await buildLocation(t.services);
    const car = await buildCar(t.services, locationId);
    const booked = await t.app.inject({
      method: 'POST',
      url: '/bookings',
      headers: alice.auth,
      payload: { carId: car.id, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 1) },
    });
    bookingId = booked.json().id;
    await t.app.inject({ method: 'POST', url: `/bookings/${bookingId}/cancel`, headers: alice.auth });
    await t.app.inject({
      method: 'POST',
      url: '/feature-flags',
      headers: admin.auth,
      payload: { key: 'audit.test', description: 'audited', type: 'release', enabled: false },
    });
    await t.app.inject({
      method: 'PATCH',
      url: '/feature-flags/audit.test',
      headers: admin.auth,
      payload: { enabled: true },
    });
    await t.app.inject({
      method: 'PUT',
      url: `/users/${alice.userId}/role`,
      headers: admin.auth,
      payload: { role: 'customer' },
    });
  });
  afterAll(() => t.close());

  const audit = (qs: string, who = admin) =>
    t.app.inject({ method: 'GET', url: `/audit?${qs}`, headers: who.auth });

  it('records a booking and its cancellation, by the customer who made them', async () => {
    const res = await audit(`actor=${alice.userId}&action=booking.*`);
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as { action: string; subject: string }[];
    expect(entries.map((e) => e.action)).toEqual(['booking.cancel', 'booking.create']);
    expect(entries.every((e) => e.subject === `car_booking:${bookingId}`)).toBe(true);
  });

  it('records flag changes with what changed, by the admin', async () => {
    const res = await audit(`actor=${admin.userId}&action=flag.*`);
    const entries = res.json().entries as { action: string; details: { to?: { enabled: boolean } } }[];
    expect(entries.map((e) => e.action)).toEqual(['flag.update', 'flag.create']);
    expect(entries[0]!.details.to?.enabled).toBe(true);
  });

  it('filters by time and pages with a cursor', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await audit(`from=${encodeURIComponent(future)}`)).json().entries).toEqual([]);
    const first = (await audit('limit=2')).json();
    expect(first.entries).toHaveLength(2);
    const next = (await audit(`limit=2&cursor=${first.nextCursor}`)).json();
    expect(next.entries[0].id).toBeLessThan(first.entries[1].id);
  });

  it('is for admins only, and refuses bad filters with 400', async () => {
    expect((await audit('', alice)).statusCode).toBe(403);
    expect(errorCode(await audit('actor=not-a-uuid'))).toBe('validation_failed');
    expect((await audit('from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z')).statusCode).toBe(400);
  });
});
