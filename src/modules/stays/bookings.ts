import type { AuditLog } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { addDays, todayIn } from '../../platform/dates.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import type { Principal } from '../../platform/http/auth.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Idempotency, Outcome, Remember } from '../../platform/http/idempotency.js';
import { newestFirstPage } from '../../platform/http/schemas.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import { cancelThroughCheckout } from '../checkout/holds.js';
import type { CheckoutKindName } from '../checkout/kind.js';
import type { Db } from '../database.js';
import type { NotificationsService } from '../notifications/service.js';
import { checkStayDates } from './dates.js';
import { createStayHoldsRepository } from './holds-repository.js';
import { eventPayload, toStayBooking } from './mappers.js';
import type { BookingWithPlace, RoomTypeWithProperty, StaysRepository } from './repository.js';
import type { StayBooking, StayBookingCreate, StayBookingList, StayBookingListQuery } from './schemas.js';

/** What taking a room writes besides the stay, in the same transaction. */
export type After = (tx: Db, booking: StayBooking) => Promise<void>;

/** The booking half of the stays service: taking nights, reading and cancelling stays. */
export function createStayBookings(deps: {
  db: Db;
  repo: StaysRepository;
  notifications: NotificationsService;
  clock: Clock;
  outcomes: ReturnType<Metrics['counter']>;
  requireRoomType: (id: string) => Promise<RoomTypeWithProperty>;
  idempotency: Idempotency;
  audit: AuditLog;
  holdsExpired: (kind: CheckoutKindName, n: number) => void;
}) {
  const { db, repo, notifications, clock, outcomes, requireRoomType, idempotency } = deps;
  const noRemember: Remember = async () => {};
  const holds = createStayHoldsRepository(db);

  function visibleTo(row: BookingWithPlace | undefined, who: Principal): row is BookingWithPlace {
    // Someone else's booking reads as missing: ids must not leak.
    return !!row && (row.user_id === who.userId || who.role === 'admin');
  }

  /**
   * Releases the room type's lapsed holds on any night of [from, to), in `tx`: a lapsed hold never
   * blocks a booking, whatever the job's lag. Returns how many were released.
   */
  async function releaseLapsed(roomTypeId: string, from: string, to: string, tx: Db) {
    const now = clock.now();
    const lapsed = await holds.lapsedOverlapping(roomTypeId, from, to, now, tx);
    if (lapsed.length === 0) return 0;
    const lo = lapsed.reduce((d, h) => (h.check_in < d ? h.check_in : d), from);
    const hi = lapsed.reduce((d, h) => (h.check_out > d ? h.check_out : d), to);
    await holds.lockNights(roomTypeId, lo, hi, tx);
    let released = 0;
    for (const h of lapsed) {
      if (!(await holds.expire(h.id, now, tx))) continue;
      await repo.releaseNights(h.room_type_id, h.check_in, h.check_out, tx);
      released++;
    }
    return released;
  }

  /** One attempt at taking every night; a sold-out night is reported by date. */
  async function reserve(
    userId: string,
    input: StayBookingCreate,
    rt: RoomTypeWithProperty,
    nights: number,
    after: After,
    hold?: Date,
  ) {
    let released = 0;
    try {
      const id = await db.transaction().execute(async (tx) => {
        released = await releaseLapsed(rt.id, input.checkIn, input.checkOut, tx);
        const taken = await repo.reserveNights(rt.id, input.checkIn, input.checkOut, tx);
        if (taken.length < nights) {
          const have = new Set(taken.map((t) => t.night));
          let missing = input.checkIn;
          while (have.has(missing)) missing = addDays(missing, 1);
          throw conflict('not_on_sale', `This room type is not on sale for the night of ${missing}`, {
            night: missing,
          });
        }
        const total = taken.reduce((sum, t) => sum + t.rate, 0);
        const { id } = await repo.insertBooking(
          {
            user_id: userId,
            property_id: rt.property_id,
            room_type_id: rt.id,
            check_in: input.checkIn,
            check_out: input.checkOut,
            guests: input.guests,
            total_amount: total,
            currency: rt.currency.trim(),
            status: hold ? 'pending' : 'confirmed',
            hold_expires_at: hold ?? null,
            amount_due_on_site: hold ? 0 : total,
            free_cancellation_hours: rt.free_cancellation_hours,
            cancellation_fee_bp: rt.cancellation_fee_bp,
          },
          tx,
        );
        const booking = toStayBooking((await repo.findBooking(id, tx))!);
        await after(tx, booking);
        return booking;
      });
      deps.holdsExpired('stay', released);
      return { booking: id };
    } catch (err) {
      if (!isConstraintViolation(err, 'room_inventory_not_overbooked')) throw err;
      return { soldOutNight: await repo.firstFullNight(rt.id, input.checkIn, input.checkOut) };
    }
  }

  /** What a confirmed booking writes in its transaction: the traveller's email and the audit. */
  const confirmed =
    (userId: string, remember: Remember): After =>
    async (tx, booking) => {
      await notifications.emit(tx, {
        type: 'booking.confirmed',
        aggregateId: booking.id,
        recipient: { userId },
        payload: eventPayload(booking),
      });
      await deps.audit.record(tx, {
        action: 'booking.create',
        actorId: userId,
        subject: `stay_booking:${booking.id}`,
        details: {
          roomTypeId: booking.roomTypeId,
          totalAmount: booking.totalAmount,
          currency: booking.currency,
        },
      });
      await remember(tx, { statusCode: 201, body: booking });
    };

  /**
   * Takes one room for every night or none: confirmed, or held until `hold`. The database decides:
   * a full night fails the whole UPDATE, and the reply names the first full night.
   */
  async function take(
    userId: string,
    input: StayBookingCreate,
    after: After,
    hold?: Date,
  ): Promise<StayBooking> {
    const nights = checkStayDates(input.checkIn, input.checkOut);
    const rt = await requireRoomType(input.roomTypeId);
    if (rt.property_status !== 'active')
      throw conflict('property_not_available', 'This property takes no bookings');
    if (input.guests > rt.max_guests)
      throw badRequest('too_many_guests', `This room type sleeps at most ${rt.max_guests}`);
    if (input.checkIn < todayIn(rt.time_zone, clock.now()))
      throw badRequest('check_in_in_past', 'checkIn is in the past where the property is');
    // A night found full may free up before it is reported; one more attempt settles it.
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await reserve(userId, input, rt, nights, after, hold);
      if (result.booking) {
        outcomes.inc({ outcome: 'created' });
        return result.booking;
      }
      if (result.soldOutNight) {
        outcomes.inc({ outcome: 'sold_out' });
        throw conflict('sold_out', `No room of this type is left for the night of ${result.soldOutNight}`, {
          night: result.soldOutNight,
        });
      }
    }
    outcomes.inc({ outcome: 'sold_out' });
    throw conflict('sold_out', 'No room of this type is left for these nights');
  }

  const book = (userId: string, input: StayBookingCreate, remember = noRemember) =>
    take(userId, input, confirmed(userId, remember));

  /** Cancelling gives every night back; cancelling twice returns the cancelled booking. */
  async function cancel(id: string, who: Principal): Promise<StayBooking> {
    const row = await repo.findBooking(id);
    if (!visibleTo(row, who)) throw notFound('stay_booking_not_found', 'Stay booking not found');
    if (row.status !== 'confirmed' && row.status !== 'pending') return toStayBooking(row);
    if (row.status === 'pending' || row.amount_charged > 0) throw cancelThroughCheckout();
    const today = todayIn(row.time_zone, clock.now());
    const cancelled = await db.transaction().execute(async (tx) => {
      const updated = await repo.cancel(id, today, clock.now(), tx);
      if (!updated) return undefined;
      await repo.releaseNights(updated.room_type_id, updated.check_in, updated.check_out, tx);
      const booking = toStayBooking((await repo.findBooking(id, tx))!);
      await deps.audit.record(tx, {
        action: 'booking.cancel',
        actorId: who.userId,
        subject: `stay_booking:${id}`,
      });
      await notifications.emit(tx, {
        type: 'booking.cancelled',
        aggregateId: id,
        recipient: { userId: booking.userId },
        payload: eventPayload(booking),
      });
      return booking;
    });
    if (cancelled) {
      outcomes.inc({ outcome: 'cancelled' });
      return cancelled;
    }
    const current = await repo.findBooking(id);
    if (current?.status === 'cancelled') return toStayBooking(current);
    throw conflict('stay_started', 'A stay cannot be cancelled on or after its check-in date');
  }

  return {
    book,
    take,
    releaseLapsed,

    /** Books once per Idempotency-Key: a repeat with the same body gets the first answer. */
    bookOnce(userId: string, input: StayBookingCreate, key?: string): Promise<Outcome<StayBooking>> {
      return idempotency.run<StayBooking>(
        { userId, key, operation: 'stays.book', request: input },
        async (remember) => ({ statusCode: 201, body: await book(userId, input, remember) }),
      );
    },

    async get(id: string, who: Principal): Promise<StayBooking> {
      const row = await repo.findBooking(id);
      if (!visibleTo(row, who)) throw notFound('stay_booking_not_found', 'Stay booking not found');
      return toStayBooking(row);
    },

    /** For other modules (trips, exports) that decide access themselves. */
    async find(id: string): Promise<StayBooking | undefined> {
      const row = await repo.findBooking(id);
      return row ? toStayBooking(row) : undefined;
    },

    async listOwn(userId: string, q: StayBookingListQuery): Promise<StayBookingList> {
      const page = await newestFirstPage(q, (opts) => repo.listForUser(userId, opts), toStayBooking);
      return { bookings: page.items, nextCursor: page.nextCursor };
    },

    cancel,

    /** Cancels once per Idempotency-Key: a repeat gets the first answer. */
    cancelOnce(id: string, who: Principal, key?: string): Promise<Outcome<StayBooking>> {
      return idempotency.run<StayBooking>(
        { userId: who.userId, key, operation: 'stays.cancel', request: { id } },
        async () => ({ statusCode: 200, body: await cancel(id, who) }),
      );
    },
  };
}
