import { execFile } from 'node:child_process';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/processes.js';
import { type ReleaseHost, releaseHost } from './helpers/release.js';

const run = promisify(execFile);
const MANUAL_POLICY = path.join(ROOT, 'test/system/fixtures/release-policy-manual.yaml');

/** Gives a built release more migrations than the code it was built from (as its next commit would). */
async function addMigrations(releaseDir: string, extra: Record<string, string>) {
  const dir = path.join(releaseDir, 'dist', 'migrations');
  await rename(path.join(dir, 'index.js'), path.join(dir, 'base-index.js'));
  await writeFile(
    path.join(dir, 'index.js'),
    `import { migrations as base } from './base-index.js';\nexport const migrations = { ...base, ${Object.entries(
      extra,
    )
      .map(([name, body]) => `${JSON.stringify(name)}: ${body}`)
      .join(', ')} };\n`,
  );
}

const EXPAND = `{ up: 'ALTER TABLE trips ADD COLUMN tags text[];', down: 'ALTER TABLE trips DROP COLUMN tags;' }`;
// The release that stops using trips.tags drops it too: the contract comes a release too early.
const CONTRACT = `{ up: 'ALTER TABLE trips DROP COLUMN tags;', down: 'ALTER TABLE trips ADD COLUMN tags text[];', contract: { unusedSince: '1.2.0' } }`;

/** A release's own CLI (not the checkout's): what that version's operators and smoke test run. */
async function releaseVoyage(dir: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(dir, 'bin/voyage.js'), ...args], {
      env: { PATH: process.env.PATH ?? '' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * Expand/contract, exercised: a release's expand migration runs before its canary, and while the
 * canary serves, the previous release (on the schema it never saw) passes its own smoke test and
 * API checks. A contract step in the release that stops using the column is refused by
 * `voyage migrate lint` before anything is applied.
 */
describe('schema N and N+1 during a canary', () => {
  let host: ReleaseHost;
  let databaseUrl: string;
  const columns = async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'trips' AND column_name = 'tags'`,
      );
      const applied = await client.query(`SELECT name FROM schema_migrations WHERE name LIKE '20261231%'`);
      return { tags: rows.length === 1, applied: applied.rows.map((r) => r.name as string) };
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    host = await releaseHost(['1.0.0', '1.1.0', '1.2.0']);
    databaseUrl = host.appEnv.find((a) => a.startsWith('DATABASE_URL='))!.slice('DATABASE_URL='.length);
    await addMigrations(host.releases['1.1.0']!, { '20261231090000_trip_tags': EXPAND });
    await addMigrations(host.releases['1.2.0']!, {
      '20261231090000_trip_tags': EXPAND,
      '20261231100000_drop_trip_tags': CONTRACT,
    });
    const first = await host.deploy('1.0.0');
    expect(first.code, first.stderr).toBe(0);
  });
  afterAll(() => host?.close());

  it('the live release passes its own smoke test and API checks on the canary’s expanded schema', async () => {
    const manual = { RELEASE_POLICY_FILE: MANUAL_POLICY };
    const deploying = host.cli.run(['release', 'deploy', host.releases['1.1.0']!, ...host.appEnv], manual);
    let st = await host.status();
    for (let i = 0; i < 120 && !(st.current?.phase === 'canary' && st.current.weight === 10); i++) {
      await sleep(500);
      st = await host.status();
    }
    expect(st.current).toMatchObject({ version: '1.1.0', phase: 'canary', weight: 10 });
    expect(await columns()).toEqual({ tags: true, applied: ['20261231090000_trip_tags'] });

    const old = `http://127.0.0.1:${st.slots.find((s) => s.version === '1.0.0')!.ports[0]}`;
    const smoke = await releaseVoyage(host.releases['1.0.0']!, ['smoke', old, '--json']);
    expect(smoke.code, smoke.stdout + smoke.stderr).toBe(0);
    expect(JSON.parse(smoke.stdout).ok).toBe(true);
    // The old release still reports ready: a migration it does not know is not one it lacks.
    expect((await fetch(`${old}/health/ready`)).status).toBe(200);
    // Its trips, on the table that gained a column, through the old slot.
    const signup = await fetch(`${old}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'schema@example.com', password: 'schema password 123', name: 'Schema' }),
    });
    const auth = {
      authorization: `Bearer ${((await signup.json()) as { accessToken: string }).accessToken}`,
    };
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const created = await fetch(`${old}/trips`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Old code, new schema',
        destination: 'Lisbon',
        timeZone: 'Europe/Lisbon',
        startDate: day(30),
        endDate: day(33),
      }),
    });
    expect(created.status).toBe(201);
    const trip = (await created.json()) as { id: string };
    expect((await fetch(`${old}/trips/${trip.id}`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${old}/trips`, { headers: auth })).status).toBe(200);

    expect((await host.cli.run(['release', 'promote'], manual)).code).toBe(0);
    const done = await deploying;
    expect(done.code, done.stderr).toBe(0);
  });

  it('refuses a contract step in the release that stops using the column, before migrating', async () => {
    const res = await host.deploy('1.2.0');
    expect(res.code).toBe(1);
    const record = await host.lastRecord();
    expect(record).toMatchObject({ version: '1.2.0', outcome: 'failed' });
    expect(record.reason).toMatch(
      /voyage migrate lint refused the release's migrations: 20261231100000_drop_trip_tags contract-too-early/,
    );
    expect(record.reason).toMatch(/contract-live-uses: the live release 1\.1\.0 still uses/);
    // Nothing was applied: the column the live release reads is still there.
    expect(await columns()).toEqual({ tags: true, applied: ['20261231090000_trip_tags'] });
    expect((await host.status()).slots.find((s) => s.status === 'live')?.version).toBe('1.1.0');
  });
});
