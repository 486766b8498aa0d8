import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../version.js';
import { applyEmbeddedSettings } from './embedded-settings.js';
import { createMigrator, type MigrationIndex } from './migrator.js';
import { openPglite, pglitePool } from './pool.js';

/**
 * The embedded database image: a data directory with every migration applied and the embedded
 * settings written, as PGlite's gzipped dump. `npm run build` makes it once, so that a fresh data
 * directory is unpacked from it instead of running initdb and the migrations on the first start.
 */
/** Where the build puts the image, beside the compiled server. */
export const EMBEDDED_IMAGE = path.join(PROJECT_ROOT, 'dist', 'embedded-db.tar.gz');

export async function makeEmbeddedImage(migrations: MigrationIndex): Promise<Blob> {
  const db = await openPglite(null);
  try {
    const pool = pglitePool(db);
    await createMigrator(pool, migrations).up();
    await pool.end();
    await applyEmbeddedSettings(db);
    return await db.dumpDataDir('gzip');
  } finally {
    await db.close();
  }
}

export async function writeEmbeddedImage(file: string, image: Blob): Promise<void> {
  await writeFile(file, Buffer.from(await image.arrayBuffer()));
}

/** The image at `file`, or undefined when it was not built (a run from source without a build). */
export async function readEmbeddedImage(file: string): Promise<Blob | undefined> {
  if (!existsSync(file)) return undefined;
  return new Blob([await readFile(file)]);
}
