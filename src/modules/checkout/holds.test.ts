// Over 300 lines: the three kinds of booking go through the same hold → pay → cancel story on one app.
import type { Response as LightMyRequestResponse } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../../test/helpers/factories.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import {
  buildAirports,
  buildProperty,
  buildRoomType,
  buildRoute,
  dateIn,
  PASSENGER,
} from '../../../test/helpers/travel-factories.js';
import { manualClock } from '../../platform/clock.js';
import type { Principal } from '../../platform/http/auth.js';
import type { CheckoutKind } from './kind.js';

const MINUTE = 60_000;
const paid = (amount: number) => ({
  provider: 'stripe',
  paymentId: `pi_${Math.random().toString(36).slice(2)}`,
  amountCharged: amount,
  amountDueOnSite: 0,
});

describe('holds', () => {
  const clock = manualClock();
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  const as = (who: SignedIn): Principal => ({ userId: who.userId, role: 'user' });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    alice = await signUp(t.app);
    bob = await signUp(t.app);
    await buildAirports(t.services);
  });
  afterAll(() => t.close());

  /** One product of each kind, with `units` of it (cars always 1), and how to book it over HTTP. */
  interface Product {
    kind: CheckoutKind;
    /** A booking body for this product (flights: a fresh offer). */
    body: () => Promise<Record<string, unknown>>;
    /** Books it at once through the kind's existing route. */
    book: (who: SignedIn, body: Record<string, unknown>) => Promise<LightMyRequestResponse>;
    /** What is left of it (rooms on the first night, seats), or undefined for a car. */
    left: () => Promise<number | undefined>;
  }

  async function carProduct(): Promise<Product> {
    const location = await buildLocation(t.services);
    const car = await buildCar(t.services, location.id, { dailyRate: 5000, currency: 'EUR' });
    const base = new Date(clock.now().getTime() + 20 * 86_400_000);
    const body = { carId: car.id, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 2) };
    return {
      kind: t.services.rentals.checkout,
      body: async () => body,
      book: (who, b) => t.app.inject({ method: 'POST', url: '/bookings', headers: who.auth, payload: b }),
      left: async () => undefined,
    };
  }

  async function stayProduct(rooms = 1): Promise<Product> {
    const property = await buildProperty(t.services);
    const rt = await buildRoomType(t.services, property.id, { rooms });
    const body = { roomTypeId: rt.id, checkIn: dateIn(20), checkOut: dateIn(22), guests: 1 };
    return {
      kind: t.services.stays.checkout,
      body: async () => body,
      book: (who, b) =>
        t.app.inject({ method: 'POST', url: '/stay-bookings', headers: who.auth, payload: b }),
      left: async () => {
        const { rows } = await t.db.database.pool.query(
          'SELECT capacity - booked AS left FROM room_inventory WHERE room_type_id = $1 AND night = $2',
          [rt.id, body.checkIn],
        );
        return rows[0].left;
      },
    };
  }

  async function flightProduct(seats = 1): Promise<Product> {
    const route = await buildRoute(t.services, { seats });
    const date = dateIn(20);
    const offer = async () => {
      const res = await t.app.inject({ method: 'GET', url: `/flights/search?from=LHR&to=CDG&date=${date}` });
      const mine = res
        .json()
        .offers.find(
          (o: { segments: { flightNumber: string }[] }) => o.segments[0]!.flightNumber === route.flightNumber,
        );
      return { offerId: mine?.id ?? 'own_gone', passengers: [PASSENGER] };
    };
    return {
      kind: t.services.flights.checkout,
      body: offer,
      book: (who, b) =>
        t.app.inject({ method: 'POST', url: '/flight-bookings', headers: who.auth, payload: b }),
      left: async () => {
        const { rows } = await t.db.database.pool.query(
          `SELECT c.seats_available FROM flight_cabins c JOIN scheduled_flights f ON f.id = c.flight_id
           WHERE f.route_id = $1 AND c.cabin = 'economy' ORDER BY abs(extract(epoch FROM f.departure_at - $2::timestamptz)) LIMIT 1`,
          [route.id, `${date}T09:30:00Z`],
        );
        return rows[0].seats_available;
      },
    };
  }

  const kinds: [string, () => Promise<Product>][] = [
    ['car', carProduct],
    ['stay', stayProduct],
    ['flight', flightProduct],
  ];

  describe.each(kinds)('%s', (_name, make) => {
    it('a live hold blocks a second traveller; once lapsed it blocks no one, with no job run', async () => {
      const p = await make();
      const held = await p.kind.hold(alice.userId, await p.body(), 15);
      expect(held).toMatchObject({ status: 'pending', userId: alice.userId, amountCharged: 0 });
      expect(new Date(held.holdExpiresAt!).getTime()).toBe(clock.now().getTime() + 15 * MINUTE);
      expect(held.policy.freeUntilHoursBefore).toBeGreaterThan(0);
      if ((await p.left()) !== undefined) expect(await p.left()).toBe(0);

      const blocked = await p.book(await signUp(t.app), await p.body());
      expect(blocked.statusCode).toBe(409);

      clock.advance(15 * MINUTE);
      const booked = await p.book(await signUp(t.app), await p.body());
      expect(booked.statusCode, booked.body).toBe(201);
      expect(booked.json()).toMatchObject({ status: 'confirmed', holdExpiresAt: null });
      expect((await p.kind.find(held.id))?.status).toBe('expired');
      if ((await p.left()) !== undefined) expect(await p.left()).toBe(0);
    });

    it('confirms a live hold once (idempotently) and refuses a lapsed one', async () => {
      const p = await make();
      const held = await p.kind.hold(alice.userId, await p.body(), 10);
      const payment = paid(held.amount);
      const first = await p.kind.confirm(held.id, payment);
      expect(first).toMatchObject({ ok: true, booking: { status: 'confirmed', amountCharged: held.amount } });
      expect(first.booking.paymentId).toBe(payment.paymentId);
      expect(first.booking.holdExpiresAt).toBeNull();
      const again = await p.kind.confirm(held.id, payment);
      expect(again).toMatchObject({
        ok: true,
        booking: { status: 'confirmed', paymentId: payment.paymentId },
      });
      const { rows } = await t.db.database.pool.query(
        `SELECT count(*)::int AS n FROM outbox_events WHERE aggregate_id = $1 AND type = 'booking.confirmed'`,
        [held.id],
      );
      expect(rows[0].n).toBe(1);

      const q = await make();
      const late = await q.kind.hold(alice.userId, await q.body(), 10);
      clock.advance(10 * MINUTE);
      const refused = await q.kind.confirm(late.id, paid(late.amount));
      expect(refused).toMatchObject({ ok: false, reason: 'expired', booking: { status: 'expired' } });
      expect(await q.kind.confirm(late.id, paid(late.amount))).toMatchObject({
        ok: false,
        reason: 'expired',
      });
      if ((await q.left()) !== undefined) expect(await q.left()).toBe(1);
    });

    it('the job releases every lapsed hold and gives the product back', async () => {
      const p = await make();
      const held = await p.kind.hold(alice.userId, await p.body(), 5);
      await p.kind.expireHolds(clock.now());
      expect((await p.kind.find(held.id))?.status).toBe('pending');
      clock.advance(5 * MINUTE);
      expect(await p.kind.expireHolds(clock.now())).toBeGreaterThanOrEqual(1);
      expect((await p.kind.find(held.id))?.status).toBe('expired');
      if ((await p.left()) !== undefined) expect(await p.left()).toBe(1);
      expect(await p.kind.expireHolds(clock.now())).toBe(0);
      const booked = await p.book(await signUp(t.app), await p.body());
      expect(booked.statusCode, booked.body).toBe(201);
    });

    it('cancels a pending hold with no refund, a paid booking by its policy; old cancel routes refuse paid ones', async () => {
      const p = await make();
      const held = await p.kind.hold(alice.userId, await p.body(), 10);
      const released = await p.kind.cancel(held.id, as(alice));
      expect(released).toMatchObject({ refundAmount: 0, fee: 0, booking: { status: 'cancelled' } });
      if ((await p.left()) !== undefined) expect(await p.left()).toBe(1);

      const paidHold = await p.kind.hold(alice.userId, await p.body(), 10);
      await p.kind.confirm(paidHold.id, paid(paidHold.amount));
      const url = { car: '/bookings', stay: '/stay-bookings', flight: '/flight-bookings' }[p.kind.kind];
      const owner = await signUp(t.app);
      const other = await make();
      const own = await other.kind.hold(owner.userId, await other.body(), 10);
      await other.kind.confirm(own.id, paid(own.amount));
      const old = await t.app.inject({ method: 'POST', url: `${url}/${own.id}/cancel`, headers: owner.auth });
      expect(old.statusCode).toBe(409);
      expect(errorCode(old)).toBe('cancel_through_checkout');
      await expect(p.kind.cancel(paidHold.id, as(bob))).rejects.toMatchObject({ statusCode: 404 });

      const cancelled = await p.kind.cancel(paidHold.id, as(alice));
      // Twenty days ahead: inside every default free period.
      expect(cancelled).toMatchObject({
        refundAmount: paidHold.amount,
        fee: 0,
        booking: { status: 'cancelled' },
      });
      expect(await p.kind.cancel(paidHold.id, as(alice))).toMatchObject({ refundAmount: paidHold.amount });
      await expect(p.kind.markRefunded(paidHold.id, paidHold.amount + 1)).rejects.toMatchObject({
        code: 'refund_too_large',
      });
      const refunded = await p.kind.markRefunded(paidHold.id, paidHold.amount);
      expect(refunded).toMatchObject({ status: 'refunded', amountRefunded: paidHold.amount });
      expect(await p.kind.markRefunded(paidHold.id, paidHold.amount)).toMatchObject({ status: 'refunded' });
      if ((await p.left()) !== undefined) expect(await p.left()).toBe(1);
    });

    it('refuses to confirm a cancelled hold and to mark a live booking refunded', async () => {
      const p = await make();
      const held = await p.kind.hold(alice.userId, await p.body(), 10);
      await expect(p.kind.markRefunded(held.id, 0)).rejects.toMatchObject({ code: 'booking_not_cancelled' });
      await p.kind.cancel(held.id, as(alice));
      expect(await p.kind.confirm(held.id, paid(held.amount))).toMatchObject({
        ok: false,
        reason: 'cancelled',
      });
    });

    it('validates the body and the hold length (400)', async () => {
      const p = await make();
      await expect(p.kind.hold(alice.userId, { nope: true }, 10)).rejects.toMatchObject({
        statusCode: 400,
        code: 'validation_failed',
      });
      await expect(p.kind.hold(alice.userId, await p.body(), 0)).rejects.toMatchObject({
        statusCode: 400,
        code: 'invalid_hold',
      });
    });
  });

  it('of 100 concurrent holds on one car, one room left and one seat, exactly one wins each; none 5xx', async () => {
    for (const make of [carProduct, () => stayProduct(1), () => flightProduct(1)]) {
      const p = await make();
      const users = await Promise.all(Array.from({ length: 4 }, () => signUp(t.app)));
      // Flights: every attempt needs its own offer of the same flight.
      const bodies = await Promise.all(Array.from({ length: 100 }, () => p.body()));
      const results = await Promise.allSettled(
        bodies.map((b, i) => p.kind.hold(users[i % users.length]!.userId, b, 10)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won, p.kind.kind).toHaveLength(1);
      for (const r of lost) expect(r.reason.statusCode, String(r.reason)).toBe(409);
      if ((await p.left()) !== undefined) expect(await p.left()).toBe(0);
    }
  });

  it('holds and direct bookings racing for the last unit, past a lapsed hold: exactly one of 100 wins', async () => {
    for (const make of [carProduct, () => stayProduct(1), () => flightProduct(1)]) {
      const p = await make();
      const users = await Promise.all(Array.from({ length: 4 }, () => signUp(t.app)));
      // A hold that lapses before the race: it must neither win nor block.
      const lapsed = await p.kind.hold(alice.userId, await p.body(), 1);
      clock.advance(2 * MINUTE);
      const bodies = await Promise.all(Array.from({ length: 100 }, () => p.body()));
      const results = await Promise.all(
        bodies.map(async (b, i) => {
          const who = users[i % users.length]!;
          if (i % 2 === 0) {
            return p.kind.hold(who.userId, b, 10).then(
              () => 201,
              (err: { statusCode?: number }) => err.statusCode ?? 500,
            );
          }
          return (await p.book(who, b)).statusCode;
        }),
      );
      expect(
        results.filter((c) => c === 201),
        p.kind.kind,
      ).toHaveLength(1);
      expect(
        results.filter((c) => c === 409),
        p.kind.kind,
      ).toHaveLength(99);
      expect((await p.kind.find(lapsed.id))?.status).toBe('expired');
      if ((await p.left()) !== undefined) expect(await p.left()).toBe(0);
    }
    // No car is taken twice: among live bookings (holds included), no two overlap on one car.
    const { rows } = await t.db.database.pool.query(
      `SELECT count(*)::int AS n FROM bookings a JOIN bookings b ON a.car_id = b.car_id AND a.id < b.id
       WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
         AND tstzrange(a.pickup_time, a.dropoff_time) && tstzrange(b.pickup_time, b.dropoff_time)`,
    );
    expect(rows[0].n).toBe(0);
  });
});
