import { defineMigration } from '../src/platform/db/migrator.js';

// Login attempts counted per account and client address in one row each, so that a single
// upsert both counts an attempt and tells whether it may still be checked (no race), and a
// stranger's failures elsewhere never lock the account's owner out.
export default defineMigration({
  up: `
    CREATE TABLE login_lockouts (
      email text NOT NULL,
      ip text NOT NULL,
      attempts integer NOT NULL,
      window_started_at timestamptz NOT NULL,
      PRIMARY KEY (email, ip)
    );
  `,
  down: `
    DROP TABLE login_lockouts;
  `,
});
