import type { Kysely } from 'kysely';
import type { BookingsTables } from './modules/bookings/tables.js';
import type { ExportsTables } from './modules/exports/tables.js';
import type { FlagsTables } from './modules/flags/tables.js';
import type { FleetTables } from './modules/fleet/tables.js';
import type { FlightsTables } from './modules/flights/tables.js';
import type { IdentityTables } from './modules/identity/tables.js';
import type { ItineraryTables } from './modules/itinerary/tables.js';
import type { NotificationsTables } from './modules/notifications/tables.js';
import type { PoisTables } from './modules/pois/tables.js';
import type { StaysTables } from './modules/stays/tables.js';
import type { TripsTables } from './modules/trips/tables.js';

/** The whole schema as Kysely sees it: each module declares its own tables. */
export type DB = IdentityTables &
  FleetTables &
  BookingsTables &
  FlagsTables &
  NotificationsTables &
  StaysTables &
  FlightsTables &
  PoisTables &
  TripsTables &
  ItineraryTables &
  ExportsTables;

export type Db = Kysely<DB>;
