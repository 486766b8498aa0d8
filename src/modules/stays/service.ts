import type { Clock } from '../../platform/clock.js';
import { addDays, daysBetween, todayIn } from '../../platform/dates.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import type { Principal } from '../../platform/http/auth.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { newestFirstPage } from '../../platform/http/schemas.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { Db } from '../database.js';
import type { NotificationsService } from '../notifications/service.js';
import { eventPayload, toProperty, toRoomType, toStayBooking } from './mappers.js';
import { type BookingWithPlace, createStaysRepository } from './repository.js';
import type {
  InventoryUpdate,
  Property,
  PropertyCreate,
  PropertyDetail,
  RoomType,
  RoomTypeCreate,
  StayBooking,
  StayBookingCreate,
  StayBookingList,
  StayBookingListQuery,
  StaySearchQuery,
  StaySearchResponse,
} from './schemas.js';

export const MAX_NIGHTS = 30;
export const ROLL_INVENTORY_JOB = 'stays.roll-inventory';
/** How far ahead the daily job keeps rooms on sale. */
export const INVENTORY_HORIZON_DAYS = 180;

declare module '../../platform/jobs.js' {
  interface JobCatalogue {
    'stays.roll-inventory': Record<string, never>;
  }
}
/** How far ahead inventory can be put on sale or searched. */
export const MAX_DAYS_AHEAD = 550;

function checkStayDates(checkIn: string, checkOut: string) {
  if (checkIn >= checkOut) throw badRequest('invalid_dates', 'checkIn must be before checkOut');
  const nights = daysBetween(checkIn, checkOut);
  if (nights > MAX_NIGHTS) throw badRequest('stay_too_long', `A stay lasts at most ${MAX_NIGHTS} nights`);
  return nights;
}

export interface StaysDeps {
  db: Db;
  notifications: NotificationsService;
  clock: Clock;
  metrics: Metrics;
}

