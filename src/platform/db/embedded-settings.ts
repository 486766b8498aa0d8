import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Settings every embedded data directory Voyage creates carries in its postgresql.auto.conf.
 * shared_buffers: Postgres's 128MB default lives inside PGlite's WebAssembly memory and so in the
 * process's RSS; 32MB holds the demo world's hot pages and takes about 110 MB off an idle process.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = { shared_buffers: '32MB' };

/** Writes EMBEDDED_SETTINGS with ALTER SYSTEM; they take effect when the database next starts. */
export async function applyEmbeddedSettings(db: PGlite): Promise<void> {
  for (const [name, value] of Object.entries(EMBEDDED_SETTINGS)) {
    await db.exec(`ALTER SYSTEM SET ${name} = '${value}'`);
  }
}

/** True when `dataDir` holds no database yet (PGlite would run initdb there). */
export function isFreshDataDir(dataDir: string): boolean {
  return !existsSync(path.join(dataDir, 'PG_VERSION'));
}
