import type { AuditLog } from '../../../platform/audit.js';
import type { Clock } from '../../../platform/clock.js';
import { isConstraintViolation } from '../../../platform/db/errors.js';
import type { Principal } from '../../../platform/http/auth.js';
import { conflict, constraintError, notFound } from '../../../platform/http/errors.js';
import { confirmedColumns, toCheckoutBooking } from '../../checkout/booking-columns.js';
import { bookingNotCancelled, holdUntil, parseBody, refundTooLarge } from '../../checkout/holds.js';
import type { CheckoutBooking, CheckoutKind, CheckoutKindName } from '../../checkout/kind.js';
import { cancellationTerms } from '../../checkout/policy.js';
import type { Db } from '../../database.js';
import type { BookingEventPayload } from '../../notifications/events.js';
import type { NotificationsService } from '../../notifications/service.js';
import type { Car, Location } from '../fleet/schemas.js';
import { checkRentalWindow } from '../rental-window.js';
import { RENTALS_CONSTRAINTS } from './constraints.js';
import type { BookingRow, createBookingsRepository } from './repository.js';
import { BookingCreate } from './schemas.js';

const title = (car: Car, location: Location) => `${car.make} ${car.model} at ${location.name}`;

/**
 * Rentals as checkout sees them. Every change of a booking's status locks the car's row first and
 * the booking's second — the order booking a car takes — so a hold being confirmed, cancelled or
 * released and a traveller booking the same car queue up instead of deadlocking.
 */
