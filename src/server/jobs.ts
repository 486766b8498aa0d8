import { MODULES } from '../modules/index.js';
import type { ModuleDefinition } from '../modules/module.js';
import type { JobDefinition, JobName } from '../platform/jobs.js';
import type { AppContext } from './context.js';
import type { Services } from './services.js';

declare module '../platform/jobs.js' {
  interface JobCatalogue {
    'bookings.purge-idempotency-keys': Record<string, never>;
  }
}

/**
 * Declares every module's background jobs on the context's job runner. Which processes run them is
 * the runner's business (`work` in the `all` and `worker` roles); the scheduled backup is declared
 * beside them by the server (backup-job.ts). The purge of expired Idempotency-Keys is declared here.
 */
export function defineJobs(ctx: AppContext, services: Services) {
  const deps = { config: ctx.config, log: ctx.log };
  for (const module of MODULES as readonly ModuleDefinition<unknown>[]) {
    const declared = module.jobs?.(services[module.name], deps);
    for (const job of declared?.jobs ?? []) ctx.jobs.define(job as JobDefinition<JobName>);
    for (const loop of declared?.loops ?? []) ctx.jobs.defineLoop(loop);
  }
  // Idempotency keys are remembered 24 h; every hour the older ones are forgotten.
  ctx.jobs.define({
    name: 'bookings.purge-idempotency-keys',
    cron: '17 * * * *',
    retryLimit: 2,
    handler: async () => {
      const purged = await ctx.idempotency.purge();
      ctx.log.info({ purged }, 'expired idempotency keys purged');
    },
  });
}
