import { defineMigration } from '../src/platform/db/migrator.js';

// Idempotency keys serve every state-changing operation, not only car bookings: each key records
// the operation it was used for, and a claim holds it for a lease so that a duplicate arriving while
// the first request works waits for its answer, and a crashed holder's claim can be taken over.
export default defineMigration({
  up: `
    ALTER TABLE idempotency_keys ADD COLUMN operation text NOT NULL DEFAULT '';
    ALTER TABLE idempotency_keys ADD COLUMN locked_until timestamptz;
    ALTER TABLE idempotency_keys ADD COLUMN completed_at timestamptz;
  `,
  down: `
    ALTER TABLE idempotency_keys DROP COLUMN completed_at;
    ALTER TABLE idempotency_keys DROP COLUMN locked_until;
    ALTER TABLE idempotency_keys DROP COLUMN operation;
  `,
});
