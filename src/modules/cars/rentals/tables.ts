import type { Generated } from 'kysely';
import type { HoldColumns } from '../../checkout/booking-columns.js';
import type { CheckoutStatus } from '../../checkout/kind.js';

export type BookingStatus = CheckoutStatus;

/** A rental; `status` and the payment columns are checkout's (see HoldColumns). */
export interface BookingsTable extends HoldColumns {
  id: Generated<string>;
  user_id: string;
  car_id: string;
  pickup_time: Date;
  dropoff_time: Date;
  total_amount: number;
  currency: string;
  created_at: Generated<Date>;
  cancelled_at: Date | null;
}

export interface BookingsTables {
  bookings: BookingsTable;
}
