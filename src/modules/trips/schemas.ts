import { z } from 'zod';
import { isoDate, isoDateTime, timeZone } from '../../platform/http/schemas.js';
import { ITEM_KINDS, TRIP_STATUSES } from './tables.js';

export const TripCreate = z.object({
  name: z.string().trim().min(1).max(120),
  /** A city; the catalogue's cities come with their time zone and centre. */
  destination: z.string().trim().min(1).max(120),
  /** Needed when the destination is not in the catalogue. */
  timeZone: timeZone.optional(),
  startDate: isoDate,
  endDate: isoDate,
  travellers: z.number().int().min(1).max(20).default(1),
});
export type TripCreate = z.infer<typeof TripCreate>;

export const TripUpdate = z
  .object({
    name: z.string().trim().min(1).max(120),
    startDate: isoDate,
    endDate: isoDate,
    travellers: z.number().int().min(1).max(20),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type TripUpdate = z.infer<typeof TripUpdate>;

export const TripRole = z.enum(['owner', 'editor', 'viewer', 'admin']);
export type TripRole = z.infer<typeof TripRole>;

export const Trip = z.object({
  id: z.uuid(),
  ownerId: z.uuid(),
  name: z.string(),
  destination: z.string(),
  destinationLat: z.number().nullable(),
  destinationLng: z.number().nullable(),
  timeZone: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  days: z.number().int(),
  travellers: z.number().int(),
  status: z.enum(TRIP_STATUSES),
  /** What the caller may do with this trip. */
  role: TripRole,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Trip = z.infer<typeof Trip>;

export const TripList = z.object({ trips: z.array(Trip) });

export const StatusChange = z
  .object({
    status: z.enum(TRIP_STATUSES),
    /** With status cancelled: also cancel the trip's bookings (each through its own service). */
    cancelBookings: z.boolean().default(false),
  })
  .refine((v) => !v.cancelBookings || v.status === 'cancelled', {
    message: 'cancelBookings goes with status cancelled',
    path: ['cancelBookings'],
  });
export type StatusChange = z.infer<typeof StatusChange>;

/** What became of one of a cancelled trip's bookings. */
export const BookingOutcome = z.object({
  itemId: z.uuid(),
  kind: z.enum(['car_booking', 'stay_booking', 'flight_booking']),
  bookingId: z.uuid(),
  reference: z.string().nullable(),
  /**
   * kept: left confirmed (cancelBookings was not asked); cancelled: cancelled now; already_cancelled;
   * not_cancelled: its service refused (code says why, e.g. booking_started, booking_not_found).
   */
  outcome: z.enum(['kept', 'cancelled', 'already_cancelled', 'not_cancelled']),
  code: z.string().nullable(),
});
export type BookingOutcome = z.infer<typeof BookingOutcome>;

/** A trip after a status change; a cancelled trip also lists its bookings and what became of each. */
export const StatusResult = Trip.extend({ bookings: z.array(BookingOutcome).optional() });
export type StatusResult = z.infer<typeof StatusResult>;

export const ItemCreate = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('car_booking'), bookingId: z.uuid() }),
  z.object({ kind: z.literal('stay_booking'), bookingId: z.uuid() }),
  z.object({ kind: z.literal('flight_booking'), bookingId: z.uuid() }),
  z.object({
    kind: z.literal('activity'),
    poiId: z.uuid(),
    startsAt: isoDateTime,
    endsAt: isoDateTime.optional(),
    title: z.string().trim().min(1).max(160).optional(),
  }),
  z.object({
    kind: z.literal('note'),
    title: z.string().trim().min(1).max(160),
    body: z.string().trim().min(1).max(5000),
    startsAt: isoDateTime.optional(),
  }),
]);
export type ItemCreate = z.infer<typeof ItemCreate>;

export const TripItem = z.object({
  id: z.uuid(),
  kind: z.enum(ITEM_KINDS),
  title: z.string(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  /** Where the item happens, for showing its times. */
  timeZone: z.string(),
  /** Where it ends, when that is elsewhere (a flight's arrival airport); null otherwise. */
  endTimeZone: z.string().nullable(),
  location: z.object({ name: z.string(), lat: z.number().nullable(), lng: z.number().nullable() }).nullable(),
  /** For bookings: pending (held while it is paid for), confirmed or cancelled. */
  status: z.enum(['pending', 'confirmed', 'cancelled']).nullable(),
  reference: z.string().nullable(),
  /** The booking or point of interest the item is about. */
  refId: z.uuid().nullable(),
  body: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
});
export type TripItem = z.infer<typeof TripItem>;

export const TripItemList = z.object({ items: z.array(TripItem) });

export const CollaboratorCreate = z.object({
  email: z.email().transform((e) => e.trim().toLowerCase()),
  role: z.enum(['viewer', 'editor']),
});
export type CollaboratorCreate = z.infer<typeof CollaboratorCreate>;

export const Collaborator = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(['viewer', 'editor']),
  invitedBy: z.uuid().nullable(),
  createdAt: z.string(),
});
export type Collaborator = z.infer<typeof Collaborator>;

export const TripParams = z.object({ id: z.uuid() });
export const TripItemParams = z.object({ id: z.uuid(), itemId: z.uuid() });
export const CollaboratorParams = z.object({ id: z.uuid(), collaboratorId: z.uuid() });
