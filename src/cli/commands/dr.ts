import type { Command } from 'commander';
import { readConfig } from '../../config/index.js';
import { newestPgBinDir } from '../../ops/dr/cluster.js';
import { runDrill } from '../../ops/dr/drill.js';
import { createOutput } from '../output.js';
import { type CommandModule, wholeNumber } from './types.js';

export const drCommand: CommandModule = {
  summary: 'Disaster recovery: the point-in-time recovery drill',
  register(program: Command) {
    const dr = program
      .command('dr')
      .description('Disaster recovery with pgBackRest (docs/runbooks/disaster-recovery.md)');
    dr.command('drill')
      .description(
        'On a throwaway cluster: archive WAL to pgBackRest, load data, back up, write, pick an instant T, destroy the ' +
          'data directory, restore to T, and check that every row committed before T is back and none after; prints RTO and RPO',
      )
      .option('--rows <n>', 'bookings to load before the backup', wholeNumber('--rows'), 100_000)
      .option(
        '--archive-timeout <s>',
        'archive_timeout of the drill cluster, seconds',
        wholeNumber('--archive-timeout'),
        5,
      )
      .option('--write-before <s>', 'seconds of live writes before T', wholeNumber('--write-before'), 3)
      .option(
        '--write-after <s>',
        'seconds of live writes after T, before the disaster',
        wholeNumber('--write-after'),
        10,
      )
      .option('--pg-bin-dir <dir>', 'Postgres server programs (initdb, pg_ctl); default the newest installed')
      .option('--keep', 'keep the cluster directory (stopped) for inspection')
      .option('--json', 'machine-readable output')
      .action(
        async (o: {
          rows: number;
          archiveTimeout: number;
          writeBefore: number;
          writeAfter: number;
          pgBinDir?: string;
          keep?: boolean;
          json?: boolean;
        }) => {
          const out = createOutput(!!o.json);
          const binDir = o.pgBinDir ?? readConfig().config.backup.pgBinDir ?? newestPgBinDir();
          if (!binDir)
            throw new Error('no Postgres server programs found: install postgresql-15 or pass --pg-bin-dir');
          if (o.archiveTimeout < 1) throw new Error('--archive-timeout must be at least 1 second');
          const report = await runDrill({
            rows: o.rows,
            binDir,
            archiveTimeoutSeconds: o.archiveTimeout,
            writeBeforeSeconds: o.writeBefore,
            writeAfterSeconds: o.writeAfter,
            keep: !!o.keep,
            progress: out.progress,
          });
          const s = (n: number) => `${n.toFixed(1)} s`;
          const verdict = report.ok ? 'PASSED' : 'FAILED';
          const target = (n: number, max: number) =>
            n <= max ? `≤ ${max} s target met` : `ABOVE the ${max} s target`;
          out.result(
            [
              `DR drill ${verdict}: ${report.rows.toLocaleString('en')} rows restored to T = ${report.targetTime}`,
              `  RTO ${s(report.rtoSeconds)} (destroy → ready for writes; ${target(report.rtoSeconds, report.targets.rtoSeconds)})`,
              `  RPO ${s(report.rpoSeconds)} (disaster → newest commit already archived; archive_timeout ${report.archiveTimeoutSeconds} s; ${target(report.rpoSeconds, report.targets.rpoSeconds)})`,
              `  writes: ${report.writes.beforeTarget} before T all back, ${report.writes.afterTarget} after T none back (${report.writes.restored} restored)`,
              `  amcheck: ${report.indexesChecked} btree indexes`,
              `  phases: ${Object.entries(report.phases)
                .map(([k, v]) => `${k} ${s(v)}`)
                .join(', ')}`,
              ...report.problems.map((p) => `  ✗ ${p}`),
              ...(report.clusterDir ? [`  cluster kept in ${report.clusterDir}`] : []),
            ].join('\n'),
            report,
          );
          if (!report.ok) process.exitCode = 1;
        },
      );
  },
};
