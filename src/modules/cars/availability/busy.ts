/**
 * `cars.busy` is a read model of the bookings: the times each car is booked, kept by the
 * `bookings_busy` trigger (migrations 20261122120000_cars_busy, 20261207140000_holds). This is the one place that says how
 * to compute it from the bookings, for the migration that created it, bulk loads (the demo seed
 * turns the trigger off and rebuilds) and the DR drill (which checks it after a recovery).
 *
 * A car is busy for its live bookings: confirmed ones and pending holds (a lapsed hold stays until
 * it is released, at the latest by the minute job). The holds migration embeds REBUILD_BUSY_SQL
 * verbatim: changing this text changes its checksum, which `voyage migrate status` reports as
 * drift. Change the rule with a new migration.
 */
export const REBUILD_BUSY_SQL = `UPDATE cars c SET busy = b.r
    FROM (SELECT car_id, range_agg(tstzrange(pickup_time, dropoff_time)) AS r
          FROM bookings WHERE status IN ('pending', 'confirmed') AND dropoff_time > now() - interval '1 day'
          GROUP BY car_id) b
    WHERE c.id = b.car_id`;

/**
 * Cars whose busy column disagrees with their bookings from now on (the past is trimmed by the
 * trigger, so only the future is compared). Empty when the read model is right.
 */
export const BUSY_DRIFT_SQL = `SELECT c.id, c.model FROM cars c
    CROSS JOIN (SELECT tstzmultirange(tstzrange(now(), NULL)) AS future) f
    LEFT JOIN (SELECT car_id, range_agg(tstzrange(pickup_time, dropoff_time)) AS r
               FROM bookings WHERE status IN ('pending', 'confirmed') GROUP BY car_id) b ON b.car_id = c.id
    WHERE c.busy * f.future <> coalesce(b.r, '{}') * f.future`;
