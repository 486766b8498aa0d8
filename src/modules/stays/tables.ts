import type { ColumnType, Generated } from 'kysely';
import type { HoldColumns, PolicyColumns } from '../checkout/booking-columns.js';
import type { CheckoutStatus } from '../checkout/kind.js';

export type StayBookingStatus = CheckoutStatus;

export interface PropertiesTable {
  id: Generated<string>;
  name: string;
  city: string;
  country: string;
  address: ColumnType<string, string | undefined, string>;
  lat: number;
  lng: number;
  /** Maintained by a trigger from lat/lng. */
  position: ColumnType<string, never, never>;
  stars: number;
  amenities: ColumnType<string[], string[] | undefined, string[]>;
  check_in_time: ColumnType<string, string | undefined, string>;
  check_out_time: ColumnType<string, string | undefined, string>;
  time_zone: string;
  currency: string;
  status: ColumnType<'active' | 'inactive', 'active' | 'inactive' | undefined, 'active' | 'inactive'>;
  created_at: Generated<Date>;
}

/** A room type's cancellation policy is its own (defaults: free until 48 h before, then 50 %). */
export interface RoomTypesTable extends PolicyColumns {
  id: Generated<string>;
  property_id: string;
  name: string;
  max_guests: number;
  nightly_rate: number;
  created_at: Generated<Date>;
}

export interface RoomInventoryTable {
  room_type_id: string;
  night: string;
  capacity: number;
  booked: ColumnType<number, number | undefined, number>;
  rate: number;
}

/** A stay; `status` and the payment columns are checkout's (see HoldColumns). */
export interface StayBookingsTable extends HoldColumns {
  id: Generated<string>;
  user_id: string;
  property_id: string;
  room_type_id: string;
  check_in: string;
  check_out: string;
  guests: number;
  total_amount: number;
  currency: string;
  created_at: Generated<Date>;
  cancelled_at: Date | null;
}

export interface StaysTables {
  properties: PropertiesTable;
  room_types: RoomTypesTable;
  room_inventory: RoomInventoryTable;
  stay_bookings: StayBookingsTable;
}
