import { z } from 'zod';
import { currency, latitude, longitude, timeZone } from '../../../platform/http/schemas.js';
import { CancellationPolicyInput, CancellationPolicySchema } from '../../checkout/policy.js';
import { CAR_CLASSES, CAR_STATUSES, TRANSMISSIONS } from './tables.js';

export const LocationCreate = z.object({
  name: z.string().trim().min(1).max(120),
  city: z.string().trim().min(1).max(120),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR'),
  lat: latitude,
  lng: longitude,
  timeZone,
});
export type LocationCreate = z.infer<typeof LocationCreate>;

export const Location = z.object({
  id: z.uuid(),
  name: z.string(),
  city: z.string(),
  country: z.string(),
  lat: z.number(),
  lng: z.number(),
  timeZone: z.string(),
});
export type Location = z.infer<typeof Location>;

const carFields = {
  locationId: z.uuid(),
  make: z.string().trim().min(1).max(60),
  model: z.string().trim().min(1).max(60),
  class: z.enum(CAR_CLASSES),
  seats: z.number().int().min(1).max(15),
  transmission: z.enum(TRANSMISSIONS),
  dailyRate: z.number().int('must be an integer amount in minor units').min(1).max(100_000_000),
  currency,
  lat: latitude,
  lng: longitude,
  status: z.enum(CAR_STATUSES),
  cancellationPolicy: CancellationPolicyInput,
};

export const CarCreate = z
  .object({
    ...carFields,
    lat: carFields.lat.optional(),
    lng: carFields.lng.optional(),
    status: carFields.status.default('active'),
    cancellationPolicy: carFields.cancellationPolicy.optional(),
  })
  .refine((c) => (c.lat === undefined) === (c.lng === undefined), {
    message: 'lat and lng go together',
    path: ['lat'],
  });
export type CarCreate = z.infer<typeof CarCreate>;

export const CarUpdate = z
  .object(carFields)
  .partial()
  .refine((c) => Object.keys(c).length > 0, 'nothing to update')
  .refine((c) => (c.lat === undefined) === (c.lng === undefined), {
    message: 'lat and lng go together',
    path: ['lat'],
  });
export type CarUpdate = z.infer<typeof CarUpdate>;

export const Car = z.object({
  id: z.uuid(),
  locationId: z.uuid(),
  make: z.string(),
  model: z.string(),
  class: z.enum(CAR_CLASSES),
  seats: z.number(),
  transmission: z.enum(TRANSMISSIONS),
  dailyRate: z.number(),
  currency: z.string(),
  lat: z.number(),
  lng: z.number(),
  status: z.enum(CAR_STATUSES),
  cancellationPolicy: CancellationPolicySchema,
});
export type Car = z.infer<typeof Car>;

export const IdParams = z.object({ id: z.uuid() });

export const CarListQuery = z
  .object({
    locationId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();
export type CarListQuery = z.infer<typeof CarListQuery>;

/** A confirmed rental that still needs the car: under way (picked up) or to come. */
export const AffectedBooking = z.object({
  id: z.uuid(),
  reference: z.string(),
  userId: z.uuid(),
  pickupTime: z.string(),
  dropoffTime: z.string(),
  /** Picked up and not yet returned: the car cannot be retired until it is back. */
  underWay: z.boolean(),
  totalAmount: z.number().int(),
  currency: z.string(),
});
export type AffectedBooking = z.infer<typeof AffectedBooking>;

export const CarRetire = z
  .object({
    /**
     * The bookings the operator agreed to cancel: exactly the car's bookings to come, as
     * GET /cars/:id/upcoming-bookings listed them; if they changed meanwhile, nothing is done.
     */
    cancelBookings: z.array(z.uuid()).max(1000).default([]),
  })
  .strict();
export type CarRetire = z.infer<typeof CarRetire>;

export const CarRetirement = z.object({ car: Car, cancelled: z.array(AffectedBooking) });
export type CarRetirement = z.infer<typeof CarRetirement>;
