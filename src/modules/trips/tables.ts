import type { ColumnType, Generated, Selectable } from 'kysely';

export const TRIP_STATUSES = ['planning', 'booked', 'completed', 'cancelled'] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];
export const ITEM_KINDS = ['car_booking', 'stay_booking', 'flight_booking', 'activity', 'note'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export type CollaboratorRole = 'viewer' | 'editor';

export interface TripsTable {
  id: Generated<string>;
  owner_id: string;
  name: string;
  destination: string;
  destination_lat: number | null;
  destination_lng: number | null;
  time_zone: string;
  start_date: string;
  end_date: string;
  travellers: number;
  status: ColumnType<TripStatus, TripStatus | undefined, TripStatus>;
  status_changed_at: Generated<Date>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TripStatusTransitionsTable {
  from_status: TripStatus;
  to_status: TripStatus;
}

export interface TripItemsTable {
  id: Generated<string>;
  trip_id: string;
  kind: ItemKind;
  car_booking_id: string | null;
  stay_booking_id: string | null;
  flight_booking_id: string | null;
  poi_id: string | null;
  title: string | null;
  body: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface TripCollaboratorsTable {
  id: Generated<string>;
  trip_id: string;
  email: string;
  role: CollaboratorRole;
  invited_by: string | null;
  created_at: Generated<Date>;
}

export interface TripsTables {
  trips: TripsTable;
  trip_status_transitions: TripStatusTransitionsTable;
  trip_items: TripItemsTable;
  trip_collaborators: TripCollaboratorsTable;
}

/** A trip as read from its table; other modules receive trips in this shape from the trips service. */
export type TripRow = Selectable<TripsTable>;
