import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/processes.js';
import { edgeVersion, type ReleaseHost, releaseHost, runbookCommands, startLoad } from './helpers/release.js';

/**
 * The single-host release controller for real (issue scenarios a–e): HAProxy on a free port,
 * supervisord running two replicas per slot, a Postgres database, autocannon load through the edge.
 * The tests share one host and run in order, each starting from where the previous one left it.
 */
const RUNBOOK = path.join(ROOT, 'docs/runbooks/rollback.md');

describe('releases on one host (HAProxy, supervisor, Postgres)', () => {
  let host: ReleaseHost;
  beforeAll(async () => {
    host = await releaseHost(['1.0.0', '1.1.0', '1.2.0', '1.3.0']);
  });
  afterAll(() => host?.close());

  it('the first deploy starts blue and puts it live behind the edge', async () => {
    const res = await host.deploy('1.0.0');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/deploy 1\.0\.0 \(initial\) promoted/);
    expect(await edgeVersion(host.edge)).toBe('1.0.0');
    const st = await host.status();
    expect(st.live).toBe('blue');
    const blue = st.slots.find((s) => s.slot === 'blue')!;
    expect(blue.servers.map((s) => s.status)).toEqual(['UP', 'UP']);
    expect(blue.processes.map((p) => p.state)).toEqual(['RUNNING', 'RUNNING']);
  });

  it('(a) a good release under steady load goes 10 → 50 → 100 % with no failed request', async () => {
    const load = startLoad(host.edge);
    const res = await host.deploy('1.1.0');
    await sleep(1_000);
    const result = await load.stop();
    expect(res.code, res.stderr).toBe(0);
    const record = await host.lastRecord();
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
    expect(await edgeVersion(host.edge)).toBe('1.1.0');

    const st = await host.status();
    expect(st.live).toBe('green');
    expect(st.hold?.slot).toBe('blue');
    expect(st.slots.find((s) => s.slot === 'blue')!.status).toBe('standby');
    const metrics = await (await fetch(st.agent)).text();
    expect(metrics).toContain('voyage_release_info{version="1.1.0",slot="green"} 1');
    expect(metrics).toContain('voyage_release_info{version="1.0.0",slot="blue"} 0');
    expect(metrics).toContain('voyage_release_canary_weight 0');
    const targets = JSON.parse(
      await readFile(path.join(host.cli.env.RELEASE_STATE_DIR!, 'prometheus/slots.json'), 'utf8'),
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
        seen.push({ at: Date.now(), version: await edgeVersion(host.edge) });
        await sleep(20);
      }
    })();
    let t0 = 0;
    for (const line of commands) {
      const [bin, ...args] = line.split(/\s+/);
      expect(bin).toBe('voyage');
      if (args[1] === 'rollback') t0 = Date.now();
      const res = await host.cli.run(args!);
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
    const st = await host.status();
    expect(st.live).toBe('blue');
    expect(st.slots.find((s) => s.slot === 'green')!.status).toBe('stopped');
    expect(st.rollbacksTotal.manual).toBe(1);
  });

  it('(b) a release answering 30 % of /locations with 500 is rolled back automatically', async () => {
    const load = startLoad(host.edge);
    const res = await host.deploy('1.2.0', [
      '--env',
      'VOYAGE_FAULT_INJECTION=error_rate=0.3,paths=/locations',
      '--env',
      'VOYAGE_ALLOW_FAULT_INJECTION=true',
    ]);
    const result = await load.stop();
    expect(res.code).toBe(1);
    const record = await host.lastRecord();
    expect(record, res.stderr).toMatchObject({ version: '1.2.0', outcome: 'rolled-back' });
    expect(record.reason).toMatch(/errors: [\d.]+ % bad \(\d+ of \d+\) against baseline's/);
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
    expect(await edgeVersion(host.edge)).toBe('1.0.0');

    const notice = host.hook.received.find(
      (n) => n.voyage.event === 'rolled-back' && n.voyage.version === '1.2.0',
    );
    expect(notice?.text).toMatch(/Voyage 1\.2\.0 was rolled back .*1\.0\.0 serves: analysis failed/);
    const st = await host.status();
    expect(st.slots.find((s) => s.slot === 'green')!.status).toBe('stopped');
    expect(st.rollbacksTotal.analysis).toBe(1);
    expect(await (await fetch(st.agent)).text()).toContain(
      'voyage_release_rollbacks_total{trigger="analysis"} 1',
    );
  });

  it('(c) a slot that never becomes ready aborts the deploy; the live slot serves throughout', async () => {
    // The slot starts and serves, but its readiness always fails.
    const load = startLoad(host.edge);
    const res = await host.deploy('1.3.0', [
      '--env',
      'VOYAGE_FAULT_INJECTION=not_ready=true',
      '--env',
      'VOYAGE_ALLOW_FAULT_INJECTION=true',
    ]);
    const result = await load.stop();
    expect(res.code).toBe(1);
    const record = await host.lastRecord();
    expect(record).toMatchObject({ version: '1.3.0', outcome: 'failed' });
    expect(record.reason).toMatch(/slot green was not ready within 20 s/);
    expect(record.timings.firstCanaryAt).toBeUndefined();
    console.log(`(c) never ready: ${result.total} requests during the deploy, ${result.failed} failed`);
    expect(result.total).toBeGreaterThan(500);
    expect(result.failed, JSON.stringify(result.codes)).toBe(0);
    expect(await edgeVersion(host.edge)).toBe('1.0.0');
    const st = await host.status();
    expect(st.slots.find((s) => s.slot === 'green')!.processes).toEqual([]);
    expect(host.hook.received.some((n) => n.voyage.event === 'failed' && n.voyage.version === '1.3.0')).toBe(
      true,
    );
  });

  it('(e) a replica killed with SIGKILL under load is restarted, and the edge routes around it', async () => {
    const before = (await host.status()).slots.find((s) => s.slot === 'blue')!;
    const victim = before.processes[0]!;
    expect(victim.state).toBe('RUNNING');
    const load = startLoad(host.edge);
    await sleep(1_000);
    process.kill(victim.pid!, 'SIGKILL');
    const killedAt = Date.now();
    let back: (typeof before)['processes'][number] | undefined;
    let sawDown = false;
    while (Date.now() - killedAt < 30_000) {
      const blue = (await host.status()).slots.find((s) => s.slot === 'blue')!;
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
});
