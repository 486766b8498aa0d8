import { defineMigration } from '../src/platform/db/migrator.js';

// Day-by-day plans of a trip; the newest is the trip's plan. Days are kept as the planner made
// them (JSON), so that a plan reads the same after the catalogue changes.
export default defineMigration({
  up: `
    CREATE TABLE trip_plans (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      trip_id uuid NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      source text NOT NULL CONSTRAINT trip_plans_source_check CHECK (source IN ('builtin', 'llm')),
      fallback_reason text,
      request jsonb NOT NULL,
      days jsonb NOT NULL,
      warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
      total_travel_minutes integer NOT NULL CONSTRAINT trip_plans_travel_check CHECK (total_travel_minutes >= 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX trip_plans_trip_idx ON trip_plans (trip_id, created_at DESC);
  `,
  down: `
    DROP TABLE trip_plans;
  `,
});
