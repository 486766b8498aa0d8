import { z } from 'zod';
import { BACKUP_ID } from '../../platform/backup/store.js';
import { OPERATION_KINDS, OPERATION_STATUSES } from './tables.js';

export const BackupParams = z.object({
  id: z.string().regex(BACKUP_ID, 'a backup id such as 20261207T021500Z-1a2b'),
});
export const OperationParams = z.object({ id: z.uuid() });
export const StartBackup = z.strictObject({ verify: z.boolean().optional() }).nullish();

const Verification = z.object({
  at: z.string(),
  ok: z.boolean(),
  durationMs: z.number(),
  tablesChecked: z.number().int(),
  indexesChecked: z.number().int(),
  problems: z.array(z.string()),
});

export const Backup = z.object({
  id: z.string(),
  createdAt: z.string(),
  ageSeconds: z.number().int(),
  sizeBytes: z.number().int(),
  kind: z.enum(['manual', 'scheduled', 'safety']),
  engine: z.enum(['postgres', 'pglite']),
  /** The dump file's checksum. */
  sha256: z.string(),
  latestMigration: z.string().nullable(),
  durationMs: z.number(),
  /** Per table: rows and an order-independent content checksum, from the dump's own snapshot. */
  tables: z.array(z.object({ table: z.string(), rows: z.number().int(), checksum: z.string() })),
  verification: Verification.nullable(),
});

export const Operation = z.object({
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  status: z.enum(OPERATION_STATUSES),
  backupId: z.string().nullable(),
  steps: z.array(z.string()),
  phase: z.string().nullable(),
  percent: z.number().int().min(0).max(100),
  message: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  requestedBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export const BackupList = z.object({
  backups: z.array(Backup),
  /** The newest backup that counts for the BackupTooOld alert, and its age against the threshold. */
  newest: z.object({
    id: z.string().nullable(),
    ageSeconds: z.number().int().nullable(),
    thresholdSeconds: z.number().int(),
    state: z.enum(['ok', 'too_old', 'none']),
  }),
  activeOperation: Operation.nullable(),
});
