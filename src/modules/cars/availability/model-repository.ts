import type pg from 'pg';
import type { CarClass, CarStatus, Transmission } from '../fleet/tables.js';

/** A car as the search model holds it: its position as the index stores it, and when it is busy. */
export interface ModelCarRow {
  id: string;
  location_id: string;
  make: string;
  model: string;
  class: CarClass;
  seats: number;
  transmission: Transmission;
  daily_rate: number;
  currency: string;
  free_cancellation_hours: number;
  cancellation_fee_bp: number;
  lat: number;
  lng: number;
  status: CarStatus;
  /** ll_to_earth(lat, lng) as stored in cars.position. */
  x: number;
  y: number;
  z: number;
  /** cars.busy as [from, to) pairs in epoch microseconds, in order (a bound's inclusivity folded in). */
  busy: number[];
}

const MICROS = (bound: string) => `(extract(epoch FROM ${bound}(r.range)) * 1000000)::float8`;

const COLUMNS = `c.id, c.location_id, c.make, c.model, c.class, c.seats, c.transmission, c.daily_rate,
  c.currency, c.free_cancellation_hours, c.cancellation_fee_bp, c.lat, c.lng, c.status,
  cube_ll_coord(c.position, 1) AS x, cube_ll_coord(c.position, 2) AS y, cube_ll_coord(c.position, 3) AS z,
  ARRAY(SELECT v.b FROM unnest(c.busy) WITH ORDINALITY AS r(range, n), LATERAL (VALUES
      (1, CASE WHEN lower_inf(r.range) THEN '-Infinity'::float8
               ELSE ${MICROS('lower')} + CASE WHEN lower_inc(r.range) THEN 0 ELSE 1 END END),
      (2, CASE WHEN upper_inf(r.range) THEN 'Infinity'::float8
               ELSE ${MICROS('upper')} + CASE WHEN upper_inc(r.range) THEN 1 ELSE 0 END END)) AS v(k, b)
    ORDER BY r.n, v.k) AS busy`;

/**
 * Each read also returns the xmin of its own snapshot: every transaction below it had finished, so
 * whatever this read missed was written by a transaction at or above it (see the cars_changed
 * migration).
 */
const WITH_XMIN = (inner: string) => `
  WITH s AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin)
  SELECT s.xmin, c.* FROM s LEFT JOIN LATERAL (${inner}) c ON true`;

type Read = { rows: ModelCarRow[]; xmin: string };

function split(res: pg.QueryResult<ModelCarRow & { xmin: string }>): Read {
  const xmin = res.rows[0]?.xmin ?? '0';
  const rows = res.rows.filter((r) => r.id !== null);
  for (const r of rows) delete (r as { xmin?: string }).xmin;
  return { rows, xmin };
}

export function createModelRepository(pool: pg.Pool) {
  return {
    /** One page of every car, in id order, after `afterId`. */
    async page(afterId: string | null, limit: number): Promise<Read> {
      return split(
        await pool.query(
          WITH_XMIN(`SELECT ${COLUMNS} FROM cars c WHERE ($1::uuid IS NULL OR c.id > $1::uuid)
                     ORDER BY c.id LIMIT $2::int`),
          [afterId, limit],
        ),
      );
    },

    /** The cars with these ids (a car missing from the answer no longer exists). */
    async byIds(ids: string[]): Promise<ModelCarRow[]> {
      const res = await pool.query<ModelCarRow>(
        `SELECT ${COLUMNS} FROM cars c WHERE c.id = ANY($1::uuid[])`,
        [ids],
      );
      return res.rows;
    },

    /** Every car written by a transaction at or after `xmin` (a scan: the stamp has no index). */
    async changedSince(xmin: string): Promise<Read> {
      return split(
        await pool.query(WITH_XMIN(`SELECT ${COLUMNS} FROM cars c WHERE c.change_xid >= $1::xid8`), [xmin]),
      );
    },
  };
}

export type ModelRepository = ReturnType<typeof createModelRepository>;
