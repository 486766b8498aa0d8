import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  type Daemon,
  type Delivery,
  daemon,
  eventually,
  tool,
  webhookReceiver,
} from './helpers/monitoring.js';
import { freePort, ROOT, tempDir } from './helpers/processes.js';

const PROMETHEUS_DIR = path.join(ROOT, 'deploy/prometheus');
const ALERTMANAGER_CONFIG = path.join(ROOT, 'deploy/alertmanager/alertmanager.yml');

describe('monitoring configuration checks (promtool, amtool)', () => {
  it('promtool accepts the Prometheus config and its rules', async () => {
    const res = await tool('promtool', ['check', 'config', path.join(PROMETHEUS_DIR, 'prometheus.yml')]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/SUCCESS: \d+ rule files found/);
    expect(res.stdout).not.toMatch(/FAILED/);
  });

  it('passes every promtool rule test: each alert fires when it should and stays silent otherwise', async () => {
    const files = (await readdir(path.join(PROMETHEUS_DIR, 'tests'))).filter((f) => f.endsWith('.test.yml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    // One promtool per file, side by side: the SLO tests replay days of samples.
    const results = await Promise.all(
      files.map((f) => tool('promtool', ['test', 'rules', f], path.join(PROMETHEUS_DIR, 'tests'))),
    );
    for (const res of results) {
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(res.stdout).toMatch(/SUCCESS/);
    }
  });

  it('amtool accepts the Alertmanager config and routes critical to paging, warning to chat', async () => {
    const check = await tool('amtool', ['check-config', ALERTMANAGER_CONFIG]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const route = async (...labels: string[]) =>
      (
        await tool('amtool', ['config', 'routes', 'test', `--config.file=${ALERTMANAGER_CONFIG}`, ...labels])
      ).stdout.trim();
    expect(await route('severity=critical', 'alertname=InstanceDown')).toBe('paging');
    expect(await route('severity=warning', 'alertname=HighErrorRate')).toBe('chat');
  });
});

describe('Alertmanager delivers alerts to the webhooks', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let hooks: Awaited<ReturnType<typeof webhookReceiver>>;
  let alertmanager: Daemon;
  let api: string;

  beforeAll(async () => {
    work = await tempDir('voyage-am-');
    hooks = await webhookReceiver();
    // The repository's config with two changes: the placeholder webhook URLs point at the local
    // receiver, and the first notification of a group leaves after 1 s instead of 10–30 s.
    const config = YAML.parse(await readFile(ALERTMANAGER_CONFIG, 'utf8'));
    for (const receiver of config.receivers) {
      for (const hook of receiver.webhook_configs) hook.url = `${hooks.url}/${receiver.name}`;
    }
    config.route.group_wait = '1s';
    for (const r of config.route.routes) r.group_wait = '1s';
    const file = path.join(work.dir, 'alertmanager.yml');
    await writeFile(file, YAML.stringify(config));

    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    alertmanager = daemon('prometheus-alertmanager', [
      `--config.file=${file}`,
      `--storage.path=${path.join(work.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=', // no high-availability gossip: one instance, no fixed port
    ]);
    await eventually(
      async () => ((await fetch(`${api}/-/ready`)).ok ? true : undefined),
      30_000,
      alertmanager.output,
    );
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await hooks?.close();
    await work?.remove();
  });

  it('pages critical alerts, chats warnings, groups by alert and role, and inhibits what a bigger alert explains', async () => {
    const now = new Date().toISOString();
    const alert = (labels: Record<string, string>) => ({
      labels,
      annotations: { summary: `${labels.alertname} test`, runbook_url: 'docs/runbooks/x.md' },
      startsAt: now,
    });
    const res = await fetch(`${api}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        // Two api processes failing: one page for the group.
        alert({ alertname: 'HighErrorRate', severity: 'critical', role: 'api', instance: '10.0.0.1:3000' }),
        alert({ alertname: 'HighErrorRate', severity: 'critical', role: 'api', instance: '10.0.0.2:3000' }),
        // Redundant beside the critical one.
        alert({ alertname: 'HighErrorRate', severity: 'warning', role: 'api', instance: '10.0.0.1:3000' }),
        // A process down, and another alert about the same process.
        alert({ alertname: 'InstanceDown', severity: 'critical', role: 'api', instance: '10.0.0.9:3000' }),
        alert({
          alertname: 'MigrationsPending',
          severity: 'warning',
          role: 'api',
          instance: '10.0.0.9:3000',
        }),
        // A warning on its own.
        alert({ alertname: 'ReleaseRolledBack', severity: 'warning', instance: 'controller' }),
      ]),
    });
    expect(res.status).toBe(200);

    const describeDeliveries = () => JSON.stringify(hooks.deliveries, null, 1);
    await eventually(
      async () => (hooks.deliveries.length >= 3 ? true : undefined),
      30_000,
      describeDeliveries,
    );
    // Leave time for anything that should not arrive (inhibited alerts) to show up after all.
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const received = (d: Delivery[]) =>
      d.flatMap((x) =>
        x.body.alerts.map((a) => `${x.path} ${a.labels.alertname} ${a.labels.severity} ${a.labels.instance}`),
      );
    expect(received(hooks.deliveries).sort()).toEqual(
      [
        '/chat ReleaseRolledBack warning controller',
        '/paging HighErrorRate critical 10.0.0.1:3000',
        '/paging HighErrorRate critical 10.0.0.2:3000',
        '/paging InstanceDown critical 10.0.0.9:3000',
      ].sort(),
    );
    const grouped = hooks.deliveries.find((d) => d.body.groupLabels.alertname === 'HighErrorRate')!;
    expect(grouped.body).toMatchObject({
      receiver: 'paging',
      status: 'firing',
      groupLabels: { role: 'api' },
    });
    expect(grouped.body.alerts).toHaveLength(2);
    expect(grouped.body.alerts[0]!.annotations.runbook_url).toBe('docs/runbooks/x.md');

    // Alertmanager's own view: the two left out are inhibited, not lost.
    const state = (await (await fetch(`${api}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      status: { state: string; inhibitedBy: string[] };
    }[];
    const suppressed = state
      .filter((a) => a.status.state === 'suppressed')
      .map((a) => `${a.labels.alertname} ${a.labels.severity} ${a.status.inhibitedBy.length}`)
      .sort();
    expect(suppressed).toEqual(['HighErrorRate warning 1', 'MigrationsPending warning 1']);
  });
});
