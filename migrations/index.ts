import type { MigrationIndex } from '../src/platform/db/migrator.js';
import extensions from './20261121090000_extensions.js';
import identity from './20261121090100_identity.js';
import fleet from './20261121090200_fleet.js';
import bookings from './20261121090300_bookings.js';
import bookingsWindowIndex from './20261121100000_bookings_window_index.js';
import flags from './20261122100000_flags.js';
import notifications from './20261122100100_notifications.js';
import stays from './20261122100200_stays.js';
import flights from './20261122100300_flights.js';
import pois from './20261122100400_pois.js';
import trips from './20261122100500_trips.js';
import itinerary from './20261122100600_itinerary.js';
import exportsFeeds from './20261122100700_exports.js';
import carsBusy from './20261122120000_cars_busy.js';
import dropBookingsWindowIndex from './20261122120100_drop_bookings_window_index.js';
import carsPositionIndex from './20261122120200_cars_position_index.js';
import dropCarsPositionActiveIdx from './20261122120300_drop_cars_position_active_idx.js';
import idempotencyKeysAnyOperation from './20261206210000_idempotency_keys_any_operation.js';
import sessions from './20261206211000_sessions.js';
import accountLifecycle from './20261206212000_account_lifecycle.js';
import loginLockouts from './20261206220000_login_lockouts.js';
import notificationBodies from './20261207100000_notification_bodies.js';
import operations from './20261207110000_operations.js';
import holds from './20261207140000_holds.js';
import bookingsHoldsIdx from './20261207140100_bookings_holds_idx.js';
import stayBookingsHoldsIdx from './20261207140200_stay_bookings_holds_idx.js';
import flightBookingsHoldsIdx from './20261207140300_flight_bookings_holds_idx.js';
import payments from './20261207150000_payments.js';
import carsChanges from './20261207160000_cars_changes.js';

/** Every migration, in the order it applies. `voyage migrate new <name>` creates one and lists it here. */
export const migrations: MigrationIndex = {
  '20261121090000_extensions': extensions,
  '20261121090100_identity': identity,
  '20261121090200_fleet': fleet,
  '20261121090300_bookings': bookings,
  '20261121100000_bookings_window_index': bookingsWindowIndex,
  '20261122100000_flags': flags,
  '20261122100100_notifications': notifications,
  '20261122100200_stays': stays,
  '20261122100300_flights': flights,
  '20261122100400_pois': pois,
  '20261122100500_trips': trips,
  '20261122100600_itinerary': itinerary,
  '20261122100700_exports': exportsFeeds,
  '20261122120000_cars_busy': carsBusy,
  '20261122120100_drop_bookings_window_index': dropBookingsWindowIndex,
  '20261122120200_cars_position_index': carsPositionIndex,
  '20261122120300_drop_cars_position_active_idx': dropCarsPositionActiveIdx,
  '20261206210000_idempotency_keys_any_operation': idempotencyKeysAnyOperation,
  '20261206211000_sessions': sessions,
  '20261206212000_account_lifecycle': accountLifecycle,
  '20261206220000_login_lockouts': loginLockouts,
  '20261207100000_notification_bodies': notificationBodies,
  '20261207110000_operations': operations,
  '20261207140000_holds': holds,
  '20261207140100_bookings_holds_idx': bookingsHoldsIdx,
  '20261207140200_stay_bookings_holds_idx': stayBookingsHoldsIdx,
  '20261207140300_flight_bookings_holds_idx': flightBookingsHoldsIdx,
  '20261207150000_payments': payments,
  '20261207160000_cars_changes': carsChanges,
};
