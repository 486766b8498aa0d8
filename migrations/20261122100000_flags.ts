import { defineMigration } from '../src/platform/db/migrator.js';

// Operational and kill-switch flags are global (on or off for everyone); only release and
// experiment flags target users, which the CHECK keeps true whatever writes the row.
export default defineMigration({
  up: `
    CREATE TABLE feature_flags (
      key text PRIMARY KEY CONSTRAINT feature_flags_key_check CHECK (key ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
      description text NOT NULL DEFAULT '',
      type text NOT NULL CONSTRAINT feature_flags_type_check
        CHECK (type IN ('release', 'experiment', 'operational', 'kill-switch')),
      enabled boolean NOT NULL DEFAULT false,
      rollout_percentage smallint NOT NULL DEFAULT 0
        CONSTRAINT feature_flags_rollout_check CHECK (rollout_percentage BETWEEN 0 AND 100),
      allow_list uuid[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT feature_flags_global_check CHECK (
        type IN ('release', 'experiment') OR (rollout_percentage = 100 AND cardinality(allow_list) = 0)
      )
    );

    INSERT INTO feature_flags (key, description, type, enabled, rollout_percentage)
    VALUES ('planner.llm', 'Itinerary plans proposed by the LLM provider (needs LLM_BASE_URL); the built-in planner otherwise', 'release', false, 0);
  `,
  down: `
    DROP TABLE feature_flags;
  `,
});
