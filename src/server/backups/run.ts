import type { Progress } from '../../platform/backup/engine.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { BackupConsole } from './service.js';

const TABLE_LINE = /^\s+\S+\.\S+: [\d,]+ rows$/;

/** Which phase a backup's progress line starts, if it starts one. */
export function phaseOf(message: string): string | undefined {
  if (message.startsWith('Backing up')) return 'digesting-tables';
  if (/^\s+(dumping the embedded|pg_dump )/.test(message)) return 'dumping';
  if (message.startsWith('Verifying')) return 'checking-file';
  if (/^\s+(loading the dump|scratch database \S+$|restoring into)/.test(message)) return 'restoring';
  if (TABLE_LINE.test(message)) return 'comparing-tables';
  if (/^\s+amcheck:/.test(message)) return 'checking-indexes';
  return undefined;
}

/**
 * Turns a run's progress lines into stored state: the phase, a percent (phases share the bar
 * evenly; counting tables moves it within theirs) and the last line. Writes go one after the
 * other; a heartbeat rewrites the state so that a live run is never taken for an abandoned one.
 */
function tracker(opts: {
  console: BackupConsole;
  id: string;
  steps: string[];
  clock: Clock;
  heartbeatMs: number;
  log: Logger;
}) {
  const { steps } = opts;
  let index = 0;
  let tablesSeen = 0;
  let tablesExpected = 0;
  let message: string | null = null;
  let writes = Promise.resolve();
  const write = () => {
    const step = Math.max(0, index);
    const within = steps[step] === 'comparing-tables' || steps[step] === 'digesting-tables';
    const fraction = within && tablesExpected > 0 ? Math.min(1, tablesSeen / tablesExpected) : 0;
    const percent = Math.min(99, Math.round((100 * (step + fraction)) / steps.length));
    const state = { phase: steps[step]!, percent, message, at: opts.clock.now() };
    writes = writes
      .then(() => opts.console.repo.progress(opts.id, state))
      .then(() => undefined)
      .catch((err) => opts.log.warn({ err, operationId: opts.id }, 'progress could not be stored'));
  };
  const heartbeat = setInterval(write, opts.heartbeatMs);
  heartbeat.unref();
  return {
    /** Enters a phase that is part of this operation's plan (a verify after a backup counts again). */
    phase(name: string, expectedTables = 0) {
      const next = steps.indexOf(name, index);
      if (next < 0) return;
      index = next;
      tablesSeen = 0;
      if (expectedTables) tablesExpected = expectedTables;
      write();
    },
    progress: ((line: string) => {
      const phase = phaseOf(line);
      if (phase && phase !== steps[index]) {
        const next = steps.indexOf(phase, index);
        if (next >= 0) {
          index = next;
          tablesSeen = 0;
        }
      }
      if (TABLE_LINE.test(line)) tablesSeen++;
      message = line.trim();
      write();
    }) satisfies Progress,
    async done() {
      clearInterval(heartbeat);
      await writes;
    },
  };
}

/** The job handler: runs one queued operation to its end, and records how it ended. */
export async function runOperation(
  c: BackupConsole,
  ctx: { clock: Clock; log: Logger },
  operationId: string,
) {
  const op = await c.repo.get(operationId);
  if (!op) return;
  const steps = op.steps;
  if (!(await c.repo.start(op.id, ctx.clock.now(), steps[0]!))) return; // already ran, or given up
  const t = tracker({
    console: c,
    id: op.id,
    steps,
    clock: ctx.clock,
    heartbeatMs: c.heartbeatMs,
    log: ctx.log,
  });
  const backups = c.engine();
  const finish = async (ok: boolean, result: unknown, error: string | null) => {
    await t.done();
    await c.repo.finish(op.id, { ok, result, error, at: ctx.clock.now() });
  };
  try {
    let backupId = op.backup_id;
    let manifest: unknown;
    if (op.kind === 'backup.create') {
      const [previous] = await backups.list();
      t.phase('digesting-tables', previous?.manifest.tables.length ?? 0);
      const scheduled = (op.options as { scheduled?: boolean }).scheduled === true;
      const created = await backups.create({
        kind: scheduled ? 'scheduled' : 'manual',
        progress: t.progress,
      });
      backupId = created.id;
      manifest = {
        id: created.id,
        sizeBytes: created.sizeBytes,
        sha256: created.sha256,
        tables: created.tables.length,
      };
    }
    const verify = op.kind === 'backup.verify' || (op.options as { verify?: boolean }).verify === true;
    if (verify && backupId) {
      const target = await backups.find(backupId);
      t.phase('checking-file', target.manifest.tables.length);
      const verification = await backups.verify(backupId, { progress: t.progress });
      const result = { backupId, ...(manifest ? { manifest } : {}), verification };
      if (!verification.ok) return await finish(false, result, verification.problems.join('; '));
      return await finish(true, result, null);
    }
    await finish(true, { backupId, manifest }, null);
  } catch (err) {
    ctx.log.warn({ err, operationId: op.id }, 'backup operation failed');
    await finish(false, null, (err as Error).message);
  }
}