export function createRentalsCheckout(deps: {
  db: Db;
  repo: ReturnType<typeof createBookingsRepository>;
  clock: Clock;
  notifications: NotificationsService;
  audit: AuditLog;
  holdsExpired: (kind: CheckoutKindName, n: number) => void;
  take: (
    tx: Db,
    userId: string,
    input: BookingCreate,
    holdUntil?: Date,
  ) => Promise<{ row: BookingRow; car: Car; location: Location; released: number }>;
  describe: (row: BookingRow) => Promise<{ car: Car; location: Location }>;
  payload: (row: BookingRow, car: Car, location: Location) => BookingEventPayload;
  lockCar: (carId: string, tx: Db) => Promise<unknown>;
}): CheckoutKind {
  const { db, repo, clock, notifications, audit } = deps;

  async function view(row: BookingRow): Promise<CheckoutBooking> {
    const { car, location } = await deps.describe(row);
    return toCheckoutBooking('car', row, { startsAt: row.pickup_time, title: title(car, location) });
  }

  /**
   * Runs `fn` on the booking with its car's row and its own row locked; `payload` describes it
   * for the traveller's email (the car is read before the transaction, which must not wait on it).
   */
  async function locked<T>(
    id: string,
    fn: (row: BookingRow, tx: Db, payload: (r: BookingRow) => BookingEventPayload) => Promise<T>,
  ): Promise<T> {
    const found = await repo.findBooking(id);
    if (!found) throw notFound('booking_not_found', 'Booking not found');
    const { car, location } = await deps.describe(found);
    return db.transaction().execute(async (tx) => {
      await deps.lockCar(found.car_id, tx);
      const row = await repo.lockBooking(id, tx);
      if (!row) throw notFound('booking_not_found', 'Booking not found');
      return fn(row, tx, (r) => deps.payload(r, car, location));
    });
  }

  return {
    kind: 'car',

    async hold(userId, input, holdMinutes) {
      const body = parseBody(BookingCreate, input);
      const now = clock.now();
      checkRentalWindow(body.pickupTime, body.dropoffTime, now);
      const until = holdUntil(now, holdMinutes);
      try {
        const taken = await db.transaction().execute(async (tx) => {
          const t = await deps.take(tx, userId, body, until);
          await audit.record(tx, {
            action: 'booking.hold',
            actorId: userId,
            subject: `car_booking:${t.row.id}`,
            details: { carId: t.car.id, totalAmount: t.row.total_amount, holdExpiresAt: until },
          });
          return t;
        });
        deps.holdsExpired('car', taken.released);
        return toCheckoutBooking('car', taken.row, {
          startsAt: taken.row.pickup_time,
          title: title(taken.car, taken.location),
        });
      } catch (err) {
        if (isConstraintViolation(err, 'bookings_no_overlap'))
          throw constraintError(RENTALS_CONSTRAINTS.bookings_no_overlap);
        throw err;
      }
    },

    async find(id) {
      const row = await repo.findBooking(id);
      return row ? view(row) : undefined;
    },

    async confirm(id, payment) {
      let lapsed = 0;
      const result = await locked(id, async (row, tx, payloadOf) => {
        if (row.status === 'confirmed') return { ok: true as const, row };
        if (row.status === 'expired') return { ok: false as const, reason: 'expired' as const, row };
        if (row.status !== 'pending') return { ok: false as const, reason: 'cancelled' as const, row };
        if (row.hold_expires_at! <= clock.now()) {
          lapsed = 1;
          const expired = await repo.update(id, { status: 'expired', hold_expires_at: null }, tx);
          return { ok: false as const, reason: 'expired' as const, row: expired };
        }
        const confirmed = await repo.update(id, confirmedColumns(payment), tx);
        await notifications.emit(tx, {
          type: 'booking.confirmed',
          aggregateId: id,
          recipient: { userId: confirmed.user_id },
          payload: payloadOf(confirmed),
        });
        await audit.record(tx, {
          action: 'booking.create',
          actorId: confirmed.user_id,
          subject: `car_booking:${id}`,
          details: {
            carId: confirmed.car_id,
            totalAmount: confirmed.total_amount,
            currency: confirmed.currency.trim(),
            provider: payment.provider,
            amountCharged: payment.amountCharged,
          },
        });
        return { ok: true as const, row: confirmed };
      });
      deps.holdsExpired('car', lapsed);
      const booking = await view(result.row);
      return result.ok ? { ok: true, booking } : { ok: false, reason: result.reason, booking };
    },

    async cancel(id: string, who: Principal) {
      const result = await locked(id, async (row, tx, payloadOf) => {
        if (row.user_id !== who.userId && who.role !== 'admin')
          throw notFound('booking_not_found', 'Booking not found');
        const now = clock.now();
        if (row.status === 'pending') {
          const released = await repo.update(
            id,
            { status: 'cancelled', hold_expires_at: null, cancelled_at: now },
            tx,
          );
          await audit.record(tx, {
            action: 'booking.cancel',
            actorId: who.userId,
            subject: `car_booking:${id}`,
          });
          return { row: released, refundAmount: 0, fee: 0 };
        }
        if (row.status === 'expired') return { row, refundAmount: 0, fee: 0 };
        const policy = {
          freeUntilHoursBefore: row.free_cancellation_hours,
          feeBasisPoints: row.cancellation_fee_bp,
        };
        if (row.status !== 'confirmed') {
          // Cancelled before: the same terms as then.
          const terms = cancellationTerms(
            policy,
            row.amount_charged,
            row.pickup_time,
            row.cancelled_at ?? now,
          );
          return { row, refundAmount: terms.refundAmount, fee: terms.fee };
        }
        if (row.pickup_time <= now)
          throw conflict('booking_started', 'A booking cannot be cancelled once pickup time has passed');
        const terms = cancellationTerms(policy, row.amount_charged, row.pickup_time, now);
        const cancelled = await repo.update(id, { status: 'cancelled', cancelled_at: now }, tx);
        await audit.record(tx, {
          action: 'booking.cancel',
          actorId: who.userId,
          subject: `car_booking:${id}`,
          details: { refundAmount: terms.refundAmount, fee: terms.fee },
        });
        await notifications.emit(tx, {
          type: 'booking.cancelled',
          aggregateId: id,
          recipient: { userId: cancelled.user_id },
          payload: payloadOf(cancelled),
        });
        return { row: cancelled, refundAmount: terms.refundAmount, fee: terms.fee };
      });
      return { booking: await view(result.row), refundAmount: result.refundAmount, fee: result.fee };
    },

    async markRefunded(id, amount) {
      const row = await db.transaction().execute(async (tx) => {
        const row = await repo.lockBooking(id, tx);
        if (!row) throw notFound('booking_not_found', 'Booking not found');
        if (row.status !== 'cancelled' && row.status !== 'refunded') throw bookingNotCancelled();
        if (!Number.isInteger(amount) || amount < 0 || amount > row.amount_charged) throw refundTooLarge();
        return repo.update(id, { status: 'refunded', amount_refunded: amount }, tx);
      });
      return view(row);
    },

    async expireHolds(now) {
      let released = 0;
      for (const carId of await repo.carsWithLapsedHolds(now)) {
        released += await db.transaction().execute(async (tx) => {
          await deps.lockCar(carId, tx);
          return repo.releaseLapsedHolds(carId, now, tx);
        });
      }
      deps.holdsExpired('car', released);
      return released;
    },
  };
}
