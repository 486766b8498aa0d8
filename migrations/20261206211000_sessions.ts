import { defineMigration } from '../src/platform/db/migrator.js';

// Sessions that can be revoked: every sign-in starts a session (its id is the refresh-token family
// and rides in each access token as `sid`); a request is served only while its session is live and
// its account is not disabled. Logout, refresh-token reuse, a password change and disabling an
// account revoke sessions; the role is read from the account on each request.
export default defineMigration({
  up: `
    CREATE TABLE sessions (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      revoked_reason text
    );
    CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;
    ALTER TABLE users ADD COLUMN disabled_at timestamptz;
  `,
  down: `
    ALTER TABLE users DROP COLUMN disabled_at;
    DROP TABLE sessions;
  `,
});
