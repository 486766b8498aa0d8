import { defineMigration } from '../src/platform/db/migrator.js';

// Superseded by cars_position_idx.
export default defineMigration({
  transactional: false,
  up: `DROP INDEX CONCURRENTLY IF EXISTS cars_position_active_idx;`,
  down: `CREATE INDEX CONCURRENTLY IF NOT EXISTS cars_position_active_idx ON cars USING gist (position) WHERE status = 'active';`,
});
