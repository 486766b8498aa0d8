import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandExists, freePort, ROOT, waitFor } from './helpers/processes.js';
import { edgeVersion, type ReleaseHost, releaseHost, startLoad } from './helpers/release.js';

/**
 * More of the release controller on one host: the blue-green strategy and the end of the hold
 * period, analysis from Prometheus, pre-deploy hooks, promote and abort.
 */
const MANUAL_POLICY = path.join(ROOT, 'test/system/fixtures/release-policy-manual.yaml');

describe('release strategies and operator commands on one host', () => {
  let host: ReleaseHost;
  beforeAll(async () => {
    host = await releaseHost(['1.0.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0']);
    const first = await host.deploy('1.0.0');
    if (first.code !== 0) throw new Error(first.stderr);
  });
  afterAll(() => host?.close());

  it('blue-green: preview, smoke, switch, analysis; the agent retires the old slot when the hold ends', async () => {
    const load = startLoad(host.edge, 50);
    const res = await host.deploy('1.4.0', ['--strategy', 'blueGreen']);
    const result = await load.stop();
    expect(res.code, res.stderr).toBe(0);
    const record = await host.lastRecord();
    expect(record).toMatchObject({ version: '1.4.0', strategy: 'blueGreen', outcome: 'promoted' });
    expect(record.samples.some((s) => s.verdict === 'pass' && s.weight === 100)).toBe(true);
    expect(result.failed, JSON.stringify(result.codes)).toBe(0);
    expect(await edgeVersion(host.edge)).toBe('1.4.0');
    // blueGreen.holdOldSlot is 3 s in the test policy: the agent drains and stops blue after it.
    const deadline = Date.now() + 30_000;
    let blue = (await host.status()).slots.find((s) => s.slot === 'blue')!;
    while (blue.status !== 'stopped' && Date.now() < deadline) {
      await sleep(500);
      blue = (await host.status()).slots.find((s) => s.slot === 'blue')!;
    }
    expect(blue.status).toBe('stopped');
    expect(blue.processes).toEqual([]);
    expect((await host.status()).hold).toBeNull();
  });

  it.skipIf(!commandExists('prometheus'))(
    'with PROMETHEUS_URL the analysis runs on PromQL over the slot and version labels',
    async () => {
      const state = host.cli.env.RELEASE_STATE_DIR!;
      const port = await freePort();
      const config = path.join(host.tmp.dir, 'prometheus.yml');
      await writeFile(
        config,
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          'scrape_configs:',
          '  - job_name: voyage',
          `    file_sd_configs: [{ files: ["${state}/prometheus/slots.json"], refresh_interval: 1s }]`,
          '  - job_name: voyage-release',
          `    file_sd_configs: [{ files: ["${state}/prometheus/agent.json"], refresh_interval: 1s }]`,
          '',
        ].join('\n'),
      );
      const prometheus = spawn(
        'prometheus',
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${path.join(host.tmp.dir, 'tsdb')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitFor(`${url}/-/ready`, 200, 30_000);
        const load = startLoad(host.edge);
        const res = await host.cli.run(['release', 'deploy', host.releases['1.5.0']!, ...host.appEnv], {
          PROMETHEUS_URL: url,
        });
        const result = await load.stop();
        expect(res.code, res.stderr).toBe(0);
        const record = await host.lastRecord();
        expect(record).toMatchObject({ version: '1.5.0', outcome: 'promoted' });
        expect(record.samples.every((s) => s.source === 'prometheus')).toBe(true);
        const counted = record.samples.filter((s) => s.verdict === 'pass');
        expect(counted.length).toBeGreaterThan(2);
        // At 10 % of ~100 requests/s over a 10 s window, the canary saw on the order of 100 requests.
        expect(Math.max(...counted.map((s) => s.canary.requests))).toBeGreaterThan(40);
        expect(result.failed).toBe(0);
        // The agent's metrics, scraped through its own target: the live version within a scrape or two.
        let live: string[] = [];
        for (let i = 0; i < 20 && live.join() !== '1.5.0'; i++) {
          await sleep(500);
          const q = await fetch(
            `${url}/api/v1/query?query=${encodeURIComponent('voyage_release_info == 1')}`,
          );
          const info = (await q.json()) as { data: { result: { metric: Record<string, string> }[] } };
          live = info.data.result.map((r) => r.metric.version!);
        }
        expect(live).toEqual(['1.5.0']);
      } finally {
        prometheus.kill('SIGTERM');
      }
    },
  );

  it('pre-deploy hooks run first; promote and abort act on a deploy in progress', async () => {
    const manual = { RELEASE_POLICY_FILE: MANUAL_POLICY };
    const failed = await host.cli.run(
      ['release', 'deploy', host.releases['1.6.0']!, ...host.appEnv, '--env', 'FAIL_PRE_DEPLOY=1'],
      manual,
    );
    expect(failed.code).toBe(1);
    expect((await host.lastRecord()).reason).toMatch(
      /pre-deploy hook "test -z "\$FAIL_PRE_DEPLOY"" failed \(exit 1\)/,
    );
    expect((await readFile(path.join(host.releases['1.6.0']!, 'pre-deploy-hook.txt'), 'utf8')).trim()).toBe(
      '1.6.0',
    );
    expect(await edgeVersion(host.edge)).toBe('1.5.0');

    const waitForWeight = async (weight: number) => {
      for (let i = 0; i < 120; i++) {
        const st = await host.status();
        if (st.current?.weight === weight && st.current.phase === 'canary') return st;
        await sleep(500);
      }
      throw new Error(`the deploy did not reach weight ${weight}`);
    };

    const promoted = host.cli.run(['release', 'deploy', host.releases['1.6.0']!, ...host.appEnv], manual);
    await waitForWeight(10);
    expect((await host.cli.run(['release', 'promote'], manual)).code).toBe(0);
    const p = await promoted;
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toMatch(/until `voyage release promote`/);
    expect(await host.lastRecord()).toMatchObject({ version: '1.6.0', outcome: 'promoted' });
    expect(await edgeVersion(host.edge)).toBe('1.6.0');

    const aborted = host.cli.run(['release', 'deploy', host.releases['1.7.0']!, ...host.appEnv], manual);
    const during = await waitForWeight(10);
    expect(during.current).toMatchObject({ version: '1.7.0', alive: true });
    const a = await host.cli.run(['release', 'abort'], manual);
    expect(a.code, a.stderr).toBe(0);
    expect((await aborted).code).toBe(1);
    expect(await host.lastRecord()).toMatchObject({
      version: '1.7.0',
      outcome: 'aborted',
      reason: 'aborted by an operator',
    });
    expect(await edgeVersion(host.edge)).toBe('1.6.0');
    const st = await host.status();
    expect(st.current).toBeNull();
    expect(st.rollbacksTotal.abort).toBe(1);
  });

  it('when a deploy process dies mid-canary, the agent puts all traffic back on the live slot', async () => {
    const manual = { RELEASE_POLICY_FILE: MANUAL_POLICY };
    const dying = host.deploy('1.7.0', [], manual);
    let st = await host.status();
    for (let i = 0; i < 120 && st.current?.weight !== 10; i++) {
      await sleep(500);
      st = await host.status();
    }
    expect(st.current).toMatchObject({ version: '1.7.0', weight: 10, alive: true });
    process.kill(st.current!.pid, 'SIGKILL');
    expect((await dying).code).not.toBe(0);
    const deadline = Date.now() + 60_000;
    while (st.current && Date.now() < deadline) {
      await sleep(500);
      st = await host.status();
    }
    expect(st.current).toBeNull();
    expect(await host.lastRecord()).toMatchObject({
      version: '1.7.0',
      outcome: 'aborted',
      reason: 'the deploy process died; aborted by the release agent',
    });
    const canary = st.slots.find((s) => s.version === '1.7.0')!;
    expect(canary.status).toBe('stopped');
    expect(st.slots.find((s) => s.slot === st.live)!.weight).toBe(100);
    expect(await edgeVersion(host.edge)).toBe('1.6.0');
  });
});
