import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, Secrets } from '../config/index.js';
import { MODULE_NAMES, type ModuleName } from '../modules/manifest.js';
import { isConnectionError } from '../platform/db/errors.js';
import { activeTracing } from '../platform/observability/tracing.js';
import { buildApp } from './app.js';
import { defineBackupJob } from './backup-job.js';
import { defineBackupOperationsJob } from './backups/job.js';
import { type AppContext, createContext } from './context.js';
import { defineJobs } from './jobs.js';
import { listenWithGrace, publicUrl } from './lifecycle.js';
import { splitRoleProblems } from './roles.js';
import { createServices, type Services } from './services.js';

export interface ServeOptions {
  role: 'all' | 'api' | 'worker';
  /** The api role's modules; all by default. */
  modules?: readonly ModuleName[];
  /** Runs after migrations and before requests are served (the CLI seeds demo data here). */
  beforeListen?: (ctx: AppContext, services: Services) => Promise<void>;
}

/**
 * Starts the `all`, `api` or `worker` role. The listener opens first, answering probes: until the
 * database answers, migrations are applied and jobs run, readiness is 503 and every other request
 * gets 503 `starting`. A process started while Postgres is down waits for it instead of exiting, so
 * that a supervisor's retry limit never leaves every replica down. Resolves with the URL once serving.
 */
export async function serve(config: Config, secrets: Secrets, opts: ServeOptions): Promise<{ url: string }> {
  const problems = splitRoleProblems(opts.role, config);
  if (problems.length) throw new Error(`cannot start:\n  - ${problems.join('\n  - ')}`);

  const ctx = await createContext(config, secrets, { role: opts.role });
  const { log } = ctx;
  let starting: string | undefined = 'waiting for the database';
  ctx.health.register('startup', async () => (starting ? { ok: false, detail: starting } : true));

  const services = createServices(ctx);
  const modules = opts.role === 'worker' ? [] : opts.modules;
  const app = await buildApp(ctx, {
    services,
    ...(modules ? { modules } : {}),
    startup: () => starting,
  });
  // Spans still buffered are flushed on the way out.
  const address = await listenWithGrace(app, ctx, async () => {
    await activeTracing()
      ?.shutdown()
      .catch((err) => log.warn({ err }, 'flushing traces failed'));
  });
  const url = publicUrl(address);

  if (!(await waitForDatabase(ctx))) return { url };
  starting = 'applying migrations';
  if (config.migrateOnStart) {
    const applied = await ctx.migrator.up();
    if (applied.length) log.info({ applied }, 'migrations applied');
  }
  starting = 'starting jobs';
  await opts.beforeListen?.(ctx, services);
  defineJobs(ctx, services);
  defineBackupJob(ctx);
  defineBackupOperationsJob(ctx);
  await ctx.jobs.start();
  ctx.health.register('jobs', async () => ctx.jobs.boss !== undefined);
  if (opts.role !== 'worker' && (!modules || modules.includes('availability'))) {
    starting = 'loading the search model';
    await services.availability.startModel();
  }
  starting = undefined;
  log.info(
    {
      url,
      role: opts.role,
      modules: modules ?? MODULE_NAMES,
      database: config.database.kind,
      tracing: activeTracing() ? config.tracing.tracesUrl : 'off',
    },
    'voyage listening',
  );
  return { url };
}

/**
 * Polls the database until it answers. Connection errors are waited out (logged every 10 s); any
 * other error is a real fault and stops the start. False when shutdown began while waiting.
 */
async function waitForDatabase(ctx: AppContext): Promise<boolean> {
  let lastLog = 0;
  const since = Date.now();
  for (;;) {
    if (ctx.health.shuttingDown) return false;
    try {
      await ctx.database.pool.query('SELECT 1');
      if (lastLog) ctx.log.info({ waitedMs: Date.now() - since }, 'database reachable; starting');
      return true;
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      if (Date.now() - lastLog >= 10_000) {
        lastLog = Date.now();
        ctx.log.warn(
          { reason: (err as Error).message, waitedMs: lastLog - since },
          'database unreachable; not ready, waiting for it',
        );
      }
    }
    await sleep(1000);
  }
}
