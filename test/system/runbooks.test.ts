import { execFile } from 'node:child_process';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerDatabase, ROOT, SECRETS, tempDir, VOYAGE_BIN, voyage } from './helpers/processes.js';

/**
 * Runbook commands fenced as ```sh tested run here, in order, against a scratch environment, so a
 * runbook cannot drift from what Voyage does.
 */
const run = promisify(execFile);
const RUNBOOKS = path.join(ROOT, 'docs/runbooks');

function testedBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh tested\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

// Runbooks with ```sh tested blocks; the rollback runbook's block runs in the release tests, and
// the alert runbooks hold diagnostics with placeholders for the machine at hand.
const files: string[] = [];
for (const f of (await readdir(RUNBOOKS)).sort()) {
  if (
    f.endsWith('.md') &&
    f !== 'README.md' &&
    testedBlocks(await readFile(path.join(RUNBOOKS, f), 'utf8')).length
  )
    files.push(f);
}

describe('runbooks', () => {
  let db: Awaited<ReturnType<typeof createServerDatabase>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createServerDatabase();
    dir = await tempDir('voyage-sys-runbooks-');
    // `voyage` on the PATH, as an operator has it.
    const shim = path.join(dir.dir, 'voyage');
    await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" "${VOYAGE_BIN}" "$@"\n`);
    await chmod(shim, 0o755);
    env = {
      PATH: `${dir.dir}:${process.env.PATH ?? ''}`,
      HOME: dir.dir,
      DATABASE_URL: db.url,
      BACKUP_DIR: path.join(dir.dir, 'backups'),
      ...SECRETS,
    };
    expect((await voyage(['migrate', 'up'], env)).code).toBe(0);
    expect((await voyage(['seed', '--cars', '200', '--bookings', '100'], env)).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
    await dir?.remove();
  });

  it('the recovery runbooks have tested commands', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'backup-restore.md',
        'db-connections.md',
        'disaster-recovery.md',
        'failed-migration.md',
      ]),
    );
  });

  it.each(files)('%s: every tested block succeeds', async (file) => {
    const blocks = testedBlocks(await readFile(path.join(RUNBOOKS, file), 'utf8'));
    for (const block of blocks) {
      try {
        await run('bash', ['-euo', 'pipefail', '-c', block], { env, cwd: dir.dir, timeout: 240_000 });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; code?: number };
        throw new Error(
          `${file}: block failed (exit ${e.code}):\n${block}\n--- stdout\n${e.stdout}\n--- stderr\n${e.stderr}`,
        );
      }
    }
  });
});
