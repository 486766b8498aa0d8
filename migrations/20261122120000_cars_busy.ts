import { defineMigration } from '../src/platform/db/migrator.js';

// Each car carries the times it is booked as one multirange, kept by statement-level triggers on
// bookings in the same transaction as the change. Search then tests availability on the car row it
// already reads, instead of probing bookings once per candidate car. The exclusion constraint on
// bookings stays the guard for writes; this column is a read model of it.
//
// Updates add and subtract (busy = busy + new − old), which stays correct when two transactions
// book the same car at once: Postgres re-evaluates such an UPDATE on the newest row version. Ranges
// that ended more than a day ago are trimmed whenever a car's bookings change (search only looks
// ahead), so the value stays small.
export default defineMigration({
  up: `
    ALTER TABLE cars ADD COLUMN busy tstzmultirange NOT NULL DEFAULT '{}';
    -- Room on each page for the new versions these updates write (HOT updates, no index churn).
    ALTER TABLE cars SET (fillfactor = 85);

    CREATE FUNCTION bookings_busy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE cars c
      SET busy = (c.busy - coalesce(d.r_old, '{}') + coalesce(d.r_new, '{}'))
                 - tstzmultirange(tstzrange(NULL, now() - interval '1 day'))
      FROM (
        SELECT coalesce(n.car_id, o.car_id) AS car_id, o.r AS r_old, n.r AS r_new
        FROM (SELECT car_id, range_agg(tstzrange(pickup_time, dropoff_time)) AS r
              FROM changed_new WHERE status <> 'cancelled' GROUP BY car_id) n
        FULL JOIN (SELECT car_id, range_agg(tstzrange(pickup_time, dropoff_time)) AS r
              FROM changed_old WHERE status <> 'cancelled' GROUP BY car_id) o ON o.car_id = n.car_id
      ) d
      WHERE c.id = d.car_id;
      RETURN NULL;
    END $$;

    CREATE FUNCTION bookings_busy_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE cars c
      SET busy = (c.busy + n.r) - tstzmultirange(tstzrange(NULL, now() - interval '1 day'))
      FROM (SELECT car_id, range_agg(tstzrange(pickup_time, dropoff_time)) AS r
            FROM changed_new WHERE status <> 'cancelled' GROUP BY car_id) n
      WHERE c.id = n.car_id;
      RETURN NULL;
    END $$;

    CREATE FUNCTION bookings_busy_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE cars c
      SET busy = c.busy - o.r
      FROM (SELECT car_id, range_agg(tstzrange(pickup_time, dropoff_time)) AS r
            FROM changed_old WHERE status <> 'cancelled' GROUP BY car_id) o
      WHERE c.id = o.car_id;
      RETURN NULL;
    END $$;

    CREATE TRIGGER bookings_busy_inserted AFTER INSERT ON bookings
      REFERENCING NEW TABLE AS changed_new
      FOR EACH STATEMENT EXECUTE FUNCTION bookings_busy_inserted();
    CREATE TRIGGER bookings_busy_updated AFTER UPDATE ON bookings
      REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
      FOR EACH STATEMENT EXECUTE FUNCTION bookings_busy_changed();
    CREATE TRIGGER bookings_busy_deleted AFTER DELETE ON bookings
      REFERENCING OLD TABLE AS changed_old
      FOR EACH STATEMENT EXECUTE FUNCTION bookings_busy_deleted();

    UPDATE cars c SET busy = b.r
    FROM (SELECT car_id, range_agg(tstzrange(pickup_time, dropoff_time)) AS r
          FROM bookings WHERE status <> 'cancelled' AND dropoff_time > now() - interval '1 day'
          GROUP BY car_id) b
    WHERE c.id = b.car_id;
  `,
  down: `
    DROP TRIGGER bookings_busy_deleted ON bookings;
    DROP TRIGGER bookings_busy_updated ON bookings;
    DROP TRIGGER bookings_busy_inserted ON bookings;
    DROP FUNCTION bookings_busy_deleted();
    DROP FUNCTION bookings_busy_changed();
    DROP FUNCTION bookings_busy_inserted();
    ALTER TABLE cars RESET (fillfactor);
    ALTER TABLE cars DROP COLUMN busy;
  `,
});
