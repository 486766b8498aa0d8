import type { Command } from 'commander';
import { buildApp } from '../../app.js';
import { MODULE_NAMES, type ModuleName } from '../../modules/index.js';
import { listenWithGrace, publicUrl } from '../../server.js';
import { readConfig } from '../../config.js';
import { createContext } from '../../context.js';
import { DEMO_USER } from '../demo-data.js';
import { seedDemoIfEmpty } from '../seed.js';
import type { CommandModule } from './types.js';

export const ROLES = ['all', 'api'] as const;
export type Role = (typeof ROLES)[number];

function parseModules(value: string): ModuleName[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(MODULE_NAMES as string[]).includes(n));
  if (unknown.length) throw new Error(`unknown module(s): ${unknown.join(', ')}; known: ${MODULE_NAMES.join(', ')}`);
  return names as ModuleName[];
}

export async function serve(opts: { role: Role; modules?: ModuleName[] }) {
  const { config: cfg, secrets } = readConfig();
  const ctx = await createContext(cfg, secrets, { role: opts.role });
  const { config, log } = ctx;
  if (config.migrateOnStart) {
    const applied = await ctx.migrator.up();
    if (applied.length) log.info({ applied }, 'migrations applied');
  }
  if (config.demoData) {
    const summary = await seedDemoIfEmpty(ctx);
    if (summary) log.info(summary, 'demo data created');
  }
  const app = await buildApp(ctx, opts.modules ? { modules: opts.modules } : {});
  const address = await listenWithGrace(app, ctx);
  const url = publicUrl(address);
  log.info({ url, role: opts.role, database: config.database.kind }, 'voyage listening');
  process.stderr.write(
    `\nVoyage is running at ${url}\n` +
      `  API docs:   ${url}/docs\n` +
      `  Try:        curl '${url}/search?lat=37.7749&lng=-122.4194'\n` +
      (config.demoData ? `  Demo login: ${DEMO_USER.email} / ${DEMO_USER.password}\n` : '') +
      `  Database:   ${config.database.kind === 'pglite' ? `embedded (${config.database.dataDir ?? 'in memory'})` : 'Postgres server'}\n\n`,
  );
}

export const serveCommand: CommandModule = {
  summary: 'Run the HTTP service',
  register(program: Command) {
    program
      .command('serve')
      .description('Run Voyage. With no DATABASE_URL it uses the embedded database in ./data, migrates and loads demo data.')
      .option('--role <role>', `process role: ${ROLES.join(' | ')}`, 'all')
      .option('--modules <list>', `comma-separated modules to serve (default: all of ${MODULE_NAMES.join(', ')})`, parseModules)
      .action(async (o: { role: string; modules?: ModuleName[] }) => {
        if (!(ROLES as readonly string[]).includes(o.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        await serve({ role: o.role as Role, ...(o.modules ? { modules: o.modules } : {}) });
      });
  },
};
