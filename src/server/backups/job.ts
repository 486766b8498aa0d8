import type { AppContext } from '../context.js';
import { runOperation } from './run.js';
import { type BackupConsole, createBackupConsole, OPERATION_JOB } from './service.js';

/**
 * Declares the job that runs console-started backups and verifies. Every role declares it (the
 * api role sends it); the worker and all-in-one roles run it, one at a time per process. A failed
 * run is recorded on its operation and not retried: the operator decides whether to start another.
 */
export function defineBackupOperationsJob(ctx: AppContext, c: BackupConsole = createBackupConsole(ctx)) {
  ctx.jobs.define({
    name: OPERATION_JOB,
    retryLimit: 0,
    expireInSeconds: 6 * 3600,
    concurrency: 1,
    handler: ({ operationId }) => runOperation(c, ctx, operationId),
  });
}
