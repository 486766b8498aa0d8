import { defineMigration } from '../src/platform/db/migrator.js';

// Domain events are written here in the same transaction as the change that caused them; the
// worker relays unrelayed rows to jobs. One delivery row per event makes sending idempotent.
export default defineMigration({
  up: `
    CREATE TABLE outbox_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      type text NOT NULL CONSTRAINT outbox_events_type_check
        CHECK (type IN ('booking.confirmed', 'booking.cancelled', 'trip.shared', 'plan.ready')),
      aggregate_id uuid NOT NULL,
      recipient_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      recipient_email text,
      payload jsonb NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      relayed_at timestamptz,
      CONSTRAINT outbox_events_recipient_check CHECK (recipient_user_id IS NOT NULL OR recipient_email IS NOT NULL)
    );
    CREATE INDEX outbox_events_unrelayed_idx ON outbox_events (occurred_at) WHERE relayed_at IS NULL;
    CREATE INDEX outbox_events_recipient_idx ON outbox_events (recipient_user_id, occurred_at DESC);

    CREATE TABLE notification_deliveries (
      event_id uuid PRIMARY KEY REFERENCES outbox_events (id) ON DELETE CASCADE,
      recipient text NOT NULL,
      status text NOT NULL CONSTRAINT notification_deliveries_status_check CHECK (status IN ('sending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0 CONSTRAINT notification_deliveries_attempts_check CHECK (attempts >= 0),
      subject text,
      message_id text,
      last_error text,
      claimed_at timestamptz,
      sent_at timestamptz
    );
  `,
  down: `
    DROP TABLE notification_deliveries;
    DROP TABLE outbox_events;
  `,
});
