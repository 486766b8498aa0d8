// Over 300 lines: the rentals API suite, rules to contention, shares one app and fleet across cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../../../test/helpers/factories.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../../test/helpers/test-app.js';

describe('bookings', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;
  let locationId: string;
  const base = new Date(Date.now() + 30 * 86_400_000);

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUp(t.app);
    bob = await signUp(t.app);
    admin = await signInAdmin(t);
    locationId = (await buildLocation(t.services)).id;
  });
  afterAll(() => t.close());

  const newCar = async (extra = {}) =>
    (await buildCar(t.services, locationId, { dailyRate: 5000, currency: 'EUR', ...extra })).id;
  const book = (who: SignedIn, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/bookings', headers: { ...who.auth, ...headers }, payload: body });

  it('books a car with a server-computed price', async () => {
    const carId = await newCar();
    const res = await book(alice, {
      carId,
      pickupTime: daysFrom(base, 0),
      dropoffTime: daysFrom(base, 2, 1),
      totalAmount: 1,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      carId,
      userId: alice.userId,
      status: 'confirmed',
      days: 3,
      totalAmount: 15000,
      currency: 'EUR',
    });
  });

  it('refuses an overlapping booking with 409 booking_conflict and allows back-to-back', async () => {
    const carId = await newCar();
    expect(
      (await book(alice, { carId, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 3) }))
        .statusCode,
    ).toBe(201);
    const overlap = await book(bob, { carId, pickupTime: daysFrom(base, 2), dropoffTime: daysFrom(base, 5) });
    expect(overlap.statusCode).toBe(409);
    expect(errorCode(overlap)).toBe('booking_conflict');
    const after = await book(bob, { carId, pickupTime: daysFrom(base, 3), dropoffTime: daysFrom(base, 5) });
    expect(after.statusCode).toBe(201);
  });

  it.each([
    [{ pickupTime: daysFrom(base, 2), dropoffTime: daysFrom(base, 1) }, 400, 'invalid_window'],
    [{ pickupTime: daysFrom(base, 1), dropoffTime: daysFrom(base, 1) }, 400, 'invalid_window'],
    [{ pickupTime: daysFrom(new Date(), -1), dropoffTime: daysFrom(base, 1) }, 400, 'pickup_in_past'],
    [{ pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 91) }, 400, 'rental_too_long'],
    [{ pickupTime: 'soon', dropoffTime: daysFrom(base, 1) }, 400, 'validation_failed'],
    [{ pickupTime: '2030-01-01T10:00:00', dropoffTime: daysFrom(base, 1) }, 400, 'validation_failed'],
  ])('enforces the rules: %j → %i %s', async (window, status, code) => {
    const carId = await newCar();
    const res = await book(alice, { carId, ...window });
    expect(res.statusCode).toBe(status);
    expect(errorCode(res)).toBe(code);
  });

  it('refuses a missing car (404) and a car not in service (409)', async () => {
    const missing = await book(alice, {
      carId: '00000000-0000-4000-8000-000000000000',
      pickupTime: daysFrom(base, 0),
      dropoffTime: daysFrom(base, 1),
    });
    expect(missing.statusCode).toBe(404);
    expect(errorCode(missing)).toBe('car_not_found');
    const carId = await newCar({ status: 'maintenance' });
    const res = await book(alice, { carId, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 1) });
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('car_not_available');
  });

  it('needs a signed-in user on every bookings route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, url] of [
      ['POST', '/bookings'],
      ['GET', '/bookings'],
      ['GET', `/bookings/${id}`],
      ['POST', `/bookings/${id}/cancel`],
    ] as const) {
      const res = await t.app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('answers malformed ids, cursors and keys with 400', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/bookings/not-a-uuid', headers: alice.auth })).statusCode,
    ).toBe(400);
    const cursor = await t.app.inject({
      method: 'GET',
      url: '/bookings?cursor=nonsense',
      headers: alice.auth,
    });
    expect(cursor.statusCode).toBe(400);
    expect(errorCode(cursor)).toBe('invalid_cursor');
    const carId = await newCar();
    const key = await book(
      alice,
      { carId, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 1) },
      { 'idempotency-key': 'has space' },
    );
    expect(key.statusCode).toBe(400);
    expect(errorCode(key)).toBe('validation_failed');
    const missing = await t.app.inject({
      method: 'GET',
      url: '/bookings/00000000-0000-4000-8000-000000000000',
      headers: alice.auth,
    });
    expect(missing.statusCode).toBe(404);
  });

  describe('idempotency', () => {
    it('replays the same response for the same key and body', async () => {
      const carId = await newCar();
      const body = { carId, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 1) };
      const first = await book(alice, body, { 'idempotency-key': 'key-1' });
      const second = await book(alice, body, { 'idempotency-key': 'key-1' });
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(201);
      expect(second.json()).toEqual(first.json());
      expect(second.headers['idempotent-replayed']).toBe('true');
      const list = await t.app.inject({ method: 'GET', url: '/bookings?limit=100', headers: alice.auth });
      expect(list.json().bookings.filter((b: { carId: string }) => b.carId === carId)).toHaveLength(1);
    });

    it('refuses the same key with another body (422 idempotency_key_reused)', async () => {
      const carId = await newCar();
      await book(
        alice,
        { carId, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 1) },
        { 'idempotency-key': 'key-2' },
      );
      const other = await book(
        alice,
        { carId, pickupTime: daysFrom(base, 4), dropoffTime: daysFrom(base, 5) },
        { 'idempotency-key': 'key-2' },
      );
      expect(other.statusCode).toBe(422);
      expect(errorCode(other)).toBe('idempotency_key_reused');
    });

    it('scopes keys per user and does not keep a key whose request failed', async () => {
      const carId = await newCar();
      const body = { carId, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 1) };
      expect((await book(alice, body, { 'idempotency-key': 'shared' })).statusCode).toBe(201);
      const bobTry = await book(bob, body, { 'idempotency-key': 'shared' });
      expect(bobTry.statusCode).toBe(409);
      // Bob's failed attempt left no key behind: the same key works for another window.
      const bobRetry = await book(
        bob,
        { ...body, pickupTime: daysFrom(base, 2), dropoffTime: daysFrom(base, 3) },
        { 'idempotency-key': 'shared' },
      );
      expect(bobRetry.statusCode).toBe(201);
    });

    it('concurrent requests with one key create one booking', async () => {
      const carId = await newCar();
      const body = { carId, pickupTime: daysFrom(base, 10), dropoffTime: daysFrom(base, 11) };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => book(alice, body, { 'idempotency-key': 'race' })),
      );
      const ids = new Set(results.map((r) => r.json().id));
      expect(results.every((r) => r.statusCode === 201)).toBe(true);
      expect(ids.size).toBe(1);
    });
  });

  describe('ownership', () => {
    it('lists only your own bookings, newest first, paginated', async () => {
      const carol = await signUp(t.app);
      const carId = await newCar();
      for (let i = 0; i < 3; i++) {
        expect(
          (
            await book(carol, {
              carId,
              pickupTime: daysFrom(base, i * 2),
              dropoffTime: daysFrom(base, i * 2 + 1),
            })
          ).statusCode,
        ).toBe(201);
      }
      const page1 = await t.app.inject({ method: 'GET', url: '/bookings?limit=2', headers: carol.auth });
      expect(page1.statusCode).toBe(200);
      expect(page1.json().bookings).toHaveLength(2);
      const page2 = await t.app.inject({
        method: 'GET',
        url: `/bookings?limit=2&cursor=${page1.json().nextCursor}`,
        headers: carol.auth,
      });
      expect(page2.json().bookings).toHaveLength(1);
      expect(page2.json().nextCursor).toBeNull();
      const all = [...page1.json().bookings, ...page2.json().bookings];
      expect(all.every((b: { userId: string }) => b.userId === carol.userId)).toBe(true);
      expect(all.map((b: { pickupTime: string }) => b.pickupTime)).toEqual([
        daysFrom(base, 4),
        daysFrom(base, 2),
        daysFrom(base, 0),
      ]);
    });

    it('hides another user’s booking (404) from reading and cancelling; admins see it', async () => {
      const carId = await newCar();
      const created = await book(alice, {
        carId,
        pickupTime: daysFrom(base, 0),
        dropoffTime: daysFrom(base, 1),
      });
      const id = created.json().id;
      const read = await t.app.inject({ method: 'GET', url: `/bookings/${id}`, headers: bob.auth });
      expect(read.statusCode).toBe(404);
      expect(errorCode(read)).toBe('booking_not_found');
      const cancel = await t.app.inject({ method: 'POST', url: `/bookings/${id}/cancel`, headers: bob.auth });
      expect(cancel.statusCode).toBe(404);
      const still = await t.app.inject({ method: 'GET', url: `/bookings/${id}`, headers: alice.auth });
      expect(still.json().status).toBe('confirmed');
      const adminRead = await t.app.inject({ method: 'GET', url: `/bookings/${id}`, headers: admin.auth });
      expect(adminRead.statusCode).toBe(200);
    });
  });

  describe('cancel', () => {
    it('cancels before pickup, idempotently, and frees the window', async () => {
      const carId = await newCar();
      const body = { carId, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 1) };
      const id = (await book(alice, body)).json().id;
      const first = await t.app.inject({
        method: 'POST',
        url: `/bookings/${id}/cancel`,
        headers: alice.auth,
      });
      expect(first.statusCode).toBe(200);
      expect(first.json().status).toBe('cancelled');
      const second = await t.app.inject({
        method: 'POST',
        url: `/bookings/${id}/cancel`,
        headers: alice.auth,
      });
      expect(second.statusCode).toBe(200);
      expect(second.json().cancelledAt).toBe(first.json().cancelledAt);
      expect((await book(bob, body)).statusCode).toBe(201);
    });

    it('refuses to cancel after pickup (409 booking_started)', async () => {
      const carId = await newCar();
      const id = (
        await book(alice, {
          carId,
          pickupTime: daysFrom(new Date(), 0, 1),
          dropoffTime: daysFrom(new Date(), 1),
        })
      ).json().id;
      await t.db.database.pool.query(
        `UPDATE bookings SET pickup_time = now() - interval '1 hour' WHERE id = $1`,
        [id],
      );
      const res = await t.app.inject({ method: 'POST', url: `/bookings/${id}/cancel`, headers: alice.auth });
      expect(res.statusCode).toBe(409);
      expect(errorCode(res)).toBe('booking_started');
    });
  });

  it('of 100 concurrent attempts on overlapping windows exactly one wins, the rest get 409, none 5xx', async () => {
    const carId = await newCar();
    const users = await Promise.all(Array.from({ length: 5 }, () => signUp(t.app)));
    const attempts = Array.from({ length: 100 }, (_, i) =>
      book(users[i % users.length]!, {
        carId,
        pickupTime: daysFrom(base, 20, i % 7),
        dropoffTime: daysFrom(base, 22, i % 5),
      }),
    );
    const results = await Promise.all(attempts);
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(99);
    expect(
      results.filter((r) => r.statusCode === 409).every((r) => errorCode(r) === 'booking_conflict'),
    ).toBe(true);
    const { rows } = await t.db.database.pool.query(
      `SELECT count(*)::int AS n FROM bookings WHERE car_id = $1`,
      [carId],
    );
    expect(rows[0].n).toBe(1);
  });
});
