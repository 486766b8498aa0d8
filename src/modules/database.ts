import type { Kysely } from 'kysely';
import type { FleetTables } from './cars/fleet/tables.js';
import type { BookingsTables } from './cars/rentals/tables.js';
import type { CheckoutTables } from './checkout/tables.js';
import type { ExportsTables } from './exports/tables.js';
import type { FlagsTables } from './flags/tables.js';
import type { FlightsTables } from './flights/tables.js';
import type { IdentityTables } from './identity/tables.js';
import type { ItineraryTables } from './itinerary/tables.js';
import type { NotificationsTables } from './notifications/tables.js';
import type { PoisTables } from './pois/tables.js';
import type { StaysTables } from './stays/tables.js';
import type { TripsTables } from './trips/tables.js';

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
  ExportsTables &
  CheckoutTables;

export type Db = Kysely<DB>;
