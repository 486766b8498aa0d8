import path from 'node:path';
import type { Command } from 'commander';
import { migrations } from '../../../migrations/index.js';
import { createMigration } from '../../ops/migrations/new-migration.js';
import { lintMigrations } from '../../platform/db/migration-lint.js';
import { PROJECT_ROOT, VERSION } from '../../version.js';
import { withContext } from '../context.js';
import { createOutput, table } from '../output.js';
import type { CommandModule } from './types.js';

export const migrateCommand: CommandModule = {
  summary: 'Apply, revert and inspect database migrations',
  register(program: Command) {
    const migrate = program
      .command('migrate')
      .description('Database migrations, run under a Postgres advisory lock');

    migrate
      .command('new')
      .argument('<name>', 'what the migration does, snake_case, e.g. add_car_colour')
      .description(
        'Create migrations/<timestamp>_<name>.ts from a template and list it in migrations/index.ts',
      )
      .option('--dir <dir>', 'the migrations folder', path.join(PROJECT_ROOT, 'migrations'))
      .option('--json', 'machine-readable output')
      .action(async (name: string, o: { dir: string; json?: boolean }) => {
        const out = createOutput(!!o.json);
        const created = await createMigration(o.dir, name);
        out.result(
          `Created ${path.relative(process.cwd(), created.file)} and listed it in index.ts.`,
          created,
        );
      });

    migrate
      .command('up')
      .description('Apply pending migrations')
      .option('--to <name>', 'stop after this migration')
      .option('--json', 'machine-readable output')
      .action(async (o: { to?: string; json?: boolean }) => {
        const out = createOutput(!!o.json);
        await withContext(async (ctx) => {
          out.progress(`Migrating the ${ctx.config.database.kind} database…`);
          const applied = await ctx.migrator.up(o.to ? { to: o.to } : {});
          for (const name of applied) out.progress(`  ↑ ${name}`);
          out.result(
            applied.length ? `Applied ${applied.length} migration(s).` : 'Nothing to apply: up to date.',
            { applied },
          );
        });
      });

    migrate
      .command('down')
      .description('Revert the newest migration, or every migration after --to')
      .option('--to <name>', 'revert down to (not including) this migration')
      .option('--json', 'machine-readable output')
      .action(async (o: { to?: string; json?: boolean }) => {
        const out = createOutput(!!o.json);
        await withContext(async (ctx) => {
          const reverted = await ctx.migrator.down(o.to ? { to: o.to } : {});
          for (const name of reverted) out.progress(`  ↓ ${name}`);
          out.result(reverted.length ? `Reverted ${reverted.length} migration(s).` : 'Nothing to revert.', {
            reverted,
          });
        });
      });

    migrate
      .command('lint')
      .description(
        'Flag unsafe operations in migrations (locks, rewrites, breaking the running release); exits 1 on findings',
      )
      .option('--json', 'machine-readable output')
      .option(
        '--live-version <version>',
        'the release serving while these migrations run: a contract step must not remove what it still uses',
      )
      .action(async (o: { json?: boolean; liveVersion?: string }) => {
        const out = createOutput(!!o.json);
        const findings = await lintMigrations(migrations, {
          version: VERSION,
          ...(o.liveVersion ? { liveVersion: o.liveVersion } : {}),
        });
        const count = Object.keys(migrations).length;
        const human = findings.length
          ? [
              ...findings.map(
                (f) =>
                  `${f.migration}:${f.line}  ${f.rule}\n  ${f.statement ? `${f.statement}\n  ` : ''}→ ${f.message}`,
              ),
              '',
              `${findings.length} finding(s) in ${count} migration(s). Fix them, or allow a rule in the migration with a written reason: lint: { allow: { 'rule': 'why' } }.`,
            ].join('\n')
          : `${count} migration(s) checked: no unsafe operations.`;
        out.result(human, { ok: findings.length === 0, migrations: count, findings });
        if (findings.length) process.exitCode = 1;
      });

    migrate
      .command('status')
      .description('Applied, pending and changed migrations; exits 1 when something needs attention')
      .option('--json', 'machine-readable output')
      .action(async (o: { json?: boolean }) => {
        const out = createOutput(!!o.json);
        await withContext(async (ctx) => {
          const status = await ctx.migrator.status();
          const applied = new Map(status.applied.map((a) => [a.name, a]));
          const rows: string[][] = [['MIGRATION', 'STATE', 'APPLIED AT']];
          for (const name of ctx.migrator.names) {
            const a = applied.get(name);
            const state = !a
              ? 'pending'
              : status.drifted.includes(name)
                ? 'CHANGED SINCE APPLIED'
                : 'applied';
            rows.push([name, state, a ? a.appliedAt.toISOString() : '']);
          }
          for (const name of status.unknown)
            rows.push([name, 'applied, unknown to this build', applied.get(name)!.appliedAt.toISOString()]);
          out.result(table(rows), status);
          if (status.pending.length || status.drifted.length) process.exitCode = 1;
        });
      });
  },
};
