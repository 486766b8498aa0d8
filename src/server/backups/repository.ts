import { type Kysely, sql, type Transaction } from 'kysely';
import type { Db } from '../../modules/database.js';
import type { OperationKind, OperationsTables } from './tables.js';

type OpsDb = Kysely<OperationsTables> | Transaction<OperationsTables>;

export type OperationRow = NonNullable<Awaited<ReturnType<OperationsRepository['get']>>>;

/** The operations table: one row per console-started operation, its state and its result. */
export function createOperationsRepository(base: Db) {
  // The operations table is the server's, not a module's: it joins the schema's type here only.
  const ops = base as unknown as Kysely<OperationsTables>;
  return {
    transaction: <T>(fn: (tx: Transaction<OperationsTables>) => Promise<T>) => ops.transaction().execute(fn),

    insert: (
      row: {
        kind: OperationKind;
        backupId: string | null;
        options: Record<string, unknown>;
        steps: string[];
        requestedBy: string | null;
        at: Date;
      },
      db: OpsDb = ops,
    ) =>
      db
        .insertInto('operations')
        .values({
          kind: row.kind,
          backup_id: row.backupId,
          options: JSON.stringify(row.options),
          steps: row.steps,
          requested_by: row.requestedBy,
          created_at: row.at,
          updated_at: row.at,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),

    get: (id: string, db: OpsDb = ops) =>
      db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst(),

    active: (db: OpsDb = ops) =>
      db
        .selectFrom('operations')
        .selectAll()
        .where('status', 'in', ['queued', 'running'])
        .where('kind', 'in', ['backup.create', 'backup.verify'])
        .executeTakeFirst(),

    /** Claims a queued operation for a run; false when it already ran or was given up. */
    async start(id: string, at: Date, phase: string, db: OpsDb = ops): Promise<boolean> {
      const res = await db
        .updateTable('operations')
        .set({ status: 'running', started_at: at, updated_at: at, phase })
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    },

    progress: (
      id: string,
      p: { phase: string; percent: number; message: string | null; at: Date },
      db: OpsDb = ops,
    ) =>
      db
        .updateTable('operations')
        .set({ phase: p.phase, percent: p.percent, message: p.message, updated_at: p.at })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute(),

    finish: (
      id: string,
      f: { ok: boolean; result: unknown; error: string | null; at: Date },
      db: OpsDb = ops,
    ) =>
      db
        .updateTable('operations')
        .set({
          status: f.ok ? 'done' : 'failed',
          percent: f.ok ? 100 : sql<number>`percent`,
          result: f.result === undefined ? null : JSON.stringify(f.result),
          error: f.error,
          updated_at: f.at,
          finished_at: f.at,
        })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .execute(),

    /**
     * Gives up operations whose worker went away: running ones silent past `runningBefore`
     * (a run reports at least every heartbeat), queued ones never picked up by `queuedBefore`.
     */
    abandon: (at: Date, runningBefore: Date, queuedBefore: Date, db: OpsDb = ops) =>
      db
        .updateTable('operations')
        .set({
          status: 'failed',
          error: 'abandoned: the worker running it stopped reporting',
          updated_at: at,
          finished_at: at,
        })
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'running'), eb('updated_at', '<', runningBefore)]),
            eb.and([eb('status', '=', 'queued'), eb('created_at', '<', queuedBefore)]),
          ]),
        )
        .execute(),
  };
}

export type OperationsRepository = ReturnType<typeof createOperationsRepository>;
