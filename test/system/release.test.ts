import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseRecord } from '../../src/ops/release/state.js';
import type { ReleaseStatus } from '../../src/ops/release/status.js';
import { createServerDatabase, freePort, ROOT, SECRETS, tempDir, voyage } from './helpers/processes.js';
import {
  edgeVersion,
  makeRelease,
  type ReleaseCli,
  releaseCli,
  runbookCommands,
  startLoad,
  webhookReceiver,
} from './helpers/release.js';

/**
 * The single-host release controller for real: HAProxy on a free port, supervisord running two
 * replicas per slot, a Postgres database, autocannon load through the edge. The tests share one
 * host and run in order, each starting from where the previous one left it.
 */
const POLICY = path.join(ROOT, 'test/system/fixtures/release-policy.yaml');
const RUNBOOK = path.join(ROOT, 'docs/runbooks/rollback.md');

describe('releases on one host (HAProxy, supervisor, Postgres)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let db: Awaited<ReturnType<typeof createServerDatabase>>;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let cli: ReleaseCli;
  let edge: string;
  let appEnv: string[];
  const releases: Record<string, string> = {};

  const lastRecord = async (): Promise<ReleaseRecord> => {
    const h = await cli.json<ReleaseRecord[]>(['release', 'history', '--limit', '1']);
    return h.body[0]!;
  };
  const status = async () => (await cli.json<ReleaseStatus>(['release', 'status'])).body;
  const deploy = (version: string, extra: string[] = []) =>
    cli.run(['release', 'deploy', releases[version]!, ...appEnv, ...extra]);

  beforeAll(async () => {
    tmp = await tempDir('voyage-release-');
    db = await createServerDatabase();
    hook = await webhookReceiver();
    const port = await freePort();
    edge = `http://127.0.0.1:${port}`;
    const app = {
      DATABASE_URL: db.url,
      ...SECRETS,
      RATE_LIMIT_MAX: '0',
      SHUTDOWN_DRAIN_DELAY: '300ms',
      LOG_LEVEL: 'warn',
    };
    appEnv = Object.entries(app).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    cli = releaseCli({
      RELEASE_STATE_DIR: path.join(tmp.dir, 'state'),
      RELEASE_POLICY_FILE: POLICY,
      RELEASE_EDGE_HOST: '127.0.0.1',
      RELEASE_EDGE_PORT: String(port),
      RELEASE_WEBHOOK_URL: hook.url,
      HOME: tmp.dir,
    });
    for (const v of ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'])
      releases[v] = await makeRelease(path.join(tmp.dir, 'releases'), v);
    // The smoke test books a car near San Francisco: the database needs cars.
    expect((await voyage(['migrate', 'up'], app)).code).toBe(0);
    expect((await voyage(['seed', '--cars', '300', '--bookings', '0'], app)).code).toBe(0);
  });

  afterAll(async () => {
    if (cli) {
      const down = await cli.run(['release', 'down']);
      if (down.code !== 0) console.error(down.stderr);
    }
    await hook?.close();
    await db?.drop();
    await tmp?.remove();
  });

  it('the first deploy starts blue and puts it live behind the edge', async () => {
    const res = await deploy('1.0.0');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/deploy 1\.0\.0 \(initial\) promoted/);
    expect(await edgeVersion(edge)).toBe('1.0.0');
    const st = await status();
    expect(st.live).toBe('blue');
    const blue = st.slots.find((s) => s.slot === 'blue')!;
    expect(blue.servers.map((s) => s.status)).toEqual(['UP', 'UP']);
    expect(blue.processes.map((p) => p.state)).toEqual(['RUNNING', 'RUNNING']);
  });

  it('(a) a good release under steady load goes 10 → 50 → 100 % with no failed request', async () => {
    const load = startLoad(edge);
    const res = await deploy('1.1.0');
    await sleep(1_000);
    const result = await load.stop();
    expect(res.code, res.stderr).toBe(0);
    const record = await lastRecord();
    expect(record).toMatchObject({ version: '1.1.0', strategy: 'canary', outcome: 'promoted' });
    expect(record.steps.map((s) => s.weight)).toEqual([10, 50]);
    expect(record.samples.filter((s) => s.verdict === 'pass').length).toBeGreaterThan(3);
    expect(record.samples.every((s) => s.verdict !== 'fail')).toBe(true);
    console.log(
      `(a) promotion: ${(record.timings.promotionMs! / 1000).toFixed(1)} s from the first canary request to 100 %; ` +
        `deploy ${(record.timings.totalMs! / 1000).toFixed(1)} s; load ${result.total} requests, ${result.failed} failed`,
    );
    expect(result.total).toBeGreaterThan(1_000);
    expect(result.failed, JSON.stringify(result.codes)).toBe(0);
    expect(await edgeVersion(edge)).toBe('1.1.0');

    const st = await status();
    expect(st.live).toBe('green');
    expect(st.hold?.slot).toBe('blue');
    expect(st.slots.find((s) => s.slot === 'blue')!.status).toBe('standby');
    const metrics = await (await fetch(st.agent)).text();
    expect(metrics).toContain('voyage_release_info{version="1.1.0",slot="green"} 1');
    expect(metrics).toContain('voyage_release_info{version="1.0.0",slot="blue"} 0');
    expect(metrics).toContain('voyage_release_canary_weight 0');
    const targets = JSON.parse(
      await readFile(path.join(cli.env.RELEASE_STATE_DIR!, 'prometheus/slots.json'), 'utf8'),
    );
    expect(targets).toContainEqual(expect.objectContaining({ labels: { slot: 'green', version: '1.1.0' } }));
  });

  it('(d) the runbook’s rollback puts the previous version back within 2 s', async () => {
    const commands = await runbookCommands(RUNBOOK, 'Roll back');
    expect(commands).toContain('voyage release rollback');
    const seen: { at: number; version: string }[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        seen.push({ at: Date.now(), version: await edgeVersion(edge) });
        await sleep(20);
      }
    })();
    let t0 = 0;
    for (const line of commands) {
      const [bin, ...args] = line.split(/\s+/);
      expect(bin).toBe('voyage');
      if (args[1] === 'rollback') t0 = Date.now();
      const res = await cli.run(args!);
      expect(res.code, `${line}\n${res.stderr}`).toBe(0);
      if (args[1] === 'rollback') expect(res.stdout).toMatch(/Rolled back to 1\.0\.0/);
    }
    polling = false;
    await poller;
    const after = seen.filter((s) => s.at >= t0);
    const first = after.find((s) => s.version === '1.0.0');
    expect(first, JSON.stringify(after.slice(0, 20))).toBeDefined();
    const switchMs = first!.at - t0;
    console.log(
      `(d) rollback: the edge served 1.0.0 ${switchMs} ms after \`voyage release rollback\` started`,
    );
    expect(switchMs).toBeLessThanOrEqual(2_000);
    // From then on only the old version answers, and nothing failed on the way.
    expect(after.filter((s) => s.at >= first!.at).every((s) => s.version === '1.0.0')).toBe(true);
    expect(after.every((s) => s.version === '1.0.0' || s.version === '1.1.0')).toBe(true);
    const st = await status();
    expect(st.live).toBe('blue');
    expect(st.slots.find((s) => s.slot === 'green')!.status).toBe('stopped');
    expect(st.rollbacksTotal.manual).toBe(1);
  });

  it('(b) a release answering 30 % of /locations with 500 is rolled back automatically', async () => {
    const load = startLoad(edge);
    const res = await deploy('1.2.0', [
      '--env',
      'VOYAGE_FAULT_INJECTION=error_rate=0.3,paths=/locations',
      '--env',
      'VOYAGE_ALLOW_FAULT_INJECTION=true',
    ]);
    const result = await load.stop();
    expect(res.code).toBe(1);
    const record = await lastRecord();
    expect(record, res.stderr).toMatchObject({ version: '1.2.0', outcome: 'rolled-back' });
    expect(record.reason).toMatch(/5xx ratio/);
    const rollbackS = record.timings.rollbackAfterMs! / 1000;
    const share = result.failed / result.total;
    console.log(
      `(b) bad release: rolled back ${rollbackS.toFixed(1)} s after the first canary request; ` +
        `${result.failed} of ${result.total} requests failed (${(share * 100).toFixed(2)} %) during the deploy`,
    );
    expect(rollbackS).toBeLessThanOrEqual(30);
    expect(share).toBeLessThanOrEqual(0.01);
    expect(result.errors).toBe(0);
    expect(Object.keys(result.codes).sort()).toEqual(['200', '500']);
    expect(await edgeVersion(edge)).toBe('1.0.0');

    const notice = hook.received.find(
      (n) => n.voyage.event === 'rolled-back' && n.voyage.version === '1.2.0',
    );
    expect(notice?.text).toMatch(/Voyage 1\.2\.0 was rolled back .*1\.0\.0 serves: analysis failed/);
    const st = await status();
    expect(st.slots.find((s) => s.slot === 'green')!.status).toBe('stopped');
    expect(st.rollbacksTotal.analysis).toBe(1);
    expect(await (await fetch(st.agent)).text()).toContain(
      'voyage_release_rollbacks_total{trigger="analysis"} 1',
    );
  });

  it('(c) a slot that never becomes ready aborts the deploy; the live slot serves throughout', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const load = startLoad(edge);
    const res = await deploy('1.3.0', ['--env', `REDIS_URL=${deadRedis}`]);
    const result = await load.stop();
    expect(res.code).toBe(1);
    const record = await lastRecord();
    expect(record).toMatchObject({ version: '1.3.0', outcome: 'failed' });
    expect(record.reason).toMatch(/slot green was not ready within 20 s/);
    expect(record.timings.firstCanaryAt).toBeUndefined();
    console.log(`(c) never ready: ${result.total} requests during the deploy, ${result.failed} failed`);
    expect(result.total).toBeGreaterThan(500);
    expect(result.failed, JSON.stringify(result.codes)).toBe(0);
    expect(await edgeVersion(edge)).toBe('1.0.0');
    const st = await status();
    expect(st.slots.find((s) => s.slot === 'green')!.processes).toEqual([]);
    expect(hook.received.some((n) => n.voyage.event === 'failed' && n.voyage.version === '1.3.0')).toBe(true);
  });

  it('(e) a replica killed with SIGKILL under load is restarted, and the edge routes around it', async () => {
    const before = (await status()).slots.find((s) => s.slot === 'blue')!;
    const victim = before.processes[0]!;
    expect(victim.state).toBe('RUNNING');
    const load = startLoad(edge);
    await sleep(1_000);
    process.kill(victim.pid!, 'SIGKILL');
    const killedAt = Date.now();
    let back: (typeof before)['processes'][number] | undefined;
    let sawDown = false;
    while (Date.now() - killedAt < 30_000) {
      const blue = (await status()).slots.find((s) => s.slot === 'blue')!;
      if (blue.servers[0]?.status !== 'UP') sawDown = true;
      back = blue.processes.find(
        (p) => p.name === victim.name && p.pid !== victim.pid && p.state === 'RUNNING',
      );
      if (back && blue.servers.every((s) => s.status === 'UP')) break;
      await sleep(250);
    }
    const restartedS = (Date.now() - killedAt) / 1000;
    await sleep(1_000);
    const result = await load.stop();
    console.log(
      `(e) SIGKILL: ${victim.name} back and UP in HAProxy after ${restartedS.toFixed(1)} s; ` +
        `${result.total} requests, ${result.failed} failed`,
    );
    expect(back, 'the supervisor restarted the replica with a new pid').toBeDefined();
    expect(sawDown, 'HAProxy took the killed replica out of rotation').toBe(true);
    expect(result.failed, JSON.stringify(result.codes)).toBe(0);
    expect(result.total).toBeGreaterThan(300);
  });

  it('blue-green: preview, smoke, switch, analysis; the agent retires the old slot when the hold ends', async () => {
    const load = startLoad(edge, 50);
    const res = await deploy('1.4.0', ['--strategy', 'blueGreen']);
    const result = await load.stop();
    expect(res.code, res.stderr).toBe(0);
    const record = await lastRecord();
    expect(record).toMatchObject({ version: '1.4.0', strategy: 'blueGreen', outcome: 'promoted' });
    expect(record.samples.some((s) => s.verdict === 'pass' && s.weight === 100)).toBe(true);
    expect(result.failed, JSON.stringify(result.codes)).toBe(0);
    expect(await edgeVersion(edge)).toBe('1.4.0');
    // blueGreen.holdOldSlot is 3 s in the test policy: the agent drains and stops blue after it.
    const deadline = Date.now() + 30_000;
    let blue = (await status()).slots.find((s) => s.slot === 'blue')!;
    while (blue.status !== 'stopped' && Date.now() < deadline) {
      await sleep(500);
      blue = (await status()).slots.find((s) => s.slot === 'blue')!;
    }
    expect(blue.status).toBe('stopped');
    expect(blue.processes).toEqual([]);
    expect((await status()).hold).toBeNull();
  });
});
