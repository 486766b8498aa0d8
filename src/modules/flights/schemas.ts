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
import { CABINS } from './tables.js';

const iata = z
  .string()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter IATA airport code such as CDG'));

export const Airport = z.object({
  iata: z.string(),
  name: z.string(),
  city: z.string(),
  country: z.string(),
  lat: z.number(),
  lng: z.number(),
  timeZone: z.string(),
});
export type Airport = z.infer<typeof Airport>;

export const AirportCreate = z.object({
  iata,
  name: z.string().trim().min(1).max(120),
  city: z.string().trim().min(1).max(120),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
  lat: latitude,
  lng: longitude,
  timeZone,
});
export type AirportCreate = z.infer<typeof AirportCreate>;

export const CabinPlan = z.object({
  cabin: z.enum(CABINS),
  seats: z.number().int().min(0).max(900),
  fare: z.number().int().min(1).max(100_000_000),
});

export const RouteCreate = z.object({
  origin: iata,
  destination: iata,
  flightNumber: z.string().regex(/^[A-Z0-9]{2}[0-9]{1,4}$/, 'must look like VY120'),
  departureTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time like 08:30'),
  durationMinutes: z.number().int().min(20).max(1440),
  aircraft: z.string().trim().max(60).default(''),
  currency,
  cabins: z.array(CabinPlan).min(1).max(4),
  /** Daily flights are scheduled this many days ahead. */
  scheduleDays: z.number().int().min(1).max(365).default(60),
  /** Without one, the flights default (free until 24 h before, then 75 %). */
  cancellationPolicy: CancellationPolicyInput.optional(),
});
export type RouteCreate = z.infer<typeof RouteCreate>;

export const Route = z.object({
  id: z.uuid(),
  origin: z.string(),
  destination: z.string(),
  flightNumber: z.string(),
  departureTime: z.string(),
  durationMinutes: z.number().int(),
  aircraft: z.string(),
  currency: z.string(),
  cabins: z.array(CabinPlan),
  scheduledFlights: z.number().int(),
});
export type Route = z.infer<typeof Route>;

export const Segment = z.object({
  origin: z.string(),
  destination: z.string(),
  originName: z.string(),
  destinationName: z.string(),
  /** Instants; the time zones say how to show them. */
  departureAt: z.string(),
  arrivalAt: z.string(),
  departureTimeZone: z.string(),
  arrivalTimeZone: z.string(),
  carrier: z.string(),
  flightNumber: z.string(),
  aircraft: z.string(),
  durationMinutes: z.number().int(),
});
export type Segment = z.infer<typeof Segment>;

export const Offer = z.object({
  id: z.string(),
  supplier: z.enum(['own-schedule', 'duffel']),
  totalAmount: z.number().int(),
  currency: z.string(),
  cabin: z.enum(CABINS),
  passengers: z.number().int(),
  expiresAt: z.string(),
  segments: z.array(Segment),
  /**
   * Voyage's policy for own-schedule flights (set per route). Null for a supplier's offer: its
   * fare rules are the airline's, and it cannot be held or refunded through checkout.
   */
  cancellationPolicy: CancellationPolicySchema.nullable(),
});
export type Offer = z.infer<typeof Offer>;

export const SupplierWarning = z.object({
  supplier: z.string(),
  code: z.enum(['timeout', 'unavailable', 'circuit_open', 'rate_limited', 'rejected']),
  message: z.string(),
});
export type SupplierWarning = z.infer<typeof SupplierWarning>;

export const FlightSearchQuery = z
  .object({
    from: iata,
    to: iata,
    date: isoDate,
    passengers: z.coerce.number().int().min(1).max(9).default(1),
    cabin: z.enum(CABINS).default('economy'),
  })
  .strict();
export type FlightSearchQuery = z.infer<typeof FlightSearchQuery>;

export const FlightSearchResponse = z.object({
  offers: z.array(Offer),
  /** Suppliers that did not answer in time or failed; the offers are from the others. */
  warnings: z.array(SupplierWarning),
});
export type FlightSearchResponse = z.infer<typeof FlightSearchResponse>;

export const Passenger = z.object({
  givenName: z.string().trim().min(1).max(60),
  familyName: z.string().trim().min(1).max(60),
  bornOn: isoDate,
  title: z.enum(['mr', 'ms', 'mrs', 'miss', 'dr']),
  gender: z.enum(['m', 'f']),
  email: z.email().optional(),
  phoneNumber: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +442080160509')
    .optional(),
});
export type Passenger = z.infer<typeof Passenger>;

export const FlightBookingCreate = z.object({
  offerId: z.string().min(3).max(100),
  passengers: z.array(Passenger).min(1).max(9),
});
export type FlightBookingCreate = z.infer<typeof FlightBookingCreate>;

export const FlightBooking = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  supplier: z.enum(['own-schedule', 'duffel']),
  bookingReference: z.string(),
  status: z.enum(BOOKING_STATUSES),
  /** When a pending hold lapses; null otherwise. */
  holdExpiresAt: z.string().nullable(),
  /** The policy this flight was booked under (Voyage's; a supplier's own fare rules may differ). */
  cancellationPolicy: CancellationPolicySchema,
  cabin: z.enum(CABINS),
  origin: z.string(),
  destination: z.string(),
  departureAt: z.string(),
  arrivalAt: z.string(),
  segments: z.array(Segment),
  passengers: z.array(z.object({ givenName: z.string(), familyName: z.string() })),
  totalAmount: z.number().int(),
  currency: z.string(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
});
export type FlightBooking = z.infer<typeof FlightBooking>;

export const FlightBookingList = z.object({
  bookings: z.array(FlightBooking),
  nextCursor: z.string().nullable(),
});
export type FlightBookingList = z.infer<typeof FlightBookingList>;
export const FlightBookingListQuery = z.object({ limit: limit(20, 100), cursor: cursorParam });
export type FlightBookingListQuery = z.infer<typeof FlightBookingListQuery>;

export const OfferParams = z.object({ id: z.string().min(3).max(100) });
export const IataParams = z.object({ iata });

export const SupplierStatus = z.object({
  name: z.string(),
  requiredForReadiness: z.boolean(),
  circuit: z.enum(['closed', 'open', 'half_open']),
});

export const ScheduleRoute = Route.extend({
  originCity: z.string(),
  destinationCity: z.string(),
  /** The origin's IANA zone: `departureTime` is local there. */
  originTimeZone: z.string(),
  destinationTimeZone: z.string(),
});
export type ScheduleRoute = z.infer<typeof ScheduleRoute>;

export const DeparturesQuery = z
  .object({
    /** First local date at the origin; today there when omitted. */
    from: isoDate.optional(),
    days: z.coerce.number().int().min(1).max(31).default(7),
  })
  .strict();
export type DeparturesQuery = z.infer<typeof DeparturesQuery>;

export const Departure = z.object({
  id: z.uuid(),
  departureAt: z.string(),
  arrivalAt: z.string(),
  cabins: z.array(
    z.object({
      cabin: z.enum(CABINS),
      seats: z.number().int(),
      sold: z.number().int(),
      left: z.number().int(),
      fare: z.number().int(),
    }),
  ),
});
export type Departure = z.infer<typeof Departure>;

export const RouteDepartures = z.object({ route: ScheduleRoute, departures: z.array(Departure) });
export type RouteDepartures = z.infer<typeof RouteDepartures>;
