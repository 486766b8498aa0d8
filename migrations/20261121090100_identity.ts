import { defineMigration } from '../src/platform/db/migrator.js';

export default defineMigration({
  up: `
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      name text NOT NULL,
      password_hash text NOT NULL,
      role text NOT NULL DEFAULT 'customer' CONSTRAINT users_role_check CHECK (role IN ('customer', 'admin')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_email_key UNIQUE (email),
      CONSTRAINT users_email_normalised CHECK (email = lower(btrim(email)))
    );

    -- Refresh tokens rotate: each is used once; reuse of a used one revokes its family.
    CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY,
      family_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
    CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      action text NOT NULL,
      actor_id uuid,
      subject text,
      ip text,
      request_id text,
      details jsonb NOT NULL DEFAULT '{}'::jsonb
    );
    CREATE INDEX audit_log_subject_idx ON audit_log (subject, action, occurred_at DESC);
    CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at DESC);
  `,
  down: `
    DROP TABLE audit_log;
    DROP TABLE refresh_tokens;
    DROP TABLE users;
  `,
});
