import type { AuditLog } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/http/auth.js';
import { conflict, notFound, unprocessable } from '../../platform/http/errors.js';
import { confirmedColumns, toCheckoutBooking } from '../checkout/booking-columns.js';
import { bookingNotCancelled, holdUntil, parseBody, refundTooLarge } from '../checkout/holds.js';
import type { CheckoutBooking, CheckoutKind, CheckoutKindName } from '../checkout/kind.js';
import { cancellationTerms, toPolicy } from '../checkout/policy.js';
import type { Db } from '../database.js';
import type { NotificationsService } from '../notifications/service.js';
import type { FlightHoldsRepository } from './holds-repository.js';
import { eventPayload, toFlightBooking } from './mappers.js';
import type { FlightBookingRow } from './repository.js';
import { type FlightBooking, FlightBookingCreate } from './schemas.js';

/**
 * Offers of an outside supplier (Duffel) are paid to the airline when the order is placed: Voyage
 * cannot hold their seats or refund them, so checkout answers 422 checkout_not_supported and the
 * traveller books them with POST /flight-bookings.
 */
export const checkoutNotSupported = (supplier: string) =>
  unprocessable(
    'checkout_not_supported',
    `Offers from ${supplier} cannot be held or paid through checkout; book them with POST /flight-bookings`,
  );

/**
 * Flights as checkout sees them: holds on Voyage's own schedule, whose seats the hold has taken.
 * Every change of a held booking's status locks the flight's cabin first and the booking second
 * (see holds-repository.ts).
 */
