import type { AuditLog } from '../../../platform/audit.js';
import type { Clock } from '../../../platform/clock.js';
import { isConstraintViolation } from '../../../platform/db/errors.js';
import type { Principal } from '../../../platform/http/auth.js';
import { conflict, constraintError, notFound } from '../../../platform/http/errors.js';
import type { Idempotency, Outcome } from '../../../platform/http/idempotency.js';
import { newestFirstPage } from '../../../platform/http/schemas.js';
import type { Metrics } from '../../../platform/observability/metrics.js';
import { cancelThroughCheckout, holdsExpiredCounter } from '../../checkout/holds.js';
import { toPolicy } from '../../checkout/policy.js';
import type { Db } from '../../database.js';
import type { BookingEventPayload } from '../../notifications/events.js';
import type { NotificationsService } from '../../notifications/service.js';
import type { Car, Location } from '../fleet/schemas.js';
import type { FleetService } from '../fleet/service.js';
import { checkRentalWindow, rentalDays } from '../rental-window.js';
import { createRentalsCheckout } from './checkout.js';
import { RENTALS_CONSTRAINTS } from './constraints.js';
import { type BookingRow, createBookingsRepository } from './repository.js';
import type { Booking, BookingCreate, BookingList, BookingListQuery } from './schemas.js';

export const EXPIRE_HOLDS_JOB = 'rentals.expire-holds';

declare module '../../../platform/jobs.js' {
  interface JobCatalogue {
    'rentals.expire-holds': Record<string, never>;
  }
}

export function toBooking(r: BookingRow): Booking {
  return {
    id: r.id,
    carId: r.car_id,
    userId: r.user_id,
    pickupTime: r.pickup_time.toISOString(),
    dropoffTime: r.dropoff_time.toISOString(),
    status: r.status,
    holdExpiresAt: r.hold_expires_at ? r.hold_expires_at.toISOString() : null,
    cancellationPolicy: toPolicy(r),
    days: rentalDays(r.pickup_time, r.dropoff_time),
    totalAmount: r.total_amount,
    currency: r.currency.trim(),
    createdAt: r.created_at.toISOString(),
    cancelledAt: r.cancelled_at ? r.cancelled_at.toISOString() : null,
  };
}

export interface RentalsDeps {
  db: Db;
  fleet: FleetService;
  notifications: NotificationsService;
  clock: Clock;
  metrics: Metrics;
  idempotency: Idempotency;
  audit: AuditLog;
}

