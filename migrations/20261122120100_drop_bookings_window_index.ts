import { defineMigration } from '../src/platform/db/migrator.js';

// Search tests availability on cars.busy now; nothing reads this index any more, and every booking
// paid for keeping it.
export default defineMigration({
  transactional: false,
  up: `DROP INDEX CONCURRENTLY IF EXISTS bookings_car_window_idx;`,
  down: `
    CREATE INDEX CONCURRENTLY IF NOT EXISTS bookings_car_window_idx
      ON bookings (car_id, pickup_time) INCLUDE (dropoff_time) WHERE status <> 'cancelled';
  `,
});
