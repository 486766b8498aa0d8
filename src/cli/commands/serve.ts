import type { Command } from 'commander';
import { type Config, readConfig, type Secrets } from '../../config/index.js';
import { DEMO_USER } from '../../demo/data.js';
import { seedDemoIfEmpty } from '../../demo/seed.js';
import { buildGateway } from '../../gateway/app.js';
import { createGatewayContext } from '../../gateway/context.js';
import { createServices, defineJobs, MODULE_NAMES, type ModuleName } from '../../modules/index.js';
import { activeTracing } from '../../platform/observability/tracing.js';
import { buildApp } from '../../server/app.js';
import { defineBackupJob } from '../../server/backup-job.js';
import { createContext } from '../../server/context.js';
import { listenWithGrace, publicUrl } from '../../server/lifecycle.js';
import type { CommandModule } from './types.js';

/**
 * One build, several roles: `all` (everything in one process), `gateway` (the edge, forwarding by
 * path prefix to api processes), `api` (module routes, optionally a subset), `worker` (job handlers
 * and schedules, with health and metrics).
 */
export const ROLES = ['all', 'gateway', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

function parseModules(value: string): ModuleName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(MODULE_NAMES as string[]).includes(n));
  if (unknown.length)
    throw new Error(`unknown module(s): ${unknown.join(', ')}; known: ${MODULE_NAMES.join(', ')}`);
  return names as ModuleName[];
}

/** Split roles run as several processes; refuse set-ups that are only correct in one process. */
export function splitRoleProblems(role: Role, config: Config): string[] {
  // The gateway has no database; its own checks live in gateway/context.ts.
  if (role === 'all' || role === 'gateway') return [];
  const problems: string[] = [];
  if (config.database.kind === 'pglite') {
    problems.push(
      `--role ${role} runs beside other processes: set DATABASE_URL to a Postgres server (the embedded database serves one process)`,
    );
  }
  if (role === 'api' && config.http.rateLimitMax > 0 && !config.redisUrl) {
    problems.push(
      '--role api keeps rate-limit counters per process without Redis: set REDIS_URL, or RATE_LIMIT_MAX=0 if the gateway limits',
    );
  }
  return problems;
}

async function serveGateway(config: Config, secrets: Secrets) {
  const ctx = createGatewayContext(config, secrets);
  const app = await buildGateway(ctx);
  const address = await listenWithGrace(app, ctx);
  const { upstreams } = config.gateway;
  ctx.log.info({ url: publicUrl(address), role: 'gateway', upstreams }, 'voyage gateway listening');
}

export async function serve(opts: { role: Role; modules?: ModuleName[] }) {
  const { config, secrets } = readConfig();
  if (opts.role === 'gateway') {
    if (opts.modules) throw new Error('--modules applies to --role api, not to the gateway');
    return serveGateway(config, secrets);
  }
  const problems = splitRoleProblems(opts.role, config);
  if (problems.length) throw new Error(`cannot start:\n  - ${problems.join('\n  - ')}`);

  const ctx = await createContext(config, secrets, { role: opts.role });
  const { log } = ctx;
  if (config.migrateOnStart) {
    const applied = await ctx.migrator.up();
    if (applied.length) log.info({ applied }, 'migrations applied');
  }
  const services = createServices(ctx);
  if (config.demoData && opts.role === 'all') {
    const summary = await seedDemoIfEmpty(ctx, services);
    if (summary) log.info(summary, 'demo data created');
  }
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
  if (opts.role !== 'all') {
    process.stderr.write(`Voyage (${opts.role}) is running at ${url}\n`);
  } else {
    process.stderr.write(
      `\nVoyage is running at ${url}\n` +
        `  API docs:   ${url}/docs\n` +
        `  Try:        curl '${url}/search?lat=37.7749&lng=-122.4194'\n` +
        (config.demoData ? `  Demo login: ${DEMO_USER.email} / ${DEMO_USER.password}\n` : '') +
        `  Database:   ${config.database.kind === 'pglite' ? `embedded (${config.database.dataDir ?? 'in memory'})` : 'Postgres server'}\n\n`,
    );
  }
}

export const serveCommand: CommandModule = {
  summary: 'Run the HTTP service',
  register(program: Command) {
    program
      .command('serve')
      .description(
        'Run Voyage. With no DATABASE_URL it uses the embedded database in ./data, migrates and loads demo data.',
      )
      .option('--role <role>', `process role: ${ROLES.join(' | ')}`, 'all')
      .option(
        '--modules <list>',
        `comma-separated modules to serve (default: all of ${MODULE_NAMES.join(', ')})`,
        parseModules,
      )
      .action(async (o: { role: string; modules?: ModuleName[] }) => {
        if (!(ROLES as readonly string[]).includes(o.role))
          throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        await serve({ role: o.role as Role, ...(o.modules ? { modules: o.modules } : {}) });
      });
  },
};
