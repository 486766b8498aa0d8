import type { Queryable, TableDigest } from './digest.js';
import type { BackupManifest } from './store.js';

export type Progress = (message: string) => void;

export interface DumpResult {
  postgresVersion: string;
  latestMigration: string | null;
  /** Computed inside the same snapshot as the dump, so a restore must match them exactly. */
  tables: TableDigest[];
}

/** How one kind of database is dumped, restored and inspected. */
export interface BackupEngine {
  kind: BackupManifest['engine'];
  format: BackupManifest['format'];
  fileName: string;
  dump(file: string, progress: Progress): Promise<DumpResult>;
  /** Restores into a throwaway database, hands a session on it to fn, then removes it. */
  withScratch<T>(file: string, progress: Progress, fn: (db: Queryable) => Promise<T>): Promise<T>;
  /** Whether the target holds no tables at all. */
  isEmpty(): Promise<boolean>;
  /** Replaces the target's contents with the dump, all or nothing. */
  restore(file: string, progress: Progress): Promise<void>;
  /** A session on the target, for the checks after a restore. */
  withTarget<T>(fn: (db: Queryable) => Promise<T>): Promise<T>;
}
