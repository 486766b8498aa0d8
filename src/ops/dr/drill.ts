import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { migrations } from '../../../migrations/index.js';
import { BUSY_DRIFT_SQL } from '../../modules/cars/availability/busy.js';
import { checkIndexes, digestTables, type TableDigest } from '../../platform/backup/digest.js';
import { createMigrator } from '../../platform/db/migrator.js';
import { createDrillCluster, type DrillCluster } from './cluster.js';
import { connect } from './session.js';
import { endOfSegment } from './wal.js';
import { startWriter, WRITER_BASE } from './writer.js';

/**
 * The point-in-time recovery drill: a real cluster archiving WAL to pgBackRest is loaded, backed
 * up, written to while an instant T is recorded, destroyed, and brought back to T. Every booking
 * committed before T must be back and none after; amcheck must pass. RTO is destroy → ready for
 * writes; RPO is how much committed work the archive did not yet hold at the moment of the
 * disaster (had we recovered to the latest point rather than to T).
 */
export interface DrillOptions {
  rows: number;
  binDir: string;
  archiveTimeoutSeconds: number;
  /** Seconds of writes before T, and after T until the disaster. */
  writeBeforeSeconds: number;
  writeAfterSeconds: number;
  keep?: boolean;
  progress?: (message: string) => void;
}

export interface DrillReport {
  ok: boolean;
  problems: string[];
  rows: number;
  targetTime: string;
  rtoSeconds: number;
  rpoSeconds: number;
  targets: { rtoSeconds: number; rpoSeconds: number; met: boolean };
  writes: { beforeTarget: number; afterTarget: number; restored: number };
  indexesChecked: number;
  archiveTimeoutSeconds: number;
  phases: Record<string, number>;
  clusterDir: string | null;
}

const TARGET_SECONDS = 60;

