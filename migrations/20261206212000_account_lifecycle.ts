import { defineMigration } from '../src/platform/db/migrator.js';

// An account's whole life: verified email, emailed single-use tokens (password reset, email
// verification) stored as hashes, TOTP MFA with one-time recovery codes, deletion that anonymises
// the account (bookings and the audit log stay), and the account emails in the outbox.
export default defineMigration({
  up: `
    ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
    ALTER TABLE users ADD COLUMN deleted_at timestamptz;
    ALTER TABLE users ADD COLUMN mfa_secret text;
    ALTER TABLE users ADD COLUMN mfa_enabled_at timestamptz;
    ALTER TABLE sessions ADD COLUMN mfa boolean NOT NULL DEFAULT false;

    CREATE TABLE account_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose text NOT NULL CONSTRAINT account_tokens_purpose_check
        CHECK (purpose IN ('password_reset', 'email_verification')),
      token_hash text NOT NULL CONSTRAINT account_tokens_token_hash_key UNIQUE,
      email text NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose, created_at DESC);

    CREATE TABLE mfa_recovery_codes (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      code_hash text NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (user_id, code_hash)
    );

    ALTER TABLE outbox_events DROP CONSTRAINT outbox_events_type_check;
    ALTER TABLE outbox_events ADD CONSTRAINT outbox_events_type_check
      CHECK (type IN ('booking.confirmed', 'booking.cancelled', 'trip.shared', 'plan.ready',
                      'account.password_reset', 'account.verify_email')) NOT VALID;
  `,
  down: `
    DELETE FROM outbox_events WHERE type IN ('account.password_reset', 'account.verify_email');
    ALTER TABLE outbox_events DROP CONSTRAINT outbox_events_type_check;
    ALTER TABLE outbox_events ADD CONSTRAINT outbox_events_type_check
      CHECK (type IN ('booking.confirmed', 'booking.cancelled', 'trip.shared', 'plan.ready'));
    DROP TABLE mfa_recovery_codes;
    DROP TABLE account_tokens;
    ALTER TABLE sessions DROP COLUMN mfa;
    ALTER TABLE users DROP COLUMN mfa_enabled_at;
    ALTER TABLE users DROP COLUMN mfa_secret;
    ALTER TABLE users DROP COLUMN deleted_at;
    ALTER TABLE users DROP COLUMN email_verified_at;
  `,
});
