import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.js';
import { makeEmbeddedImage } from './embedded-image.js';
import { EMBEDDED_SETTINGS } from './embedded-settings.js';
import { createMigrator } from './migrator.js';
import { type Database, openDatabase } from './pool.js';

const OPTIONS = { poolMax: 1, statementTimeoutMs: 30_000 };

describe('the embedded database image', () => {
  let dir: string;
  let image: Blob;
  let imageReads = 0;
  const pgliteImage = async () => {
    imageReads++;
    return image;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-image-'));
    image = await makeEmbeddedImage(migrations);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function withDatabase<T>(
    dataDir: string,
    fn: (db: Database) => Promise<T>,
    withImage = true,
  ): Promise<T> {
    const db = await openDatabase(
      { kind: 'pglite', dataDir },
      { ...OPTIONS, ...(withImage && { pgliteImage }) },
    );
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  it('gives a fresh data directory every migration and the embedded settings, without initdb', async () => {
    const dataDir = path.join(dir, 'fresh');
    const status = await withDatabase(dataDir, async (db) => {
      const { rows } = await db.pool.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(rows[0]!.shared_buffers).toBe(EMBEDDED_SETTINGS.shared_buffers);
      return createMigrator(db.pool, migrations).status();
    });
    expect(imageReads).toBe(1);
    expect(status.pending).toEqual([]);
    expect(status.drifted).toEqual([]);
    expect(status.applied.map((m) => m.name)).toEqual(Object.keys(migrations));
  });

  it('leaves an existing data directory as it is: its rows stay and the image is not read', async () => {
    const dataDir = path.join(dir, 'existing');
    await withDatabase(dataDir, (db) =>
      db.pool.query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)'),
    );
    const reads = imageReads;
    const { rows } = await withDatabase(dataDir, (db) => db.pool.query<{ n: number }>('SELECT n FROM kept'));
    expect(rows).toEqual([{ n: 7 }]);
    expect(imageReads).toBe(reads);
  });

  it('writes the embedded settings into a directory initialised without an image, for its next start', async () => {
    const dataDir = path.join(dir, 'no-image');
    await withDatabase(dataDir, async () => {}, false);
    const auto = await readFile(path.join(dataDir, 'postgresql.auto.conf'), 'utf8');
    expect(auto).toContain(`shared_buffers = '${EMBEDDED_SETTINGS.shared_buffers}'`);
    const { rows } = await withDatabase(
      dataDir,
      (db) => db.pool.query<{ shared_buffers: string }>('SHOW shared_buffers'),
      false,
    );
    expect(rows[0]!.shared_buffers).toBe(EMBEDDED_SETTINGS.shared_buffers);
  });

  it('unpacks the image as files and holds no copy of it in memory', async () => {
    const dataDir = path.join(dir, 'unpacked');
    await withDatabase(dataDir, async (db) => {
      await db.pool.query('SELECT 1');
    });
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(`${dataDir}.unpacking`)).toBe(false);
  });

  it('leaves no directory that passes for a database when the image is cut short', async () => {
    const dataDir = path.join(dir, 'cut-short');
    const bytes = new Uint8Array(await image.arrayBuffer());
    const truncated = new Blob([bytes.subarray(0, Math.floor(bytes.length / 2))]);
    await expect(
      openDatabase({ kind: 'pglite', dataDir }, { ...OPTIONS, pgliteImage: async () => truncated }),
    ).rejects.toThrow();
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(false);
    expect(existsSync(`${dataDir}.unpacking`)).toBe(false);
    // The next start, with the whole image, makes the database.
    await withDatabase(dataDir, (db) => db.pool.query('SELECT 1'));
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
  });
});
