import type { Config, Secrets } from '../config/index.js';
import { MODULE_NAMES, type ModuleName } from '../modules/manifest.js';
import { activeTracing } from '../platform/observability/tracing.js';
import { buildApp } from './app.js';
import { defineBackupJob } from './backup-job.js';
import { type AppContext, createContext } from './context.js';
import { defineJobs } from './jobs.js';
import { listenWithGrace, publicUrl } from './lifecycle.js';
import { splitRoleProblems } from './roles.js';
import { createServices, type Services } from './services.js';

export interface ServeOptions {
  role: 'all' | 'api' | 'worker';
  /** The api role's modules; all by default. */
  modules?: readonly ModuleName[];
  /** Runs after migrations and before the listener opens (the CLI seeds demo data here). */
  beforeListen?: (ctx: AppContext, services: Services) => Promise<void>;
}

/**
 * Starts the `all`, `api` or `worker` role: context, migrations (when configured), jobs, then the
 * HTTP listener with its graceful shutdown. Resolves with the URL once listening.
 */
export async function serve(config: Config, secrets: Secrets, opts: ServeOptions): Promise<{ url: string }> {
  const problems = splitRoleProblems(opts.role, config);
  if (problems.length) throw new Error(`cannot start:\n  - ${problems.join('\n  - ')}`);

  const ctx = await createContext(config, secrets, { role: opts.role });
  const { log } = ctx;
  if (config.migrateOnStart) {
    const applied = await ctx.migrator.up();
    if (applied.length) log.info({ applied }, 'migrations applied');
  }
  const services = createServices(ctx);
  await opts.beforeListen?.(ctx, services);
  defineJobs(ctx, services);
  defineBackupJob(ctx);
  await ctx.jobs.start();
  ctx.health.register('jobs', async () => ctx.jobs.boss !== undefined);

  const modules = opts.role === 'worker' ? [] : opts.modules;
  const app = await buildApp(ctx, { services, ...(modules ? { modules } : {}) });
  // Spans still buffered are flushed on the way out.
  const address = await listenWithGrace(app, ctx, async () => {
    await activeTracing()
      ?.shutdown()
      .catch((err) => log.warn({ err }, 'flushing traces failed'));
  });
  const url = publicUrl(address);
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
