import { MODULES } from '../modules/index.js';
import type { ModuleDefinition } from '../modules/module.js';
import type { JobDefinition, JobName } from '../platform/jobs.js';
import type { AppContext } from './context.js';
import type { Services } from './services.js';

/**
 * Declares every module's background jobs on the context's job runner. Which processes run them is
 * the runner's business (`work` in the `all` and `worker` roles); the scheduled backup is declared
 * beside them by the server (backup-job.ts).
 */
export function defineJobs(ctx: AppContext, services: Services) {
  const deps = { config: ctx.config, log: ctx.log };
  for (const module of MODULES as readonly ModuleDefinition<unknown>[]) {
    const declared = module.jobs?.(services[module.name], deps);
    for (const job of declared?.jobs ?? []) ctx.jobs.define(job as JobDefinition<JobName>);
    for (const loop of declared?.loops ?? []) ctx.jobs.defineLoop(loop);
  }
}
