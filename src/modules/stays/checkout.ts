import type { AuditLog } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { todayIn } from '../../platform/dates.js';
import type { Principal } from '../../platform/http/auth.js';
import { conflict, notFound } from '../../platform/http/errors.js';
import { confirmedColumns, toCheckoutBooking } from '../checkout/booking-columns.js';
import { bookingNotCancelled, holdUntil, parseBody, refundTooLarge } from '../checkout/holds.js';
import type { CheckoutBooking, CheckoutKind, CheckoutKindName } from '../checkout/kind.js';
import { cancellationTerms, toPolicy } from '../checkout/policy.js';
import type { Db } from '../database.js';
import type { NotificationsService } from '../notifications/service.js';
import type { After } from './bookings.js';
import { createStayHoldsRepository } from './holds-repository.js';
import { eventPayload, toStayBooking } from './mappers.js';
import type { BookingWithPlace, StayBookingRow, StaysRepository } from './repository.js';
import { type StayBooking, StayBookingCreate } from './schemas.js';

/**
 * Stays as checkout sees them. A hold has taken its nights like a booking; every change of its
 * status locks the room type's nights of the stay first and the stay's row second (see
 * holds-repository.ts), the order in which a booking that releases lapsed holds takes them.
 */
export function createStaysCheckout(deps: {
  db: Db;
  repo: StaysRepository;
  clock: Clock;
  notifications: NotificationsService;
  audit: AuditLog;
  holdsExpired: (kind: CheckoutKindName, n: number) => void;
  take: (userId: string, input: StayBookingCreate, after: After, hold?: Date) => Promise<StayBooking>;
  releaseLapsed: (roomTypeId: string, from: string, to: string, tx: Db) => Promise<number>;
}): CheckoutKind {
  const { db, repo, clock, notifications, audit } = deps;
  const holds = createStayHoldsRepository(db);

  function view(r: BookingWithPlace): CheckoutBooking {
    const stay = toStayBooking(r);
    return toCheckoutBooking('stay', r, { startsAt: stay.checkInAt, title: eventPayload(stay).title });
  }

  /** Runs `fn` on the stay with the room type's nights of the stay and the stay's row locked. */
  async function locked<T>(id: string, fn: (row: StayBookingRow, tx: Db) => Promise<T>) {
    const found = await repo.findBooking(id);
    if (!found) throw notFound('stay_booking_not_found', 'Stay booking not found');
    return db.transaction().execute(async (tx) => {
      await holds.lockNights(found.room_type_id, found.check_in, found.check_out, tx);
      const row = await holds.lockBooking(id, tx);
      if (!row) throw notFound('stay_booking_not_found', 'Stay booking not found');
      const result = await fn(row, tx);
      return { result, after: (await repo.findBooking(id, tx))! };
    });
  }

  const giveBack = (row: StayBookingRow, tx: Db) =>
    repo.releaseNights(row.room_type_id, row.check_in, row.check_out, tx);

  return {
    kind: 'stay',

    async hold(userId, input, holdMinutes) {
      const body = parseBody(StayBookingCreate, input);
      const until = holdUntil(clock.now(), holdMinutes);
      const held = await deps.take(
        userId,
        body,
        async (tx, b) => {
          await audit.record(tx, {
            action: 'booking.hold',
            actorId: userId,
            subject: `stay_booking:${b.id}`,
            details: { roomTypeId: b.roomTypeId, totalAmount: b.totalAmount, holdExpiresAt: until },
          });
        },
        until,
      );
      return view((await repo.findBooking(held.id))!);
    },

    async find(id) {
      const row = await repo.findBooking(id);
      return row ? view(row) : undefined;
    },

    async confirm(id, payment) {
      const { result, after } = await locked(id, async (row, tx) => {
        if (row.status === 'confirmed') return { ok: true as const, lapsed: 0 };
        if (row.status === 'expired') return { ok: false as const, reason: 'expired' as const, lapsed: 0 };
        if (row.status !== 'pending') return { ok: false as const, reason: 'cancelled' as const, lapsed: 0 };
        if (row.hold_expires_at! <= clock.now()) {
          await holds.update(id, { status: 'expired', hold_expires_at: null }, tx);
          await giveBack(row, tx);
          return { ok: false as const, reason: 'expired' as const, lapsed: 1 };
        }
        await holds.update(id, confirmedColumns(payment), tx);
        const stay = toStayBooking((await repo.findBooking(id, tx))!);
        await notifications.emit(tx, {
          type: 'booking.confirmed',
          aggregateId: id,
          recipient: { userId: row.user_id },
          payload: eventPayload(stay),
        });
        await audit.record(tx, {
          action: 'booking.create',
          actorId: row.user_id,
          subject: `stay_booking:${id}`,
          details: {
            roomTypeId: row.room_type_id,
            totalAmount: stay.totalAmount,
            currency: stay.currency,
            provider: payment.provider,
            amountCharged: payment.amountCharged,
          },
        });
        return { ok: true as const, lapsed: 0 };
      });
      deps.holdsExpired('stay', result.lapsed);
      const booking = view(after);
      return result.ok ? { ok: true, booking } : { ok: false, reason: result.reason, booking };
    },

    async cancel(id: string, who: Principal) {
      const { result, after } = await locked(id, async (row, tx) => {
        if (row.user_id !== who.userId && who.role !== 'admin')
          throw notFound('stay_booking_not_found', 'Stay booking not found');
        const now = clock.now();
        if (row.status === 'pending') {
          await holds.update(id, { status: 'cancelled', hold_expires_at: null, cancelled_at: now }, tx);
          await giveBack(row, tx);
          await audit.record(tx, {
            action: 'booking.cancel',
            actorId: who.userId,
            subject: `stay_booking:${id}`,
          });
          return { refundAmount: 0, fee: 0 };
        }
        if (row.status === 'expired') return { refundAmount: 0, fee: 0 };
        const place = (await repo.findBooking(id, tx))!;
        const startsAt = new Date(toStayBooking(place).checkInAt);
        if (row.status !== 'confirmed') {
          // Cancelled before: the same terms as then.
          return cancellationTerms(toPolicy(row), row.amount_charged, startsAt, row.cancelled_at ?? now);
        }
        if (row.check_in <= todayIn(place.time_zone, now))
          throw conflict('stay_started', 'A stay cannot be cancelled on or after its check-in date');
        const terms = cancellationTerms(toPolicy(row), row.amount_charged, startsAt, now);
        await holds.update(id, { status: 'cancelled', cancelled_at: now }, tx);
        await giveBack(row, tx);
        await audit.record(tx, {
          action: 'booking.cancel',
          actorId: who.userId,
          subject: `stay_booking:${id}`,
          details: { refundAmount: terms.refundAmount, fee: terms.fee },
        });
        await notifications.emit(tx, {
          type: 'booking.cancelled',
          aggregateId: id,
          recipient: { userId: row.user_id },
          payload: eventPayload(toStayBooking((await repo.findBooking(id, tx))!)),
        });
        return terms;
      });
      return { booking: view(after), refundAmount: result.refundAmount, fee: result.fee };
    },

    async markRefunded(id, amount) {
      await db.transaction().execute(async (tx) => {
        const row = await holds.lockBooking(id, tx);
        if (!row) throw notFound('stay_booking_not_found', 'Stay booking not found');
        if (row.status !== 'cancelled' && row.status !== 'refunded') throw bookingNotCancelled();
        if (!Number.isInteger(amount) || amount < 0 || amount > row.amount_charged) throw refundTooLarge();
        await holds.update(id, { status: 'refunded', amount_refunded: amount }, tx);
      });
      return view((await repo.findBooking(id))!);
    },

    async expireHolds(now) {
      let released = 0;
      for (const h of await holds.lapsed(now)) {
        released += await db.transaction().execute(async (tx) => {
          await holds.lockNights(h.room_type_id, h.check_in, h.check_out, tx);
          if (!(await holds.expire(h.id, now, tx))) return 0;
          await repo.releaseNights(h.room_type_id, h.check_in, h.check_out, tx);
          return 1;
        });
      }
      deps.holdsExpired('stay', released);
      return released;
    },
  };
}
