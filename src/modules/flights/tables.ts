import type { ColumnType, Generated } from 'kysely';
import type { HoldColumns, PolicyColumns } from '../checkout/booking-columns.js';

export const CABINS = ['economy', 'premium_economy', 'business', 'first'] as const;
export type Cabin = (typeof CABINS)[number];
export type SupplierName = 'own-schedule' | 'duffel';

export interface CabinPlan {
  cabin: Cabin;
  seats: number;
  /** Per passenger, in minor units of the route's currency. */
  fare: number;
}

type Json<T> = ColumnType<T, string, string>;

export interface AirportsTable {
  iata: string;
  name: string;
  city: string;
  country: string;
  lat: number;
  lng: number;
  time_zone: string;
}

/** A route's cancellation policy is its own (defaults: free until 24 h before, then 75 %). */
export interface FlightRoutesTable extends PolicyColumns {
  id: Generated<string>;
  origin: string;
  destination: string;
  flight_number: string;
  departure_time: string;
  duration_minutes: number;
  aircraft: ColumnType<string, string | undefined, string>;
  currency: string;
  cabins: Json<CabinPlan[]>;
  created_at: Generated<Date>;
}

export interface ScheduledFlightsTable {
  id: Generated<string>;
  route_id: string;
  departure_at: Date;
  arrival_at: Date;
}

export interface FlightCabinsTable {
  flight_id: string;
  cabin: Cabin;
  capacity: number;
  seats_available: number;
  fare: number;
}

/** A flight booking; `status` and the payment columns are checkout's (see HoldColumns). */
export interface FlightBookingsTable extends HoldColumns {
  id: Generated<string>;
  user_id: string;
  supplier: SupplierName;
  offer_id: string;
  supplier_order_id: string;
  booking_reference: string;
  cabin: Cabin;
  origin: string;
  destination: string;
  departure_at: Date;
  arrival_at: Date;
  segments: Json<unknown>;
  passengers: Json<unknown>;
  seats: number;
  own_flight_id: string | null;
  total_amount: number;
  currency: string;
  created_at: Generated<Date>;
  cancelled_at: Date | null;
}

export interface FlightsTables {
  airports: AirportsTable;
  flight_routes: FlightRoutesTable;
  scheduled_flights: ScheduledFlightsTable;
  flight_cabins: FlightCabinsTable;
  flight_bookings: FlightBookingsTable;
}
