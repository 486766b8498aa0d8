import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import { checkIndexes, compareDigests, digestTables, type Queryable, type TableDigest } from './digest.js';
import type { BackupEngine, Progress } from './engine.js';
import { planRetention, type RetentionPlan, type RetentionPolicy } from './retention.js';
import {
  type BackupKind,
  type BackupManifest,
  type BackupStore,
  backupId,
  type StoredBackup,
  type Verification,
} from './store.js';

/**
 * Backups that prove themselves: every dump records what it holds (per-table counts and
 * checksums from the dump's own snapshot), and verify restores it elsewhere and checks it all,
 * indexes included. Restore ends with the same checks on the target.
 */
export interface BackupsOptions {
  engine: BackupEngine;
  store: BackupStore;
  clock: Clock;
  retention: RetentionPolicy;
}

export interface RestoreResult {
  restored: string;
  safetyBackup: string | null;
  verification: Verification;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const quiet: Progress = () => {};

async function checkRestored(
  db: Queryable,
  expected: TableDigest[],
  progress: Progress,
): Promise<Omit<Verification, 'at' | 'durationMs'>> {
  await db.query('BEGIN');
  let tables: TableDigest[];
  try {
    tables = await digestTables(db, progress);
  } finally {
    await db.query('ROLLBACK');
  }
  const problems = compareDigests(expected, tables);
  let indexesChecked = 0;
  try {
    const indexes = await checkIndexes(db, progress);
    indexesChecked = indexes.checked;
    for (const f of indexes.failures) problems.push(`index ${f.index}: ${f.error}`);
  } catch (err) {
    problems.push(`amcheck could not run: ${(err as Error).message}`);
  }
  return { ok: problems.length === 0, tablesChecked: tables.length, indexesChecked, problems };
}

export function createBackups(opts: BackupsOptions) {
  const { engine, store, clock } = opts;

  async function find(id: string): Promise<StoredBackup> {
    if (id === 'latest') {
      const [newest] = await store.list();
      if (!newest) throw new Error(`no backups in ${store.location}`);
      return newest;
    }
    const found = await store.get(id);
    if (!found) throw new Error(`no backup ${id} in ${store.location}`);
    return found;
  }

  async function create(options: { kind?: BackupKind; progress?: Progress } = {}): Promise<BackupManifest> {
    const progress = options.progress ?? quiet;
    const started = Date.now();
    const createdAt = clock.now();
    const id = backupId(createdAt);
    const pending = await store.begin(id, engine.fileName);
    try {
      progress(`Backing up the ${engine.kind} database as ${id}…`);
      const dumped = await engine.dump(pending.file, progress);
      const manifest: BackupManifest = {
        formatVersion: 1,
        id,
        createdAt: createdAt.toISOString(),
        kind: options.kind ?? 'manual',
        engine: engine.kind,
        format: engine.format,
        file: engine.fileName,
        postgresVersion: dumped.postgresVersion,
        latestMigration: dumped.latestMigration,
        sizeBytes: (await stat(pending.file)).size,
        sha256: await sha256(pending.file),
        durationMs: Date.now() - started,
        tables: dumped.tables,
      };
      await pending.commit(manifest);
      progress(
        `Backup ${id}: ${(manifest.sizeBytes / 1_048_576).toFixed(1)} MB, ${manifest.tables.length} tables.`,
      );
      return manifest;
    } catch (err) {
      await pending.abort();
      throw err;
    }
  }

  async function verify(id: string, options: { progress?: Progress } = {}): Promise<Verification> {
    const progress = options.progress ?? quiet;
    const backup = await find(id);
    const { manifest } = backup;
    const started = Date.now();
    progress(`Verifying ${manifest.id}…`);
    const file = store.localFile(backup);
    let result: Omit<Verification, 'at' | 'durationMs'>;
    const digest = await sha256(file).catch((err: Error) => `unreadable: ${err.message}`);
    if (digest !== manifest.sha256) {
      result = {
        ok: false,
        tablesChecked: 0,
        indexesChecked: 0,
        problems: [`file sha256 ${digest} differs from the manifest`],
      };
    } else if (manifest.engine !== engine.kind) {
      throw new Error(
        `backup ${manifest.id} is a ${manifest.engine} backup; this is a ${engine.kind} database`,
      );
    } else {
      try {
        result = await engine.withScratch(file, progress, (db) =>
          checkRestored(db, manifest.tables, progress),
        );
      } catch (err) {
        result = {
          ok: false,
          tablesChecked: 0,
          indexesChecked: 0,
          problems: [`restore failed: ${(err as Error).message}`],
        };
      }
    }
    const verification: Verification = {
      at: clock.now().toISOString(),
      durationMs: Date.now() - started,
      ...result,
    };
    await store.saveVerification(manifest.id, verification);
    progress(verification.ok ? `Verified ${manifest.id}.` : `Verification of ${manifest.id} FAILED.`);
    return verification;
  }

  async function restore(
    id: string,
    options: { force?: boolean; progress?: Progress } = {},
  ): Promise<RestoreResult> {
    const progress = options.progress ?? quiet;
    const backup = await find(id);
    const { manifest } = backup;
    if (manifest.engine !== engine.kind) {
      throw new Error(
        `backup ${manifest.id} is a ${manifest.engine} backup; the target is a ${engine.kind} database`,
      );
    }
    const file = store.localFile(backup);
    if ((await sha256(file)) !== manifest.sha256)
      throw new Error(`backup ${manifest.id}: file does not match its sha256`);
    let safetyBackup: string | null = null;
    if (!(await engine.isEmpty())) {
      if (!options.force) {
        throw new Error(
          'the target database is not empty: pass --force to replace it (a safety backup of it is taken first)',
        );
      }
      progress('The target is not empty: taking a safety backup first.');
      safetyBackup = (await create({ kind: 'safety', progress })).id;
    }
    const started = Date.now();
    progress(`Restoring ${manifest.id} (${manifest.latestMigration ?? 'no migrations'})…`);
    await engine.restore(file, progress);
    progress('Checking the restored database…');
    const result = await engine.withTarget((db) => checkRestored(db, manifest.tables, progress));
    const verification: Verification = {
      at: clock.now().toISOString(),
      durationMs: Date.now() - started,
      ...result,
    };
    return { restored: manifest.id, safetyBackup, verification };
  }

  async function prune(options: { dryRun?: boolean; progress?: Progress } = {}): Promise<RetentionPlan> {
    const backups = await store.list();
    const plan = planRetention(
      backups.map((b) => ({
        id: b.manifest.id,
        createdAt: new Date(b.manifest.createdAt),
        verified: b.verification?.ok,
      })),
      opts.retention,
    );
    if (!options.dryRun) {
      for (const id of plan.remove) {
        await store.remove(id);
        options.progress?.(`  removed ${id}`);
      }
    }
    return plan;
  }

  return { engine, store, create, verify, restore, prune, list: () => store.list(), find };
}

export type Backups = ReturnType<typeof createBackups>;
