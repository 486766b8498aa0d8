import type { AuditLog } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { addDays, daysBetween, todayIn } from '../../platform/dates.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Idempotency } from '../../platform/http/idempotency.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import { holdsExpiredCounter } from '../checkout/holds.js';
import { policyColumns, toPolicy } from '../checkout/policy.js';
import type { Db } from '../database.js';
import type { NotificationsService } from '../notifications/service.js';
import { createStaysAdminRepository } from './admin-repository.js';
import { createStayBookings } from './bookings.js';
import { createStaysCheckout } from './checkout.js';
import { checkStayDates } from './dates.js';
import { toProperty, toRoomType } from './mappers.js';
import { createStaysRepository } from './repository.js';
import type {
  InventoryUpdate,
  Property,
  PropertyAdminQuery,
  PropertyCreate,
  PropertyDetail,
  RoomType,
  RoomTypeCreate,
  StaySearchQuery,
  StaySearchResponse,
} from './schemas.js';

export const ROLL_INVENTORY_JOB = 'stays.roll-inventory';
export const EXPIRE_HOLDS_JOB = 'stays.expire-holds';
/** How far ahead the daily job keeps rooms on sale. */
export const INVENTORY_HORIZON_DAYS = 180;

declare module '../../platform/jobs.js' {
  interface JobCatalogue {
    'stays.roll-inventory': Record<string, never>;
    'stays.expire-holds': Record<string, never>;
  }
}
/** How far ahead inventory can be put on sale or searched. */
export const MAX_DAYS_AHEAD = 550;

export interface StaysDeps {
  db: Db;
  notifications: NotificationsService;
  clock: Clock;
  metrics: Metrics;
  idempotency: Idempotency;
  audit: AuditLog;
}

export function createStaysService(deps: StaysDeps) {
  const { db, notifications, clock } = deps;
  const repo = createStaysRepository(db);
  const adminRepo = createStaysAdminRepository(db);
  const outcomes = deps.metrics.counter('voyage_stay_bookings_total', 'Stay booking attempts by outcome', [
    'outcome',
  ]);

  async function requireRoomType(id: string) {
    const rt = await repo.findRoomType(id);
    if (!rt) throw notFound('room_type_not_found', 'Room type not found');
    return rt;
  }

  const holdsExpired = holdsExpiredCounter(deps.metrics);
  const bookings = createStayBookings({
    db,
    repo,
    notifications,
    clock,
    outcomes,
    requireRoomType,
    idempotency: deps.idempotency,
    audit: deps.audit,
    holdsExpired,
  });
  const checkout = createStaysCheckout({
    db,
    repo,
    clock,
    notifications,
    audit: deps.audit,
    holdsExpired,
    take: bookings.take,
    releaseLapsed: bookings.releaseLapsed,
  });

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
          ...policyColumns(input.cancellationPolicy),
        }),
      );
    },

    /** For the console: every property with its room types (the catalogue is small). */
    async listProperties(q: PropertyAdminQuery): Promise<PropertyDetail[]> {
      const props = await adminRepo.listProperties(q);
      const types = await adminRepo.roomTypesOfAll(props.map((p) => p.id));
      return props.map((p) => ({
        ...toProperty(p),
        roomTypes: types.filter((rt) => rt.property_id === p.id).map(toRoomType),
      }));
    },

    /**
     * Audited. The database's CHECK keeps rooms on sale ≥ rooms booked; breaking it is 409
     * rooms_below_booked naming the nights (`details.nights`) and what is booked on each.
     */
    async setInventory(roomTypeId: string, input: InventoryUpdate, actorId: string | null = null) {
      const rt = await requireRoomType(roomTypeId);
      if (input.from >= input.to) throw badRequest('invalid_dates', 'from must be before to');
      if (daysBetween(input.from, input.to) > MAX_DAYS_AHEAD)
        throw badRequest('range_too_long', `At most ${MAX_DAYS_AHEAD} nights at a time`);
      const rate = input.rate ?? rt.nightly_rate;
      try {
        return await db.transaction().execute(async (tx) => {
          const nights = await repo.setInventory(rt.id, input.from, input.to, input.rooms, rate, tx);
          await deps.audit.record(tx, {
            action: 'inventory.set',
            actorId,
            subject: `room_type:${rt.id}`,
            details: { from: input.from, to: input.to, rooms: input.rooms, rate },
          });
          return { nights };
        });
      } catch (err) {
        if (!isConstraintViolation(err, 'room_inventory_not_overbooked')) throw err;
        const nights = await adminRepo.nightsBookedAbove(rt.id, input.from, input.to, input.rooms);
        throw conflict(
          'rooms_below_booked',
          `More rooms are already booked than ${input.rooms} on ${nights.map((n) => n.night).join(', ') || 'some of these nights'}`,
          { nights: nights.map((n) => ({ night: n.night, booked: n.booked })) },
        );
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
        now: clock.now(),
        checkIn: q.checkIn,
        checkOut: q.checkOut,
        nights,
        guests: q.guests,
        limit: q.limit,
        ...(q.lat !== undefined &&
          q.lng !== undefined && { near: { lat: q.lat, lng: q.lng, radiusM: q.radiusKm * 1000 } }),
        ...(q.city && { city: q.city }),
        ...(q.stars !== undefined && { minStars: q.stars }),
        ...(q.maxPrice !== undefined && { maxTotal: q.maxPrice }),
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
          cancellationPolicy: toPolicy(r),
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

    ...bookings,

    /** For the minute job: releases every lapsed hold. */
    expireHolds: () => checkout.expireHolds(clock.now()),

    /** What checkout holds, confirms and refunds a stay through. */
    checkout,
  };
}

export type StaysService = ReturnType<typeof createStaysService>;
