import { defineMigration } from '../src/platform/db/migrator.js';

// Every extension here exists in PGlite's contrib and in Debian's postgresql-15.
export default defineMigration({
  up: `
    CREATE EXTENSION IF NOT EXISTS pgcrypto;
    CREATE EXTENSION IF NOT EXISTS btree_gist;
    CREATE EXTENSION IF NOT EXISTS cube;
    CREATE EXTENSION IF NOT EXISTS earthdistance;
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  `,
  down: `
    DROP EXTENSION IF EXISTS pg_trgm;
    DROP EXTENSION IF EXISTS earthdistance;
    DROP EXTENSION IF EXISTS cube;
    DROP EXTENSION IF EXISTS btree_gist;
    DROP EXTENSION IF EXISTS pgcrypto;
  `,
});
