import { defineMigration } from '../src/platform/db/migrator.js';

// Each car carries the times it is booked as one multirange, kept by a trigger on bookings in the
// same transaction as the change. Search then tests availability on the car row it already reads,
// instead of probing bookings once per candidate car. The exclusion constraint on bookings stays the
// guard for writes; this column is a read model of it.
//
// The trigger adds and subtracts (busy = busy + new, busy − old), which stays correct when two
// transactions book the same car at once: Postgres re-evaluates such an UPDATE on the newest row
// version. Bookings never overlap, so subtracting one booking's range removes exactly that booking.
// Ranges that ended more than a day ago are trimmed whenever a booking is added (search only looks
// ahead), so the value stays small. Bulk loads (the seed) disable the trigger and rebuild the column.
// The rebuild below is the rule as it was then, kept verbatim (the checksum covers it); the rule
// now lives in REBUILD_BUSY_SQL (src/modules/cars/availability/busy.ts, migration 20261207140000_holds).
export default defineMigration({
  up: `
    ALTER TABLE cars ADD COLUMN busy tstzmultirange NOT NULL DEFAULT '{}';
    -- Room on each page for the new versions these updates write (HOT updates, no index churn).
    ALTER TABLE cars SET (fillfactor = 85);

    CREATE FUNCTION bookings_busy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'cancelled' THEN
        UPDATE cars SET busy = busy - tstzmultirange(tstzrange(OLD.pickup_time, OLD.dropoff_time))
        WHERE id = OLD.car_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status <> 'cancelled' THEN
        UPDATE cars
        SET busy = (busy + tstzmultirange(tstzrange(NEW.pickup_time, NEW.dropoff_time)))
                   - tstzmultirange(tstzrange(NULL, now() - interval '1 day'))
        WHERE id = NEW.car_id;
      END IF;
      RETURN NULL;
    END $$;

    CREATE TRIGGER bookings_busy
      AFTER INSERT OR DELETE OR UPDATE OF car_id, pickup_time, dropoff_time, status ON bookings
      FOR EACH ROW EXECUTE FUNCTION bookings_busy();

    UPDATE cars c SET busy = b.r
    FROM (SELECT car_id, range_agg(tstzrange(pickup_time, dropoff_time)) AS r
          FROM bookings WHERE status <> 'cancelled' AND dropoff_time > now() - interval '1 day'
          GROUP BY car_id) b
    WHERE c.id = b.car_id;
  `,
  down: `
    DROP TRIGGER bookings_busy ON bookings;
    DROP FUNCTION bookings_busy();
    ALTER TABLE cars RESET (fillfactor);
    ALTER TABLE cars DROP COLUMN busy;
  `,
});
