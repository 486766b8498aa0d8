import { defineMigration } from '../src/platform/db/migrator.js';

// Long operations started from the console (a backup, a verify) run as jobs on any worker; their
// state lives here so that every replica answers the same about them. One backup operation at a
// time is the database's rule: a second active one violates the partial unique index, whoever
// inserts it and however many replicas race.
export default defineMigration({
  up: `
    CREATE TABLE operations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('backup.create', 'backup.verify')),
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
      backup_id text,
      options jsonb NOT NULL DEFAULT '{}',
      steps text[] NOT NULL,
      phase text,
      percent integer NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
      message text,
      result jsonb,
      error text,
      requested_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL))
    );
    CREATE UNIQUE INDEX operations_one_backup_at_a_time ON operations ((kind LIKE 'backup.%'))
      WHERE status IN ('queued', 'running');
    CREATE INDEX operations_created_at_idx ON operations (created_at DESC);
  `,
  down: `
    DROP TABLE operations;
  `,
});
