import { childEnvironment } from '../../config/index.js';
import { BACKUP_AGE_ALERT_SECONDS, backupAgeState } from '../../platform/backup/age-alert.js';
import type { Backups } from '../../platform/backup/backups.js';
import { backupsFor, engineFor } from '../../platform/backup/open.js';
import type { StoredBackup } from '../../platform/backup/store.js';
import { notFound, serviceUnavailable } from '../../platform/http/errors.js';
import type { AppContext } from '../context.js';
import { createOperationsRepository, type OperationRow } from './repository.js';
import type { OperationKind } from './tables.js';

declare module '../../platform/jobs.js' {
  interface JobCatalogue {
    'ops.backup-operation': { operationId: string };
  }
}

export const OPERATION_JOB = 'ops.backup-operation';
/** A run reports at least this often; one silent for three beats is taken for dead. */
const HEARTBEAT_MS = 20_000;
/** An operation no worker picked up in this long is given up (no worker runs, or all are busy). */
const QUEUED_LIMIT_MS = 15 * 60_000;

/** The phases each kind goes through, in order; the share of the bar each one fills. */
const STEPS = {
  create: ['digesting-tables', 'dumping'],
  verify: ['checking-file', 'restoring', 'comparing-tables', 'checking-indexes'],
} as const;

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/**
 * The console's backups: the list with each backup's verification and the newest one's age
 * against the alert's threshold, and backups and verifies run as jobs whose progress is stored in
 * the operations table, so any replica can report it.
 */
export function createBackupConsole(ctx: AppContext) {
  const repo = createOperationsRepository(ctx.db);
  const live =
    ctx.database.pglite !== undefined
      ? () => ({ pglite: ctx.database.pglite!, pool: ctx.database.pool })
      : undefined;
  const config = { ...ctx.config, processEnv: childEnvironment() };
  let backups: Backups | undefined;
  const engine = () => {
    backups ??= backupsFor(config, ctx.clock, engineFor(config, live), ctx.backupStore);
    return backups;
  };

  function describe(b: StoredBackup, now: Date) {
    const m = b.manifest;
    return {
      id: m.id,
      createdAt: m.createdAt,
      ageSeconds: seconds(new Date(m.createdAt), now),
      sizeBytes: m.sizeBytes,
      kind: m.kind,
      engine: m.engine,
      sha256: m.sha256,
      latestMigration: m.latestMigration,
      durationMs: m.durationMs,
      tables: m.tables,
      verification: b.verification ?? null,
    };
  }

  function view(op: OperationRow) {
    return {
      id: op.id,
      kind: op.kind,
      status: op.status,
      backupId: op.backup_id,
      steps: op.steps,
      phase: op.phase,
      percent: op.percent,
      message: op.message,
      result: (op.result ?? null) as Record<string, unknown> | null,
      error: op.error,
      requestedBy: op.requested_by,
      createdAt: op.created_at.toISOString(),
      startedAt: op.started_at?.toISOString() ?? null,
      finishedAt: op.finished_at?.toISOString() ?? null,
    };
  }

  async function reap() {
    const now = ctx.clock.now();
    await repo.abandon(
      now,
      new Date(now.getTime() - 3 * HEARTBEAT_MS),
      new Date(now.getTime() - QUEUED_LIMIT_MS),
    );
  }

  async function list() {
    await reap();
    const now = ctx.clock.now();
    const stored = await ctx.backupStore.list();
    // As the alert sees it: the newest backup that is not a safety copy and did not fail verification.
    const newest = stored.find((b) => b.manifest.kind !== 'safety' && b.verification?.ok !== false);
    const ageSeconds = newest ? seconds(new Date(newest.manifest.createdAt), now) : null;
    const active = await repo.active();
    return {
      backups: stored.map((b) => describe(b, now)),
      newest: {
        id: newest?.manifest.id ?? null,
        ageSeconds,
        thresholdSeconds: BACKUP_AGE_ALERT_SECONDS,
        state: backupAgeState(ageSeconds),
      },
      activeOperation: active ? view(active) : null,
    };
  }

  async function start(
    kind: OperationKind,
    who: { userId: string },
    opts: { backupId: string | null; verify: boolean },
  ) {
    if (!ctx.jobs.boss) throw serviceUnavailable('jobs_unavailable', 'Background jobs are not running here');
    await reap();
    const steps = [
      ...(kind === 'backup.create' ? STEPS.create : []),
      ...(kind === 'backup.verify' || opts.verify ? STEPS.verify : []),
    ];
    // The partial unique index refuses a second active backup operation: 409 backup_operation_running.
    const op = await repo.transaction(async (tx) => {
      const row = await repo.insert(
        {
          kind,
          backupId: opts.backupId,
          options: { verify: opts.verify },
          steps,
          requestedBy: who.userId,
          at: ctx.clock.now(),
        },
        tx,
      );
      await ctx.audit.record(tx, {
        action: kind === 'backup.create' ? 'backup.start' : 'backup.verify.start',
        actorId: who.userId,
        subject: opts.backupId ?? row.id,
        details: { operationId: row.id, ...(kind === 'backup.create' ? { verify: opts.verify } : {}) },
      });
      return row;
    });
    try {
      await ctx.jobs.send(OPERATION_JOB, { operationId: op.id }, { retryLimit: 0 });
    } catch (err) {
      await repo.finish(op.id, {
        ok: false,
        result: undefined,
        error: 'could not be queued',
        at: ctx.clock.now(),
      });
      throw err;
    }
    return view(op);
  }

  return {
    list,
    startBackup: (who: { userId: string }, verify: boolean) =>
      start('backup.create', who, { backupId: null, verify }),
    async startVerify(who: { userId: string }, backupId: string) {
      if (!(await ctx.backupStore.get(backupId))) throw notFound('backup_not_found', `No backup ${backupId}`);
      return start('backup.verify', who, { backupId, verify: true });
    },
    /**
     * Takes the one backup slot for a scheduled run, as an operation of no one's; null while a
     * console operation holds it.
     */
    async claimScheduled(verify: boolean): Promise<string | null> {
      await reap();
      const steps = [...STEPS.create, ...(verify ? STEPS.verify : [])];
      try {
        const row = await repo.insert({
          kind: 'backup.create',
          backupId: null,
          options: { verify, scheduled: true },
          steps,
          requestedBy: null,
          at: ctx.clock.now(),
        });
        return row.id;
      } catch (err) {
        if ((err as { code?: string }).code === '23505') return null;
        throw err;
      }
    },
    async operation(id: string) {
      await reap();
      const op = await repo.get(id);
      if (!op) throw notFound('operation_not_found', `No operation ${id}`);
      return view(op);
    },
    repo,
    engine,
    steps: STEPS,
    heartbeatMs: HEARTBEAT_MS,
  };
}

export type BackupConsole = ReturnType<typeof createBackupConsole>;