export function createRentalsService(deps: RentalsDeps) {
  const { db, fleet, notifications, clock, idempotency } = deps;
  const repo = createBookingsRepository(db);
  const outcomes = deps.metrics.counter('voyage_bookings_total', 'Car booking attempts by outcome', [
    'outcome',
  ]);
  const holdsExpired = holdsExpiredCounter(deps.metrics);

  function visibleTo(row: BookingRow | undefined, who: Principal): row is BookingRow {
    // Someone else's booking is reported as missing, not forbidden: ids must not leak.
    return !!row && (row.user_id === who.userId || who.role === 'admin');
  }

  /** What the confirmation or cancellation email says about the rental. */
  function eventPayload(booking: Booking, car: Car, location: Location): BookingEventPayload {
    return {
      kind: 'car',
      bookingId: booking.id,
      title: `${car.make} ${car.model} at ${location.name}`,
      start: booking.pickupTime,
      end: booking.dropoffTime,
      timeZone: location.timeZone,
      totalAmount: booking.totalAmount,
      currency: booking.currency,
    };
  }

  /**
   * Checked inside the booking's transaction, with the car's row held (see fleet.lockForBooking):
   * a car retired or sent to maintenance a moment before is seen, and one retired a moment after
   * waits for this booking and then finds it.
   */
  async function bookableCar(carId: string, tx: Db) {
    const found = await fleet.lockForBooking(carId, tx);
    if (!found) throw notFound('car_not_found', 'Car not found');
    if (found.car.status !== 'active')
      throw conflict('car_not_available', `This car is ${found.car.status} and cannot be booked`);
    return found;
  }

  /**
   * Takes the car for the window in `tx`: locks the car's row, releases its lapsed holds (so that
   * none blocks, whatever the job's lag) and inserts the booking — confirmed and due on site, or a
   * pending hold until `holdUntil`. The exclusion constraint refuses an overlap.
   */
  async function take(tx: Db, userId: string, input: BookingCreate, holdUntil?: Date) {
    const { car, location } = await bookableCar(input.carId, tx);
    const released = await repo.releaseLapsedHolds(car.id, clock.now(), tx);
    const total = rentalDays(input.pickupTime, input.dropoffTime) * car.dailyRate;
    const row = await repo.insertBooking(
      {
        user_id: userId,
        car_id: car.id,
        pickup_time: input.pickupTime,
        dropoff_time: input.dropoffTime,
        total_amount: total,
        currency: car.currency,
        status: holdUntil ? 'pending' : 'confirmed',
        hold_expires_at: holdUntil ?? null,
        amount_due_on_site: holdUntil ? 0 : total,
        free_cancellation_hours: car.cancellationPolicy.freeUntilHoursBefore,
        cancellation_fee_bp: car.cancellationPolicy.feeBasisPoints,
      },
      tx,
    );
    return { row, car, location, released };
  }

  async function create(userId: string, input: BookingCreate, key?: string): Promise<Outcome<Booking>> {
    const outcome = await idempotency.run<Booking>(
      { userId, key, operation: 'cars.book', request: input },
      async (remember) => {
        try {
          checkRentalWindow(input.pickupTime, input.dropoffTime, clock.now());
        } catch (err) {
          outcomes.inc({ outcome: 'rejected' });
          throw err;
        }
        let lapsed = 0;
        try {
          const booking = await db.transaction().execute(async (tx) => {
            const { row, car, location, released } = await take(tx, userId, input).catch((err) => {
              if (!isConstraintViolation(err, 'bookings_no_overlap')) outcomes.inc({ outcome: 'rejected' });
              throw err;
            });
            lapsed = released;
            const booking = toBooking(row);
            await notifications.emit(tx, {
              type: 'booking.confirmed',
              aggregateId: booking.id,
              recipient: { userId },
              payload: eventPayload(booking, car, location),
            });
            await deps.audit.record(tx, {
              action: 'booking.create',
              actorId: userId,
              subject: `car_booking:${booking.id}`,
              details: { carId: car.id, totalAmount: booking.totalAmount, currency: booking.currency },
            });
            await remember(tx, { statusCode: 201, body: booking });
            return booking;
          });
          holdsExpired('car', lapsed);
          outcomes.inc({ outcome: 'created' });
          return { statusCode: 201, body: booking };
        } catch (err) {
          if (isConstraintViolation(err, 'bookings_no_overlap')) {
            outcomes.inc({ outcome: 'conflict' });
            throw constraintError(RENTALS_CONSTRAINTS.bookings_no_overlap);
          }
          throw err;
        }
      },
    );
    if (outcome.replayed) outcomes.inc({ outcome: 'replayed' });
    return outcome;
  }

  /**
   * Idempotent: cancelling a cancelled booking returns it unchanged. A hold, or a booking paid for,
   * is cancelled through checkout, which owns the refund.
   */
  async function cancel(id: string, who: Principal): Promise<Booking> {
    const row = await repo.findBooking(id);
    if (!visibleTo(row, who)) throw notFound('booking_not_found', 'Booking not found');
    if (row.status !== 'confirmed' && row.status !== 'pending') return toBooking(row);
    if (row.status === 'pending' || row.amount_charged > 0) throw cancelThroughCheckout();
    const car = await fleet.getCar(row.car_id);
    const location = await fleet.getLocation(car.locationId);
    const cancelled = await db.transaction().execute(async (tx) => {
      const updated = await repo.cancel(id, clock.now(), tx);
      if (!updated) return undefined;
      const booking = toBooking(updated);
      await deps.audit.record(tx, {
        action: 'booking.cancel',
        actorId: who.userId,
        subject: `car_booking:${id}`,
      });
      await notifications.emit(tx, {
        type: 'booking.cancelled',
        aggregateId: booking.id,
        recipient: { userId: booking.userId },
        payload: eventPayload(booking, car, location),
      });
      return booking;
    });
    if (cancelled) {
      outcomes.inc({ outcome: 'cancelled' });
      return cancelled;
    }
    const current = await repo.findBooking(id);
    if (current?.status === 'cancelled') return toBooking(current);
    throw conflict('booking_started', 'A booking cannot be cancelled once pickup time has passed');
  }

  const checkout = createRentalsCheckout({
    db,
    repo,
    clock,
    notifications,
    audit: deps.audit,
    holdsExpired,
    take,
    describe: async (row) => {
      const car = await fleet.getCar(row.car_id);
      const location = await fleet.getLocation(car.locationId);
      return { car, location, payload: eventPayload(toBooking(row), car, location) };
    },
    lockCar: (carId, tx) => fleet.lockForBooking(carId, tx),
  });

  return {
    create,

    /** For the minute job: releases every lapsed hold. */
    expireHolds: () => checkout.expireHolds(clock.now()),

    /** What checkout holds, confirms and refunds a rental through. */
    checkout,

    async get(id: string, who: Principal): Promise<Booking> {
      const row = await repo.findBooking(id);
      if (!visibleTo(row, who)) throw notFound('booking_not_found', 'Booking not found');
      return toBooking(row);
    },

    /** For other modules (trips, exports) that decide access themselves. */
    async find(id: string): Promise<Booking | undefined> {
      const row = await repo.findBooking(id);
      return row ? toBooking(row) : undefined;
    },

    /** For the fleet, which refuses to retire a car these bookings still need. */
    async upcomingForCar(carId: string, tx?: Db): Promise<Booking[]> {
      return (await repo.upcomingForCar(carId, clock.now(), tx)).map(toBooking);
    },

    /**
     * For the fleet retiring the car, in its transaction: cancels one booking to come, audited, and
     * tells the traveller through the outbox. A booking that has started is not cancelled here.
     */
    async cancelForFleet(
      tx: Db,
      bookingId: string,
      why: { car: Car; location: Location; actorId: string | null },
    ): Promise<void> {
      const updated = await repo.cancel(bookingId, clock.now(), tx);
      if (!updated)
        throw conflict('booking_started', 'A booking cannot be cancelled once pickup time has passed');
      const booking = toBooking(updated);
      await deps.audit.record(tx, {
        action: 'booking.cancel',
        actorId: why.actorId,
        subject: `car_booking:${bookingId}`,
        details: { reason: 'car_retired', carId: why.car.id },
      });
      await notifications.emit(tx, {
        type: 'booking.cancelled',
        aggregateId: booking.id,
        recipient: { userId: booking.userId },
        payload: eventPayload(booking, why.car, why.location),
      });
      outcomes.inc({ outcome: 'cancelled' });
    },

    async listOwn(userId: string, q: BookingListQuery): Promise<BookingList> {
      const page = await newestFirstPage(q, (opts) => repo.listForUser(userId, opts), toBooking);
      return { bookings: page.items, nextCursor: page.nextCursor };
    },

    cancel,

    /** Cancels once per Idempotency-Key: a repeat gets the first answer. */
    cancelOnce(id: string, who: Principal, key?: string): Promise<Outcome<Booking>> {
      return idempotency.run<Booking>(
        { userId: who.userId, key, operation: 'cars.cancel', request: { id } },
        async () => ({ statusCode: 200, body: await cancel(id, who) }),
      );
    },
  };
}

export type RentalsService = ReturnType<typeof createRentalsService>;
