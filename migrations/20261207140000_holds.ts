import { REBUILD_BUSY_SQL } from '../src/modules/cars/availability/busy.js';
import { defineMigration } from '../src/platform/db/migrator.js';

// Holds and payments on the three kinds of booking (bookings, stay_bookings, flight_bookings).
//
// A hold is a `pending` booking with `hold_expires_at`: the database counts it exactly like a
// confirmed one, so the guards stay where they were — the car exclusion constraint now covers
// pending and confirmed rows, a held stay has taken its nights in room_inventory, a held flight its
// seats in flight_cabins. A lapsed hold is released (status `expired`, nights and seats given back)
// by whichever comes first: the booking that would collide with it, in its own transaction, or the
// minute job. `refunded` is a cancelled booking whose money went back.
//
// Amounts are integers in minor units of the booking's currency. Bookings made before checkout
// existed were confirmed with nothing paid: everything is due on site.
//
// The cancellation policy lives on the product (a car, a room type, a flight route): free until
// `free_cancellation_hours` before the start, then a fee of `cancellation_fee_bp` basis points;
// each booking copies the policy it was shown, so a later change of the product's policy leaves it be.
// The partial indexes that find pending holds are built concurrently in the three next migrations.
const BOOKING_TABLES = ['bookings', 'stay_bookings', 'flight_bookings'] as const;
const STATUSES = `'pending', 'confirmed', 'cancelled', 'expired', 'refunded'`;

const paymentColumns = (t: string) => `
    ALTER TABLE ${t} DROP CONSTRAINT ${t}_status_check;
    ALTER TABLE ${t} ADD CONSTRAINT ${t}_status_check CHECK (status IN (${STATUSES})) NOT VALID;
    ALTER TABLE ${t}
      ADD COLUMN hold_expires_at timestamptz,
      ADD COLUMN payment_provider text,
      ADD COLUMN payment_id text,
      ADD COLUMN amount_charged bigint NOT NULL DEFAULT 0,
      ADD COLUMN amount_due_on_site bigint NOT NULL DEFAULT 0,
      ADD COLUMN amount_refunded bigint NOT NULL DEFAULT 0;
    ALTER TABLE ${t} ADD CONSTRAINT ${t}_hold_check
      CHECK ((status = 'pending') = (hold_expires_at IS NOT NULL)) NOT VALID;
    ALTER TABLE ${t} ADD CONSTRAINT ${t}_amounts_check
      CHECK (amount_charged >= 0 AND amount_due_on_site >= 0 AND amount_refunded BETWEEN 0 AND amount_charged) NOT VALID;
    UPDATE ${t} SET amount_due_on_site = total_amount;
`;

const dropPaymentColumns = (t: string) => `
    UPDATE ${t} SET status = 'cancelled', cancelled_at = coalesce(cancelled_at, now())
      WHERE status IN ('pending', 'expired', 'refunded');
    ALTER TABLE ${t} DROP CONSTRAINT ${t}_amounts_check, DROP CONSTRAINT ${t}_hold_check;
    ALTER TABLE ${t}
      DROP COLUMN hold_expires_at,
      DROP COLUMN payment_provider,
      DROP COLUMN payment_id,
      DROP COLUMN amount_charged,
      DROP COLUMN amount_due_on_site,
      DROP COLUMN amount_refunded;
    ALTER TABLE ${t} DROP CONSTRAINT ${t}_status_check;
    ALTER TABLE ${t} ADD CONSTRAINT ${t}_status_check CHECK (status IN ('confirmed', 'cancelled'));
`;

const policyColumns = (t: string, hours: number, bp: number) => `
    ALTER TABLE ${t}
      ADD COLUMN free_cancellation_hours integer NOT NULL DEFAULT ${hours},
      ADD COLUMN cancellation_fee_bp integer NOT NULL DEFAULT ${bp};
    ALTER TABLE ${t} ADD CONSTRAINT ${t}_cancellation_policy_check
      CHECK (free_cancellation_hours BETWEEN 0 AND 8760 AND cancellation_fee_bp BETWEEN 0 AND 10000) NOT VALID;
`;

const dropPolicyColumns = (t: string) => `
    ALTER TABLE ${t} DROP CONSTRAINT ${t}_cancellation_policy_check,
      DROP COLUMN free_cancellation_hours, DROP COLUMN cancellation_fee_bp;
`;

/**
 * Product table, its booking table, and the default policy: free until that many hours before the
 * start, then that fee in basis points. A booking keeps the policy it was taken under.
 */
const POLICIES = [
  ['cars', 'bookings', 24, 2000],
  ['room_types', 'stay_bookings', 48, 5000],
  ['flight_routes', 'flight_bookings', 24, 7500],
] as const;

const busyFunction = (live: string) => `
    CREATE OR REPLACE FUNCTION bookings_busy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND ${live.replaceAll('status', 'OLD.status')} THEN
        UPDATE cars SET busy = busy - tstzmultirange(tstzrange(OLD.pickup_time, OLD.dropoff_time))
        WHERE id = OLD.car_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND ${live.replaceAll('status', 'NEW.status')} THEN
        UPDATE cars
        SET busy = (busy + tstzmultirange(tstzrange(NEW.pickup_time, NEW.dropoff_time)))
                   - tstzmultirange(tstzrange(NULL, now() - interval '1 day'))
        WHERE id = NEW.car_id;
      END IF;
      RETURN NULL;
    END $$;
`;

export default defineMigration({
  up: `
    ${BOOKING_TABLES.map(paymentColumns).join('')}
    ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
    ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
      car_id WITH =,
      tstzrange(pickup_time, dropoff_time) WITH &&
    ) WHERE (status IN ('pending', 'confirmed'));
    ${busyFunction(`status IN ('pending', 'confirmed')`)}
    UPDATE cars SET busy = '{}';
    ${REBUILD_BUSY_SQL};

    ${POLICIES.map(([product, booking, hours, bp]) => policyColumns(product, hours, bp) + policyColumns(booking, hours, bp)).join('')}
  `,
  down: `
    ${POLICIES.flatMap(([product, booking]) => [booking, product])
      .map(dropPolicyColumns)
      .join('')}
    ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
    ${BOOKING_TABLES.map(dropPaymentColumns).join('')}
    ${busyFunction(`status <> 'cancelled'`)}
    ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
      car_id WITH =,
      tstzrange(pickup_time, dropoff_time) WITH &&
    ) WHERE (status <> 'cancelled');
  `,
  lint: {
    allow: {
      'constraint-not-valid':
        'an exclusion constraint cannot be added NOT VALID; it is rebuilt once, under the lock, so that no window exists in which a hold or a booking goes unguarded',
    },
  },
});
