import { z } from 'zod';
import { cursorParam, isoDateTime, limit } from '../../../platform/http/schemas.js';
import { BOOKING_STATUSES } from '../../checkout/booking-columns.js';
import { CancellationPolicySchema } from '../../checkout/policy.js';

export const BookingCreate = z.object({
  carId: z.uuid(),
  pickupTime: isoDateTime,
  dropoffTime: isoDateTime,
});
export type BookingCreate = z.infer<typeof BookingCreate>;

export const Booking = z.object({
  id: z.uuid(),
  carId: z.uuid(),
  userId: z.uuid(),
  pickupTime: z.string(),
  dropoffTime: z.string(),
  status: z.enum(BOOKING_STATUSES),
  /** When a pending hold lapses; null otherwise. */
  holdExpiresAt: z.string().nullable(),
  /** The policy this booking was taken under. */
  cancellationPolicy: CancellationPolicySchema,
  days: z.number().int(),
  totalAmount: z.number().int(),
  currency: z.string(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
});
export type Booking = z.infer<typeof Booking>;

export const BookingList = z.object({ bookings: z.array(Booking), nextCursor: z.string().nullable() });
export type BookingList = z.infer<typeof BookingList>;

export const BookingListQuery = z.object({ limit: limit(20, 100), cursor: cursorParam });
export type BookingListQuery = z.infer<typeof BookingListQuery>;
