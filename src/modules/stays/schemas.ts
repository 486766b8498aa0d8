import { z } from 'zod';
import {
  currency,
  cursorParam,
  isoDate,
  latitude,
  limit,
  longitude,
  timeZone,
} from '../../platform/http/schemas.js';
import { BOOKING_STATUSES } from '../checkout/booking-columns.js';
import { CancellationPolicyInput, CancellationPolicySchema } from '../checkout/policy.js';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 15:00');

export const PropertyCreate = z.object({
  name: z.string().trim().min(1).max(160),
  city: z.string().trim().min(1).max(120),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR'),
  address: z.string().trim().max(300).default(''),
  lat: latitude,
  lng: longitude,
  stars: z.number().int().min(1).max(5),
  amenities: z.array(z.string().trim().min(1).max(60)).max(40).default([]),
  checkInTime: clock.default('15:00'),
  checkOutTime: clock.default('11:00'),
  timeZone,
  currency,
});
export type PropertyCreate = z.infer<typeof PropertyCreate>;

export const RoomTypeCreate = z.object({
  name: z.string().trim().min(1).max(120),
  maxGuests: z.number().int().min(1).max(20),
  nightlyRate: z.number().int('must be an integer amount in minor units').min(1).max(100_000_000),
  /** Without one, the stays default (free until 48 h before, then half). */
  cancellationPolicy: CancellationPolicyInput.optional(),
});
export type RoomTypeCreate = z.infer<typeof RoomTypeCreate>;

export const InventoryUpdate = z.object({
  from: isoDate,
  to: isoDate,
  /** Rooms of this type on sale each night. */
  rooms: z.number().int().min(0).max(10_000),
  /** Nightly rate for these nights; the room type's rate when omitted. */
  rate: z.number().int().min(1).max(100_000_000).optional(),
});
export type InventoryUpdate = z.infer<typeof InventoryUpdate>;

export const InventoryQuery = z.object({ from: isoDate, to: isoDate });

export const PropertyAdminQuery = z
  .object({
    city: z.string().trim().min(1).max(120).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();
export type PropertyAdminQuery = z.infer<typeof PropertyAdminQuery>;

export const InventoryNight = z.object({
  night: z.string(),
  rooms: z.number().int(),
  booked: z.number().int(),
  rate: z.number().int(),
});

export const RoomType = z.object({
  id: z.uuid(),
  propertyId: z.uuid(),
  name: z.string(),
  maxGuests: z.number().int(),
  nightlyRate: z.number().int(),
  cancellationPolicy: CancellationPolicySchema,
});
export type RoomType = z.infer<typeof RoomType>;

export const Property = z.object({
  id: z.uuid(),
  name: z.string(),
  city: z.string(),
  country: z.string(),
  address: z.string(),
  lat: z.number(),
  lng: z.number(),
  stars: z.number().int(),
  amenities: z.array(z.string()),
  checkInTime: z.string(),
  checkOutTime: z.string(),
  timeZone: z.string(),
  currency: z.string(),
});
export type Property = z.infer<typeof Property>;

export const PropertyDetail = Property.extend({ roomTypes: z.array(RoomType) });
export type PropertyDetail = z.infer<typeof PropertyDetail>;

export const StaySearchQuery = z
  .object({
    lat: latitude.optional(),
    lng: longitude.optional(),
    city: z.string().trim().min(1).max(120).optional(),
    radiusKm: z.coerce.number().gt(0).max(100).default(15),
    checkIn: isoDate,
    checkOut: isoDate,
    guests: z.coerce.number().int().min(1).max(20).default(1),
    /** At least this many stars. */
    stars: z.coerce.number().int().min(1).max(5).optional(),
    /** At most this total for the whole stay, in the property's currency's minor units. */
    maxPrice: z.coerce.number().int().min(1).optional(),
    limit: limit(20, 100),
  })
  .strict()
  .refine((q) => (q.lat === undefined) === (q.lng === undefined), {
    message: 'lat and lng go together',
    path: ['lng'],
  })
  .refine((q) => q.lat !== undefined || q.city !== undefined, {
    message: 'give lat and lng, or a city',
    path: ['city'],
  });
export type StaySearchQuery = z.infer<typeof StaySearchQuery>;

export const StayOffer = Property.extend({
  distanceKm: z.number().nullable(),
  /** The cheapest total for the stay among the room types free on every night. */
  fromTotal: z.number().int(),
  roomTypes: z.array(
    RoomType.extend({
      /** Rooms free on the busiest night of the stay. */
      roomsLeft: z.number().int(),
      total: z.number().int(),
    }),
  ),
});

export const StaySearchResponse = z.object({
  checkIn: z.string(),
  checkOut: z.string(),
  nights: z.number().int(),
  guests: z.number().int(),
  properties: z.array(StayOffer),
});
export type StaySearchResponse = z.infer<typeof StaySearchResponse>;

export const StayBookingCreate = z.object({
  roomTypeId: z.uuid(),
  checkIn: isoDate,
  checkOut: isoDate,
  guests: z.number().int().min(1).max(20),
});
export type StayBookingCreate = z.infer<typeof StayBookingCreate>;

export const StayBooking = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  roomTypeId: z.uuid(),
  roomTypeName: z.string(),
  property: z.object({
    id: z.uuid(),
    name: z.string(),
    city: z.string(),
    address: z.string(),
    lat: z.number(),
    lng: z.number(),
    timeZone: z.string(),
  }),
  checkIn: z.string(),
  checkOut: z.string(),
  /** Check-in and check-out as instants, from the property's times and time zone. */
  checkInAt: z.string(),
  checkOutAt: z.string(),
  nights: z.number().int(),
  guests: z.number().int(),
  status: z.enum(BOOKING_STATUSES),
  /** When a pending hold lapses; null otherwise. */
  holdExpiresAt: z.string().nullable(),
  /** The policy this stay was booked under. */
  cancellationPolicy: CancellationPolicySchema,
  totalAmount: z.number().int(),
  currency: z.string(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
});
export type StayBooking = z.infer<typeof StayBooking>;

export const StayBookingList = z.object({
  bookings: z.array(StayBooking),
  nextCursor: z.string().nullable(),
});
export type StayBookingList = z.infer<typeof StayBookingList>;
export const StayBookingListQuery = z.object({ limit: limit(20, 100), cursor: cursorParam });
export type StayBookingListQuery = z.infer<typeof StayBookingListQuery>;