export function createFlightsCheckout(deps: {
  db: Db;
  clock: Clock;
  notifications: NotificationsService;
  audit: AuditLog;
  holds: FlightHoldsRepository;
  holdsExpired: (kind: CheckoutKindName, n: number) => void;
  findBooking: (id: string, tx?: Db) => Promise<FlightBookingRow | undefined>;
  hold: (userId: string, input: FlightBookingCreate, until: Date) => Promise<FlightBooking>;
}): CheckoutKind {
  const { db, clock, notifications, audit, holds } = deps;

  function view(r: FlightBookingRow): CheckoutBooking {
    return toCheckoutBooking('flight', r, {
      startsAt: r.departure_at,
      title: eventPayload(toFlightBooking(r)).title,
    });
  }

  /** Runs `fn` on an own-schedule booking with its cabin's row and its own row locked. */
  async function locked<T>(id: string, fn: (row: FlightBookingRow, tx: Db) => Promise<T>): Promise<T> {
    const found = await deps.findBooking(id);
    if (!found) throw notFound('flight_booking_not_found', 'Flight booking not found');
    if (!found.own_flight_id) throw checkoutNotSupported(found.supplier);
    return db.transaction().execute(async (tx) => {
      await holds.lockCabin(found.own_flight_id!, found.cabin, tx);
      const row = await holds.lockBooking(id, tx);
      if (!row) throw notFound('flight_booking_not_found', 'Flight booking not found');
      return fn(row, tx);
    });
  }

  const seatsBack = (row: FlightBookingRow, tx: Db) =>
    holds.releaseSeats(row.own_flight_id!, row.cabin, row.seats, tx);

  return {
    kind: 'flight',

    async hold(userId, input, holdMinutes) {
      const body = parseBody(FlightBookingCreate, input);
      const booking = await deps.hold(userId, body, holdUntil(clock.now(), holdMinutes));
      return view((await deps.findBooking(booking.id))!);
    },

    async find(id) {
      const row = await deps.findBooking(id);
      return row ? view(row) : undefined;
    },

    async confirm(id, payment) {
      let lapsed = 0;
      const result = await locked(id, async (row, tx) => {
        if (row.status === 'confirmed') return { ok: true as const, row };
        if (row.status === 'expired') return { ok: false as const, reason: 'expired' as const, row };
        if (row.status !== 'pending') return { ok: false as const, reason: 'cancelled' as const, row };
        if (row.hold_expires_at! <= clock.now()) {
          lapsed = 1;
          const expired = await holds.update(id, { status: 'expired', hold_expires_at: null }, tx);
          await seatsBack(row, tx);
          return { ok: false as const, reason: 'expired' as const, row: expired };
        }
        const confirmed = await holds.update(id, confirmedColumns(payment), tx);
        await notifications.emit(tx, {
          type: 'booking.confirmed',
          aggregateId: id,
          recipient: { userId: row.user_id },
          payload: eventPayload(toFlightBooking(confirmed)),
        });
        await audit.record(tx, {
          action: 'booking.create',
          actorId: row.user_id,
          subject: `flight_booking:${id}`,
          details: {
            offerId: row.offer_id,
            supplier: row.supplier,
            totalAmount: row.total_amount,
            provider: payment.provider,
            amountCharged: payment.amountCharged,
          },
        });
        return { ok: true as const, row: confirmed };
      });
      deps.holdsExpired('flight', lapsed);
      const booking = view(result.row);
      return result.ok ? { ok: true, booking } : { ok: false, reason: result.reason, booking };
    },

    async cancel(id: string, who: Principal) {
      const result = await locked(id, async (row, tx) => {
        if (row.user_id !== who.userId && who.role !== 'admin')
          throw notFound('flight_booking_not_found', 'Flight booking not found');
        const now = clock.now();
        if (row.status === 'pending') {
          const released = await holds.update(
            id,
            { status: 'cancelled', hold_expires_at: null, cancelled_at: now },
            tx,
          );
          await seatsBack(row, tx);
          await audit.record(tx, {
            action: 'booking.cancel',
            actorId: who.userId,
            subject: `flight_booking:${id}`,
          });
          return { row: released, refundAmount: 0, fee: 0 };
        }
        if (row.status === 'expired') return { row, refundAmount: 0, fee: 0 };
        if (row.status !== 'confirmed') {
          // Cancelled before: the same terms as then.
          const terms = cancellationTerms(
            toPolicy(row),
            row.amount_charged,
            row.departure_at,
            row.cancelled_at ?? now,
          );
          return { row, refundAmount: terms.refundAmount, fee: terms.fee };
        }
        if (row.departure_at <= now)
          throw conflict('flight_departed', 'A flight cannot be cancelled once it has departed');
        const terms = cancellationTerms(toPolicy(row), row.amount_charged, row.departure_at, now);
        const cancelled = await holds.update(id, { status: 'cancelled', cancelled_at: now }, tx);
        await seatsBack(row, tx);
        await audit.record(tx, {
          action: 'booking.cancel',
          actorId: who.userId,
          subject: `flight_booking:${id}`,
          details: { refundAmount: terms.refundAmount, fee: terms.fee },
        });
        await notifications.emit(tx, {
          type: 'booking.cancelled',
          aggregateId: id,
          recipient: { userId: row.user_id },
          payload: eventPayload(toFlightBooking(cancelled)),
        });
        return { row: cancelled, refundAmount: terms.refundAmount, fee: terms.fee };
      });
      return { booking: view(result.row), refundAmount: result.refundAmount, fee: result.fee };
    },

    async markRefunded(id, amount) {
      const row = await db.transaction().execute(async (tx) => {
        const row = await holds.lockBooking(id, tx);
        if (!row) throw notFound('flight_booking_not_found', 'Flight booking not found');
        if (row.status !== 'cancelled' && row.status !== 'refunded') throw bookingNotCancelled();
        if (!Number.isInteger(amount) || amount < 0 || amount > row.amount_charged) throw refundTooLarge();
        return holds.update(id, { status: 'refunded', amount_refunded: amount }, tx);
      });
      return view(row);
    },

    async expireHolds(now) {
      let released = 0;
      for (const c of await holds.lapsedCabins(now)) {
        released += await db.transaction().execute(async (tx) => {
          await holds.lockCabin(c.own_flight_id!, c.cabin, tx);
          return holds.releaseLapsed(c.own_flight_id!, c.cabin, now, tx);
        });
      }
      deps.holdsExpired('flight', released);
      return released;
    },
  };
}
