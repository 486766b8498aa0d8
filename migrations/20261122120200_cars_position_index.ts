import { defineMigration } from '../src/platform/db/migrator.js';

// A position index over every car, not only the active ones: search still filters on status, and
// unlike a partial index this one can order the table (CLUSTER cars USING cars_position_idx), which
// keeps nearby cars on the same pages.
export default defineMigration({
  transactional: false,
  up: `CREATE INDEX CONCURRENTLY IF NOT EXISTS cars_position_idx ON cars USING gist (position);`,
  down: `DROP INDEX CONCURRENTLY IF EXISTS cars_position_idx;`,
});
