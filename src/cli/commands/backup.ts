import type { Command } from 'commander';
import { childEnvironment, readConfig } from '../../config/index.js';
import { type BackupTarget, openBackupTarget } from '../../platform/backup/open.js';
import type { Verification } from '../../platform/backup/store.js';
import { systemClock } from '../../platform/clock.js';
import { createOutput, type Output, table } from '../output.js';
import type { CommandModule } from './types.js';

async function withBackups<T>(open: boolean, fn: (t: BackupTarget) => Promise<T>): Promise<T> {
  const { config } = readConfig();
  const target = await openBackupTarget({ ...config, processEnv: childEnvironment() }, systemClock, open);
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

function reportVerification(out: Output, v: Verification) {
  for (const p of v.problems) out.progress(`  ✗ ${p}`);
  if (!v.ok) process.exitCode = 1;
}

export const backupCommand: CommandModule = {
  summary: 'Create, list, verify, restore and prune database backups',
  register(program: Command) {
    const backup = program
      .command('backup')
      .description('Database backups in BACKUP_DIR, each with a manifest of what it holds');

    backup
      .command('create')
      .description('Back up the database (pg_dump -Fc on a server, a data-directory dump when embedded)')
      .option('--verify', 'then restore it into a scratch database and check it; exit 1 if that fails')
      .option('--json', 'machine-readable output')
      .action(async (o: { verify?: boolean; json?: boolean }) => {
        const out = createOutput(!!o.json);
        await withBackups(true, async ({ backups }) => {
          const manifest = await backups.create({ progress: out.progress });
          const verification = o.verify
            ? await backups.verify(manifest.id, { progress: out.progress })
            : undefined;
          const verdict = verification ? (verification.ok ? ', verified' : ', VERIFICATION FAILED') : '';
          out.result(
            `${manifest.id}  ${mb(manifest.sizeBytes)}  ${manifest.tables.length} tables  ${(manifest.durationMs / 1000).toFixed(1)} s${verdict}`,
            { ...manifest, verification },
          );
          if (verification) reportVerification(out, verification);
        });
      });

    backup
      .command('list')
      .description('Backups, newest first, with their verification state')
      .option('--json', 'machine-readable output')
      .action(async (o: { json?: boolean }) => {
        const out = createOutput(!!o.json);
        await withBackups(false, async ({ backups }) => {
          const all = await backups.list();
          const rows: string[][] = [['ID', 'KIND', 'CREATED', 'SIZE', 'MIGRATION', 'VERIFIED']];
          for (const { manifest: m, verification: v } of all) {
            rows.push([
              m.id,
              m.kind,
              m.createdAt,
              mb(m.sizeBytes),
              m.latestMigration ?? '',
              v ? (v.ok ? `ok ${v.at}` : `FAILED ${v.at}`) : 'no',
            ]);
          }
          out.result(all.length ? table(rows) : 'No backups yet.', all);
        });
      });

    backup
      .command('verify')
      .argument('[id]', 'backup id, or latest', 'latest')
      .description(
        'Restore a backup into a scratch database, compare it with its manifest, run amcheck; exit 1 on failure',
      )
      .option('--json', 'machine-readable output')
      .action(async (id: string, o: { json?: boolean }) => {
        const out = createOutput(!!o.json);
        await withBackups(false, async ({ backups }) => {
          const v = await backups.verify(id, { progress: out.progress });
          out.result(
            v.ok
              ? `Verified: ${v.tablesChecked} tables match the manifest, ${v.indexesChecked} btree indexes pass amcheck (${(v.durationMs / 1000).toFixed(1)} s).`
              : `Verification FAILED:\n${v.problems.map((p) => `  - ${p}`).join('\n')}`,
            v,
          );
          if (!v.ok) process.exitCode = 1;
        });
      });

    backup
      .command('restore')
      .argument('[id]', 'backup id, or latest', 'latest')
      .description(
        'Replace the database with a backup, all or nothing; refuses a non-empty database without --force and takes a safety backup of it first',
      )
      .option('--force', 'replace a database that is not empty')
      .option('--json', 'machine-readable output')
      .action(async (id: string, o: { force?: boolean; json?: boolean }) => {
        const out = createOutput(!!o.json);
        await withBackups(true, async ({ backups }) => {
          const r = await backups.restore(id, { force: !!o.force, progress: out.progress });
          const v = r.verification;
          const safety = r.safetyBackup ? ` Safety backup of the previous contents: ${r.safetyBackup}.` : '';
          out.result(
            v.ok
              ? `Restored ${r.restored}: ${v.tablesChecked} tables match the manifest, ${v.indexesChecked} btree indexes pass amcheck.${safety}`
              : `Restored ${r.restored}, but the checks FAILED:\n${v.problems.map((p) => `  - ${p}`).join('\n')}\n${safety}`,
            r,
          );
          if (!v.ok) process.exitCode = 1;
        });
      });

    backup
      .command('prune')
      .description('Delete backups outside the retention policy (BACKUP_KEEP_DAILY / _WEEKLY / _MONTHLY)')
      .option('--dry-run', 'only say what would be deleted')
      .option('--json', 'machine-readable output')
      .action(async (o: { dryRun?: boolean; json?: boolean }) => {
        const out = createOutput(!!o.json);
        await withBackups(false, async ({ backups }) => {
          const plan = await backups.prune({ dryRun: !!o.dryRun, progress: out.progress });
          const lines = [
            ...plan.keep.map((k) => `keep    ${k.id}  (${k.reasons.join(', ')})`),
            ...plan.remove.map((id) => `${o.dryRun ? 'would delete' : 'deleted'} ${id}`),
          ];
          out.result(lines.length ? lines.join('\n') : 'No backups.', { dryRun: !!o.dryRun, ...plan });
        });
      });
  },
};
