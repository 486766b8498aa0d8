import type { ColumnType, Generated } from 'kysely';

export type BookingStatus = 'confirmed' | 'cancelled';

export interface BookingsTable {
  id: Generated<string>;
  user_id: string;
  car_id: string;
  pickup_time: Date;
  dropoff_time: Date;
  status: ColumnType<BookingStatus, BookingStatus | undefined, BookingStatus>;
  total_amount: number;
  currency: string;
  created_at: Generated<Date>;
  cancelled_at: Date | null;
}

export interface BookingsTables {
  bookings: BookingsTable;
}
