import { defineMigration } from '../src/platform/db/migrator.js';

// Availability probes (search: "is this car free in the window?") as index-only btree lookups:
// equality on car_id, then the few bookings of that car by time. Far cheaper per probe than the
// exclusion constraint's GiST index, which keeps guarding writes. Built concurrently: bookings is
// a live table.
export default defineMigration({
  transactional: false,
  up: `
    CREATE INDEX CONCURRENTLY IF NOT EXISTS bookings_car_window_idx
      ON bookings (car_id, pickup_time) INCLUDE (dropoff_time) WHERE status <> 'cancelled';
  `,
  down: `
    DROP INDEX CONCURRENTLY IF EXISTS bookings_car_window_idx;
  `,
});