export function createStaysService(deps: StaysDeps) {
  const { db, notifications, clock } = deps;
  const repo = createStaysRepository(db);
  const outcomes = deps.metrics.counter('voyage_stay_bookings_total', 'Stay booking attempts by outcome', [
    'outcome',
  ]);

  function visibleTo(row: BookingWithPlace | undefined, who: Principal): row is BookingWithPlace {
    // Someone else's booking reads as missing: ids must not leak.
    return !!row && (row.user_id === who.userId || who.role === 'admin');
  }

  async function requireRoomType(id: string) {
    const rt = await repo.findRoomType(id);
    if (!rt) throw notFound('room_type_not_found', 'Room type not found');
    return rt;
  }

  /** One attempt at taking every night; a sold-out night is reported by date. */
  async function reserve(
    userId: string,
    input: StayBookingCreate,
    rt: NonNullable<Awaited<ReturnType<typeof requireRoomType>>>,
    nights: number,
  ) {
    try {
      const id = await db.transaction().execute(async (tx) => {
        const taken = await repo.reserveNights(rt.id, input.checkIn, input.checkOut, tx);
        if (taken.length < nights) {
          const have = new Set(taken.map((t) => t.night));
          let missing = input.checkIn;
          while (have.has(missing)) missing = addDays(missing, 1);
          throw conflict('not_on_sale', `This room type is not on sale for the night of ${missing}`, {
            night: missing,
          });
        }
        const { id } = await repo.insertBooking(
          {
            user_id: userId,
            property_id: rt.property_id,
            room_type_id: rt.id,
            check_in: input.checkIn,
            check_out: input.checkOut,
            guests: input.guests,
            total_amount: taken.reduce((sum, t) => sum + t.rate, 0),
            currency: rt.currency.trim(),
          },
          tx,
        );
        const booking = toStayBooking((await repo.findBooking(id, tx))!);
        await notifications.emit(tx, {
          type: 'booking.confirmed',
          aggregateId: id,
          recipient: { userId },
          payload: eventPayload(booking),
        });
        return booking;
      });
      return { booking: id };
    } catch (err) {
      if (!isConstraintViolation(err, 'room_inventory_not_overbooked')) throw err;
      return { soldOutNight: await repo.firstFullNight(rt.id, input.checkIn, input.checkOut) };
    }
  }

  return {
    async createProperty(input: PropertyCreate): Promise<Property> {
      return toProperty(
        await repo.insertProperty({
          name: input.name,
          city: input.city,
          country: input.country,
          address: input.address,
          lat: input.lat,
          lng: input.lng,
          stars: input.stars,
          amenities: input.amenities,
          check_in_time: input.checkInTime,
          check_out_time: input.checkOutTime,
          time_zone: input.timeZone,
          currency: input.currency,
        }),
      );
    },

    async getProperty(id: string): Promise<PropertyDetail> {
      const p = await repo.findProperty(id);
      if (!p) throw notFound('property_not_found', 'Property not found');
      return { ...toProperty(p), roomTypes: (await repo.roomTypesOf(id)).map(toRoomType) };
    },

    async createRoomType(propertyId: string, input: RoomTypeCreate): Promise<RoomType> {
      const p = await repo.findProperty(propertyId);
      if (!p) throw notFound('property_not_found', 'Property not found');
      return toRoomType(
        await repo.insertRoomType({
          property_id: propertyId,
          name: input.name,
          max_guests: input.maxGuests,
          nightly_rate: input.nightlyRate,
        }),
      );
    },

    async setInventory(roomTypeId: string, input: InventoryUpdate) {
      const rt = await requireRoomType(roomTypeId);
      if (input.from >= input.to) throw badRequest('invalid_dates', 'from must be before to');
      if (daysBetween(input.from, input.to) > MAX_DAYS_AHEAD)
        throw badRequest('range_too_long', `At most ${MAX_DAYS_AHEAD} nights at a time`);
      try {
        const nights = await repo.setInventory(
          rt.id,
          input.from,
          input.to,
          input.rooms,
          input.rate ?? rt.nightly_rate,
        );
        return { nights };
      } catch (err) {
        if (isConstraintViolation(err, 'room_inventory_not_overbooked'))
          throw conflict('rooms_below_booked', 'More rooms are already booked on some of these nights');
        throw err;
      }
    },

    /** Nights added so that every room type stays on sale `days` ahead. */
    async rollInventory(days = INVENTORY_HORIZON_DAYS): Promise<number> {
      const today = todayIn('UTC', clock.now());
      return repo.rollInventory(today, addDays(today, days));
    },

    async inventory(roomTypeId: string, from: string, to: string) {
      await requireRoomType(roomTypeId);
      if (from >= to) throw badRequest('invalid_dates', 'from must be before to');
      if (daysBetween(from, to) > MAX_DAYS_AHEAD) throw badRequest('range_too_long', 'Range is too long');
      const rows = await repo.inventory(roomTypeId, from, to);
      return rows.map((r) => ({ night: r.night, rooms: r.capacity, booked: r.booked, rate: r.rate }));
    },

    async search(q: StaySearchQuery): Promise<StaySearchResponse> {
      const nights = checkStayDates(q.checkIn, q.checkOut);
      const rows = await repo.available({
        checkIn: q.checkIn,
        checkOut: q.checkOut,
        nights,
        guests: q.guests,
        limit: q.limit,
        ...(q.lat !== undefined &&
          q.lng !== undefined && { near: { lat: q.lat, lng: q.lng, radiusM: q.radiusKm * 1000 } }),
        ...(q.city && { city: q.city }),
      });
      const byProperty = new Map<string, StaySearchResponse['properties'][number]>();
      for (const r of rows) {
        let p = byProperty.get(r.id);
        if (!p) {
          p = {
            ...toProperty(r),
            distanceKm: r.distance_m === null ? null : Math.round(r.distance_m) / 1000,
            fromTotal: Number(r.total),
            roomTypes: [],
          };
          byProperty.set(r.id, p);
        }
        p.roomTypes.push({
          id: r.room_type_id,
          propertyId: r.id,
          name: r.room_type_name,
          maxGuests: r.max_guests,
          nightlyRate: r.nightly_rate,
          roomsLeft: r.rooms_left,
          total: Number(r.total),
        });
        p.fromTotal = Math.min(p.fromTotal, Number(r.total));
      }
      return {
        checkIn: q.checkIn,
        checkOut: q.checkOut,
        nights,
        guests: q.guests,
        properties: [...byProperty.values()],
      };
    },

    /**
     * Books one room for every night or none. The database decides: a full night fails the whole
     * UPDATE, and the reply names the first full night.
     */
    async book(userId: string, input: StayBookingCreate): Promise<StayBooking> {
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
        const result = await reserve(userId, input, rt, nights);
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

    /** Cancelling gives every night back; cancelling twice returns the cancelled booking. */
    async cancel(id: string, who: Principal): Promise<StayBooking> {
      const row = await repo.findBooking(id);
      if (!visibleTo(row, who)) throw notFound('stay_booking_not_found', 'Stay booking not found');
      if (row.status === 'cancelled') return toStayBooking(row);
      const today = todayIn(row.time_zone, clock.now());
      const cancelled = await db.transaction().execute(async (tx) => {
        const updated = await repo.cancel(id, today, clock.now(), tx);
        if (!updated) return undefined;
        await repo.releaseNights(updated.room_type_id, updated.check_in, updated.check_out, tx);
        const booking = toStayBooking((await repo.findBooking(id, tx))!);
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
    },
  };
}

export type StaysService = ReturnType<typeof createStaysService>;
