import { defineMigration } from '../src/platform/db/migrator.js';

// Pending holds by when they lapse, for the job that releases them
// (the partial index holds only pending rows, so it stays small). Built concurrently: stay_bookings is a live table.
export default defineMigration({
  transactional: false,
  up: `
    CREATE INDEX CONCURRENTLY IF NOT EXISTS stay_bookings_holds_idx ON stay_bookings (hold_expires_at) WHERE status = 'pending';
  `,
  down: `
    DROP INDEX CONCURRENTLY IF EXISTS stay_bookings_holds_idx;
  `,
});
