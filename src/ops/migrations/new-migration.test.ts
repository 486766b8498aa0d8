import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.js';
import { PROJECT_ROOT } from '../../version.js';
import { createMigration } from './new-migration.js';

describe('voyage migrate new', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-migrations-'));
    await copyFile(path.join(PROJECT_ROOT, 'migrations/index.ts'), path.join(dir, 'index.ts'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates a timestamped file from the template and lists it last in the index', async () => {
    const created = await createMigration(dir, 'add_car_colour', new Date('2031-02-03T04:05:06Z'));
    expect(created.name).toBe('20310203040506_add_car_colour');
    expect(await readFile(created.file, 'utf8')).toContain('export default defineMigration({');
    const index = await readFile(path.join(dir, 'index.ts'), 'utf8');
    expect(index).toContain("import addCarColour from './20310203040506_add_car_colour.js';");
    const entries = [...index.matchAll(/^\s+'(\d{14}_[a-z0-9_]+)':/gm)].map((m) => m[1]);
    expect(entries.at(-1)).toBe('20310203040506_add_car_colour');
    expect(entries.length).toBe(Object.keys(migrations).length + 1);
  });

  it('refuses bad names, and a timestamp that would not sort last', async () => {
    await expect(createMigration(dir, 'Add Colour')).rejects.toThrow(/lower-case letters/);
    await expect(createMigration(dir, 'too_early', new Date('2020-01-01T00:00:00Z'))).rejects.toThrow(
      /would not sort after/,
    );
  });
});
