import { defineMigration } from '../src/platform/db/migrator.js';

// Private calendar feeds: a token per trip and user, stored as a hash; a user has one live feed
// per trip, and creating a new one revokes the old.
export default defineMigration({
  up: `
    CREATE TABLE calendar_feeds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      trip_id uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      token_hash text NOT NULL CONSTRAINT calendar_feeds_token_hash_key UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );
    CREATE UNIQUE INDEX calendar_feeds_live_key ON calendar_feeds (trip_id, user_id) WHERE revoked_at IS NULL;
  `,
  down: `
    DROP TABLE calendar_feeds;
  `,
});
