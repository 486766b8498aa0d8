import { defineMigration } from '../src/platform/db/migrator.js';

// The exclusion constraint is what makes double booking impossible; the application only
// turns its violation into a clear 409.
export default defineMigration({
  up: `
    CREATE TABLE bookings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      car_id uuid NOT NULL REFERENCES cars (id),
      pickup_time timestamptz NOT NULL,
      dropoff_time timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'confirmed' CONSTRAINT bookings_status_check CHECK (status IN ('confirmed', 'cancelled')),
      total_amount bigint NOT NULL CONSTRAINT bookings_total_check CHECK (total_amount >= 0),
      currency char(3) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      cancelled_at timestamptz,
      CONSTRAINT bookings_window_check CHECK (pickup_time < dropoff_time),
      CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
        car_id WITH =,
        tstzrange(pickup_time, dropoff_time) WITH &&
      ) WHERE (status <> 'cancelled')
    );
    CREATE INDEX bookings_user_created_idx ON bookings (user_id, created_at DESC, id DESC);
    CREATE INDEX bookings_car_idx ON bookings (car_id);

    -- Same key + same request → same response. Scoped per user.
    CREATE TABLE idempotency_keys (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, key)
    );
    CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
  `,
  down: `
    DROP TABLE idempotency_keys;
    DROP TABLE bookings;
  `,
});
