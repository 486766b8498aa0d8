import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TableDigest } from './digest.js';

export type BackupKind = 'manual' | 'scheduled' | 'safety';

/** Written once when a backup is made; never changed afterwards. */
export interface BackupManifest {
  formatVersion: 1;
  id: string;
  createdAt: string;
  kind: BackupKind;
  engine: 'postgres' | 'pglite';
  /** pg_dump custom format, or PGlite's gzipped data-directory tarball. */
  format: 'pg_dump-custom' | 'pglite-datadir-tgz';
  file: string;
  postgresVersion: string;
  latestMigration: string | null;
  sizeBytes: number;
  sha256: string;
  durationMs: number;
  tables: TableDigest[];
}

export interface Verification {
  at: string;
  ok: boolean;
  durationMs: number;
  tablesChecked: number;
  indexesChecked: number;
  problems: string[];
}

export interface StoredBackup {
  manifest: BackupManifest;
  verification: Verification | undefined;
}

export interface PendingBackup {
  /** Where the engine writes the dump. */
  file: string;
  commit(manifest: BackupManifest): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Where backups live. The local implementation keeps one folder per backup under BACKUP_DIR; an
 * object store would implement the same five calls (fetching to a local file for restores).
 */
export interface BackupStore {
  location: string;
  begin(id: string, fileName: string): Promise<PendingBackup>;
  list(): Promise<StoredBackup[]>;
  get(id: string): Promise<StoredBackup | undefined>;
  /** A local path to the backup's dump file. */
  localFile(backup: StoredBackup): string;
  saveVerification(id: string, verification: Verification): Promise<void>;
  remove(id: string): Promise<void>;
}

export function backupId(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export const BACKUP_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function fileBackupStore(dir: string): BackupStore {
  const folder = (id: string) => {
    if (!BACKUP_ID.test(id)) throw new Error(`not a backup id: ${id}`);
    return path.join(dir, id);
  };
  async function get(id: string): Promise<StoredBackup | undefined> {
    const manifest = await readJson<BackupManifest>(path.join(folder(id), 'manifest.json'));
    if (!manifest) return undefined;
    return {
      manifest,
      verification: await readJson<Verification>(path.join(folder(id), 'verification.json')),
    };
  }
  return {
    location: dir,

    async begin(id, fileName) {
      // Written under a dot-folder and renamed when complete, so list() never sees half a backup.
      const partial = path.join(dir, `.partial-${id}`);
      await mkdir(partial, { recursive: true });
      return {
        file: path.join(partial, fileName),
        async commit(manifest) {
          await writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
          await rename(partial, folder(id));
        },
        abort: () => rm(partial, { recursive: true, force: true }),
      };
    },

    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const found = await Promise.all(names.filter((n) => BACKUP_ID.test(n)).map((n) => get(n)));
      return found
        .filter((b): b is StoredBackup => b !== undefined)
        .sort(
          (a, b) =>
            b.manifest.createdAt.localeCompare(a.manifest.createdAt) ||
            (a.manifest.id < b.manifest.id ? 1 : -1),
        );
    },

    get,

    localFile: (backup) => path.join(folder(backup.manifest.id), backup.manifest.file),

    async saveVerification(id, verification) {
      await writeFile(
        path.join(folder(id), 'verification.json'),
        `${JSON.stringify(verification, null, 2)}\n`,
      );
    },

    remove: (id) => rm(folder(id), { recursive: true, force: true }),
  };
}
