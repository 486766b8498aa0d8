import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { readConfig } from '../../config/index.js';
import { MODULE_NAMES, type ModuleName } from '../../modules/manifest.js';
import { ROLES, type Role } from '../../server/roles.js';
import type { CommandModule } from './types.js';

function parseModules(value: string): ModuleName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(MODULE_NAMES as readonly string[]).includes(n));
  if (unknown.length)
    throw new Error(`unknown module(s): ${unknown.join(', ')}; known: ${MODULE_NAMES.join(', ')}`);
  return names as ModuleName[];
}

/**
 * `voyage serve`: the gateway role loads only the gateway (no module code); the other roles load
 * the server, and the all-in-one role seeds demo data through the server's beforeListen hook.
 */
export async function serve(opts: { role: Role; modules?: ModuleName[] }) {
  const { config, secrets } = readConfig();
  if (opts.role === 'gateway') {
    if (opts.modules) throw new Error('--modules applies to --role api, not to the gateway');
    const { serveGateway } = await import('../../server/serve-gateway.js');
    await serveGateway(config, secrets);
    return;
  }
  const [{ serve: serveRole }, { DEMO_USER, DEMO_ADMIN }, { seedDemoIfEmpty }] = await Promise.all([
    import('../../server/serve.js'),
    import('../../demo/data.js'),
    import('../../demo/seed.js'),
  ]);
  const seedDemo = config.demoData && opts.role === 'all';
  const { url } = await serveRole(config, secrets, {
    role: opts.role,
    ...(opts.modules ? { modules: opts.modules } : {}),
    ...(seedDemo && {
      beforeListen: async (ctx, services) => {
        const summary = await seedDemoIfEmpty(ctx, services);
        if (summary) ctx.log.info(summary, 'demo data created');
      },
    }),
  });
  if (opts.role !== 'all') {
    process.stderr.write(`Voyage (${opts.role}) is running at ${url}\n`);
    return;
  }
  const database =
    config.database.kind === 'pglite'
      ? `embedded (${config.database.dataDir ?? 'in memory'})`
      : 'Postgres server';
  process.stderr.write(
    `\nVoyage is running at ${url}\n` +
      (existsSync(path.join(config.web.dir, 'index.html'))
        ? `  Web app:    ${url}/ (open it in a browser)\n`
        : `  Web app:    not built (npm run build)\n`) +
      `  API docs:   ${url}/docs\n` +
      `  Try:        curl '${url}/search?lat=37.7749&lng=-122.4194'\n` +
      (config.demoData
        ? `  Demo login: ${DEMO_USER.email} / ${DEMO_USER.password}\n` +
          `  Demo admin: ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}` +
          ' (admin operations need MFA: POST /auth/mfa/setup, then /auth/mfa/enable)\n'
        : '') +
      `  Database:   ${database}\n\n`,
  );
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
