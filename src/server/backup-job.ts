import { runOperation } from './backups/run.js';
import { createBackupConsole } from './backups/service.js';
import type { AppContext } from './context.js';

declare module '../platform/jobs.js' {
  interface JobCatalogue {
    'ops.backup': Record<string, never>;
  }
}

/**
 * The scheduled backup, run by the worker (and all-in-one) role on BACKUP_SCHEDULE: create, verify
 * (unless BACKUP_VERIFY=false), then prune to the retention policy. pg-boss hands each scheduled
 * run to one worker, however many there are. A run takes the same slot as the console's backups
 * (an operation of no one's), so the console shows it and never starts a second one beside it.
 */
export function defineBackupJob(ctx: AppContext) {
  const schedule = ctx.config.backup.schedule;
  const operations = createBackupConsole(ctx);
  ctx.jobs.define({
    name: 'ops.backup',
    // Without a cron the job is still declared, so that a schedule left from earlier is removed.
    ...(schedule ? { cron: schedule } : {}),
    retryLimit: 2,
    retryDelaySeconds: 300,
    expireInSeconds: 6 * 3600,
    concurrency: 1,
    handler: async () => {
      if (!schedule) {
        ctx.log.info('backup job skipped: BACKUP_SCHEDULE=off');
        return;
      }
      const operationId = await operations.claimScheduled(ctx.config.backup.verify);
      // Retried with backoff: the console's operation will have ended by then.
      if (!operationId) throw new Error('a backup or verify started from the console is running');
      await runOperation(operations, ctx, operationId);
      const op = await operations.operation(operationId);
      if (op.status !== 'done') throw new Error(`scheduled backup failed: ${op.error}`);
      ctx.log.info({ operationId, result: op.result }, 'backup created');
      const plan = await operations.engine().prune();
      if (plan.remove.length) ctx.log.info({ removed: plan.remove }, 'old backups pruned');
    },
  });
}
