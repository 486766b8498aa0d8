import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from './session.js';
import { parseLsn } from './wal.js';

/**
 * The drill's live writer: one booking per commit on a car of its own, each remembered with when
 * its commit was acknowledged and the WAL position after it. T is taken between two commits.
 */
export const WRITER_BASE = '2030-01-01T00:00:00Z';

export interface Write {
  seq: number;
  ackedAt: number;
  /** WAL write position after the commit was acknowledged: the row is safe once this is archived. */
  lsn: bigint;
}

export function startWriter(url: string) {
  const writes: Write[] = [];
  let stopped = false;
  let failure: Error | undefined;
  let marker: { resolve: (t: { time: string; lastSeq: number; lsn: bigint }) => void } | undefined;
  const done = (async () => {
    const db = await connect(url);
    const { rows } = await db.query(
      `SELECT c.id AS car, u.id AS user FROM cars c, users u WHERE c.model = 'Car 0'`,
    );
    const { car, user } = rows[0];
    try {
      for (let seq = 0; !stopped; seq++) {
        if (marker) {
          // T falls strictly between the last acknowledged commit and the next one.
          await sleep(5);
          const t = await db.query(
            `SELECT to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS t, pg_current_wal_lsn()::text AS lsn`,
          );
          marker.resolve({ time: t.rows[0].t, lastSeq: seq - 1, lsn: parseLsn(t.rows[0].lsn) });
          marker = undefined;
          await sleep(5);
        }
        await db.query(
          `INSERT INTO bookings (user_id, car_id, pickup_time, dropoff_time, total_amount, currency)
           VALUES ($1, $2, timestamptz '${WRITER_BASE}' + $3 * interval '1 hour',
                   timestamptz '${WRITER_BASE}' + $3 * interval '1 hour' + interval '30 minutes', 100, 'EUR')`,
          [user, car, seq],
        );
        const ackedAt = Date.now();
        const lsn = await db.query('SELECT pg_current_wal_lsn()::text AS lsn');
        writes.push({ seq, ackedAt, lsn: parseLsn(lsn.rows[0].lsn) });
        await sleep(10);
      }
    } catch (err) {
      if (!stopped) failure = err as Error;
    } finally {
      await db.end().catch(() => undefined);
    }
  })();
  return {
    writes,
    markTarget: () =>
      new Promise<{ time: string; lastSeq: number; lsn: bigint }>((resolve) => (marker = { resolve })),
    stop() {
      stopped = true;
    },
    failure: () => failure,
    done,
  };
}