async function load(url: string, rows: number, progress: (m: string) => void) {
  const db = await connect(url);
  try {
    const cars = Math.max(1, Math.ceil(rows / 500));
    await db.query(`
      INSERT INTO users (email, name, password_hash) VALUES ('drill@voyage.example', 'Drill', 'x');
      INSERT INTO locations (name, city, country, lat, lng, time_zone)
        VALUES ('Drill Depot', 'Lisbon', 'PT', 38.72, -9.14, 'Europe/Lisbon');
      INSERT INTO cars (location_id, make, model, class, seats, transmission, daily_rate, currency, lat, lng)
        SELECT l.id, 'Drill', 'Car ' || g, 'compact', 5, 'manual', 4000, 'EUR', 38.7, -9.1
          FROM locations l, generate_series(0, ${cars}) g;`);
    // Car 0 takes the live writes; cars 1… take the bulk load, one booking per car per day.
    const batch = 100_000;
    for (let from = 0; from < rows; from += batch) {
      const to = Math.min(rows, from + batch) - 1;
      await db.query(
        `WITH u AS (SELECT id FROM users LIMIT 1),
              c AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM cars WHERE model <> 'Car 0')
         INSERT INTO bookings (user_id, car_id, pickup_time, dropoff_time, total_amount, currency)
         SELECT u.id, c.id,
                timestamptz '2027-01-01' + (g / $1) * interval '1 day',
                timestamptz '2027-01-01' + (g / $1) * interval '1 day' + interval '20 hours',
                4000, 'EUR'
           FROM generate_series($2::int, $3::int) g JOIN c ON c.n = g % $1 + 1, u`,
        [cars, from, to],
      );
      progress(`  loaded ${(to + 1).toLocaleString('en')} / ${rows.toLocaleString('en')} bookings`);
    }
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
}

/**
 * Bulk-loaded rows only: the live writer's car is compared separately. Its bookings change it too
 * (cars.busy follows them), so that car's row is left out with them.
 */
async function bulkDigest(url: string): Promise<TableDigest[]> {
  const db = await connect(url);
  try {
    await db.query('BEGIN');
    const all = await digestTables(db);
    await db.query('ROLLBACK');
    const digest = async (table: string, from: string) => {
      const res = await db.query(
        `SELECT count(*)::bigint AS rows,
                coalesce(sum(('x' || left(md5(r::text), 15))::bit(60)::bigint), 0)::text AS checksum
           FROM ${from}`,
      );
      return { table, rows: Number(res.rows[0].rows), checksum: res.rows[0].checksum as string };
    };
    return all
      .filter((t) => t.table !== 'public.bookings' && t.table !== 'public.cars')
      .concat([
        await digest(
          'bulk-loaded bookings',
          `bookings r JOIN cars c ON c.id = r.car_id WHERE c.model <> 'Car 0'`,
        ),
        await digest('bulk-loaded cars', `cars r WHERE r.model <> 'Car 0'`),
      ]);
  } finally {
    await db.end();
  }
}

async function archived(url: string): Promise<{ wal: string | null; at: Date | null }> {
  const db = await connect(url);
  try {
    const res = await db.query(
      'SELECT last_archived_wal AS wal, last_archived_time AS at FROM pg_stat_archiver',
    );
    return { wal: res.rows[0].wal, at: res.rows[0].at };
  } finally {
    await db.end();
  }
}

export async function runDrill(opts: DrillOptions): Promise<DrillReport> {
  const progress = opts.progress ?? (() => {});
  const phases: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      phases[name] = (Date.now() - started) / 1000;
    }
  };
  progress('Creating a throwaway cluster with WAL archiving to pgBackRest…');
  let cluster: DrillCluster | undefined;
  try {
    cluster = await timed('setup', () =>
      createDrillCluster({
        binDir: opts.binDir,
        archiveTimeoutSeconds: opts.archiveTimeoutSeconds,
        keep: opts.keep,
      }),
    );
    const c = cluster;
    await timed('start', async () => {
      await c.start();
      await c.pgbackrest('stanza-create');
      const admin = await connect(c.url());
      await admin.query('CREATE DATABASE voyage');
      await admin.end();
    });
    const url = c.url('voyage');
    progress(`Migrating and loading ${opts.rows.toLocaleString('en')} bookings…`);
    await timed('load', async () => {
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      await createMigrator(pool, migrations).up();
      await pool.end();
      await load(url, opts.rows, progress);
    });
    const before = await bulkDigest(url);
    progress('Full backup with pgBackRest…');
    await timed('backup', () => c.pgbackrest('--type=full', 'backup'));

    progress(`Writing timestamped bookings; recording T after ${opts.writeBeforeSeconds} s…`);
    const writer = startWriter(url);
    await sleep(opts.writeBeforeSeconds * 1000);
    const target = await writer.markTarget();
    progress(`  T = ${target.time}; writing on for ${opts.writeAfterSeconds} s`);
    await sleep(opts.writeAfterSeconds * 1000);
    // T is only recoverable once its WAL segment is in the archive; archive_timeout bounds the wait.
    const deadline = Date.now() + (opts.archiveTimeoutSeconds * 3 + 30) * 1000;
    for (;;) {
      const a = await archived(url);
      if (a.wal && /^[0-9A-F]{24}$/.test(a.wal.slice(0, 24)) && endOfSegment(a.wal) > target.lsn) break;
      if (Date.now() > deadline)
        throw new Error(`the WAL holding T was not archived in time (last: ${a.wal})`);
      await sleep(200);
    }

    // The disaster: the last archived segment bounds what could be recovered (RPO).
    const archive = await archived(url);
    const destroyedAt = Date.now();
    writer.stop();
    await c.crash();
    await rm(c.dataDir, { recursive: true, force: true });
    await writer.done;
    if (writer.failure())
      throw new Error(`the writer failed before the disaster: ${writer.failure()!.message}`);
    progress(`Destroyed the data directory; restoring to T with pgBackRest…`);
    await timed('restore', () =>
      c.pgbackrest('--type=time', `--target=${target.time}`, '--target-action=promote', 'restore'),
    );
    await timed('recovery', async () => {
      await c.start();
      for (;;) {
        const db = await connect(url).catch(() => undefined);
        const inRecovery = db ? (await db.query('SELECT pg_is_in_recovery() AS r')).rows[0].r : true;
        await db?.end();
        if (!inRecovery) break;
        await sleep(100);
      }
    });
    const readyAt = Date.now();
    const rtoSeconds = (readyAt - destroyedAt) / 1000;
    const archivedEnd = archive.wal ? endOfSegment(archive.wal) : 0n;
    const safe = writer.writes.filter((w) => w.lsn <= archivedEnd);
    const newestSafe = safe.at(-1);
    const rpoSeconds = newestSafe ? Math.max(0, (destroyedAt - newestSafe.ackedAt) / 1000) : Number.NaN;

    progress('Checking the recovered cluster…');
    const problems: string[] = [];
    const after = await bulkDigest(url);
    for (const want of before) {
      const have = after.find((t) => t.table === want.table);
      if (!have || have.rows !== want.rows || have.checksum !== want.checksum) {
        const what = have
          ? `${have.rows} rows (checksum ${have.checksum === want.checksum ? 'equal' : 'differs'})`
          : 'missing';
        problems.push(`${want.table}: ${what} after recovery, ${want.rows} before`);
      }
    }
    const db = await connect(url);
    const restored = (
      await db.query(
        `SELECT (extract(epoch FROM b.pickup_time - timestamptz '${WRITER_BASE}') / 3600)::int AS seq
           FROM bookings b JOIN cars c ON c.id = b.car_id WHERE c.model = 'Car 0' ORDER BY 1`,
      )
    ).rows.map((r) => r.seq as number);
    const expected = writer.writes.filter((w) => w.seq <= target.lastSeq).map((w) => w.seq);
    const missing = expected.filter((s) => !restored.includes(s));
    const extra = restored.filter((s) => s > target.lastSeq);
    if (missing.length) problems.push(`${missing.length} bookings committed before T are missing`);
    if (extra.length) problems.push(`${extra.length} bookings committed after T came back`);
    // The car's busy multirange (kept by a trigger) must match the bookings that came back.
    const drift = await db.query(
      `SELECT count(*)::int AS n FROM (${BUSY_DRIFT_SQL}) d WHERE d.model = 'Car 0'`,
    );
    if (drift.rows[0]?.n !== 0) problems.push(`the writer's car: busy does not match its bookings`);
    const indexes = await timed('amcheck', () => checkIndexes(db));
    for (const f of indexes.failures) problems.push(`index ${f.index}: ${f.error}`);
    await db.end();

    const met = rtoSeconds <= TARGET_SECONDS && rpoSeconds <= TARGET_SECONDS;
    return {
      ok: problems.length === 0,
      problems,
      rows: opts.rows,
      targetTime: target.time,
      rtoSeconds,
      rpoSeconds,
      targets: { rtoSeconds: TARGET_SECONDS, rpoSeconds: TARGET_SECONDS, met },
      writes: {
        beforeTarget: expected.length,
        afterTarget: writer.writes.length - expected.length,
        restored: restored.length,
      },
      indexesChecked: indexes.checked,
      archiveTimeoutSeconds: opts.archiveTimeoutSeconds,
      phases,
      clusterDir: opts.keep ? c.dir : null,
    };
  } finally {
    await cluster?.stop();
    await cluster?.remove();
  }
}
