import { childEnvironment } from '../config/index.js';
import { backupsFor, engineFor } from '../platform/backup/open.js';
import type { AppContext } from './context.js';

declare module '../platform/jobs.js' {
  interface JobCatalogue {
    'ops.backup': Record<string, never>;
  }
}

/**
 * The scheduled backup, run by the worker (and all-in-one) role on BACKUP_SCHEDULE: create, verify
 * (unless BACKUP_VERIFY=false), then prune to the retention policy. pg-boss hands each scheduled
 * run to one worker, however many there are.
 */
export function defineBackupJob(ctx: AppContext) {
  const schedule = ctx.config.backup.schedule;
  const live =
    ctx.database.pglite !== undefined
      ? () => ({ pglite: ctx.database.pglite!, pool: ctx.database.pool })
      : undefined;
  const config = { ...ctx.config, processEnv: childEnvironment() };
  const backups = backupsFor(config, ctx.clock, engineFor(config, live), ctx.backupStore);
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
      const manifest = await backups.create({ kind: 'scheduled' });
      ctx.log.info(
        { id: manifest.id, sizeBytes: manifest.sizeBytes, ms: manifest.durationMs },
        'backup created',
      );
      if (ctx.config.backup.verify) {
        const verification = await backups.verify(manifest.id);
        if (!verification.ok) {
          throw new Error(`backup ${manifest.id} failed verification: ${verification.problems.join('; ')}`);
        }
        ctx.log.info({ id: manifest.id, ms: verification.durationMs }, 'backup verified');
      }
      const plan = await backups.prune();
      if (plan.remove.length) ctx.log.info({ removed: plan.remove }, 'old backups pruned');
    },
  });
}
