import { defineMigration } from '../src/platform/db/migrator.js';

// Pending holds by when they lapse, for the job that releases them and for a flight releasing its own
// (the partial index holds only pending rows, so it stays small). Built concurrently: flight_bookings is a live table.
export default defineMigration({
  transactional: false,
  up: `
    CREATE INDEX CONCURRENTLY IF NOT EXISTS flight_bookings_holds_idx ON flight_bookings (own_flight_id, hold_expires_at) WHERE status = 'pending';
  `,
  down: `
    DROP INDEX CONCURRENTLY IF EXISTS flight_bookings_holds_idx;
  `,
});
