import type { ColumnType, Generated, Selectable } from 'kysely';
import type { PolicyColumns } from '../../checkout/booking-columns.js';

export const CAR_CLASSES = [
  'economy',
  'compact',
  'midsize',
  'fullsize',
  'suv',
  'premium',
  'luxury',
  'van',
] as const;
export const TRANSMISSIONS = ['automatic', 'manual'] as const;
export const CAR_STATUSES = ['active', 'maintenance', 'retired'] as const;

export type CarClass = (typeof CAR_CLASSES)[number];
export type Transmission = (typeof TRANSMISSIONS)[number];
export type CarStatus = (typeof CAR_STATUSES)[number];

export interface LocationsTable {
  id: Generated<string>;
  name: string;
  city: string;
  country: string;
  lat: number;
  lng: number;
  time_zone: string;
  created_at: Generated<Date>;
}

/** A car's cancellation policy is its own (defaults: free until 24 h before pickup, then 20 %). */
export interface CarsTable extends PolicyColumns {
  id: Generated<string>;
  location_id: string;
  make: string;
  model: string;
  class: CarClass;
  seats: number;
  transmission: Transmission;
  daily_rate: number;
  currency: string;
  lat: number;
  lng: number;
  /** Maintained by a trigger from lat/lng; never written by the application. */
  position: ColumnType<string, never, never>;
  status: ColumnType<CarStatus, CarStatus | undefined, CarStatus>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FleetTables {
  locations: LocationsTable;
  cars: CarsTable;
}

/** A car as the fleet reads it (the position column is the search index's own). */
export type CarRow = Omit<Selectable<CarsTable>, 'position'>;
