import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { VERSION } from '../../src/version.js';
import { eventually, startHaproxyEdge, startNodeExporter, startPrometheus } from './helpers/monitoring.js';
import { ROOT, startVoyage, tempDir, type VoyageProcess, voyage, waitFor } from './helpers/processes.js';

/**
 * The real Prometheus (Debian's) with the repository's config and rules scrapes a real Voyage
 * behind a real HAProxy, plus prometheus-node-exporter, while `voyage load` runs. Then every rule
 * and every dashboard expression is evaluated through Prometheus's HTTP API.
 */

// Panels that may be empty here: their series come from parts not running in this test, or from
// events a short healthy run may not have.
const NO_DATA_EXPECTED: Record<string, string> = {
  'Voyage / Overview / Background jobs by queue and outcome': 'the only job runs at minute 17 of each hour',
  'Voyage / Releases / Canary weight (release controller)': 'exported by the release controller',
  'Voyage / Releases / Running releases': 'exported by the release controller',
  'Voyage / Releases / Rollbacks': 'exported by the release controller',
  'Voyage / SLO / SLO alerts firing': 'a healthy run fires none',
};

interface PromResponse {
  status: string;
  error?: string;
  warnings?: string[];
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}
interface Dashboard {
  title: string;
  panels: Panel[];
  templating: { list: { type: string; name: string; query?: { query: string } | string }[] };
}

/** What Grafana substitutes before it sends a query. */
function grafanaToPromQL(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '5m').replaceAll('$role', '.*');
}

describe('Prometheus with Voyage’s rules and dashboards, against a running Voyage under load', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let proc: VoyageProcess;
  let haproxy: Awaited<ReturnType<typeof startHaproxyEdge>>;
  let nodeExporter: Awaited<ReturnType<typeof startNodeExporter>>;
  let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
  let promUrl: string;
  let edgeUrl: string;
  let load: { code: number; stdout: string; stderr: string };

  const query = async (expr: string): Promise<PromResponse> => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as PromResponse;
    if (res.status !== 200 || body.status !== 'success') {
      throw new Error(`query failed (${res.status}): ${expr}\n${body.error}`);
    }
    return body;
  };
  const logs = () =>
    `--- prometheus\n${prometheus?.output().slice(-3000)}\n--- haproxy\n${haproxy?.output().slice(-2000)}`;

  beforeAll(async () => {
    work = await tempDir('voyage-prom-');
    proc = await startVoyage({
      DATA_DIR: path.join(work.dir, 'data'),
      RATE_LIMIT_MAX: '0',
      AUTH_RATE_LIMIT_MAX: '0',
      SHUTDOWN_DRAIN_DELAY: '0s',
      LOG_LEVEL: 'warn',
    });

    haproxy = await startHaproxyEdge(work.dir, proc.port);
    edgeUrl = haproxy.url;
    nodeExporter = await startNodeExporter();
    prometheus = await startPrometheus(path.join(work.dir, 'prometheus'), [
      {
        file: 'all-blue.json',
        address: `127.0.0.1:${proc.port}`,
        labels: { slot: 'blue', version: VERSION },
      },
      { file: 'haproxy-edge.json', address: `127.0.0.1:${haproxy.statsPort}` },
      { file: 'node-local.json', address: `127.0.0.1:${nodeExporter.port}` },
    ]);
    promUrl = prometheus.url;

    await waitFor(`${proc.url}/health/ready`, 200, 180_000, proc);
    await waitFor(`${edgeUrl}/health/ready`, 200, 30_000);
    await eventually(
      async () => {
        const res = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as {
          data: { activeTargets: { health: string }[] };
        };
        const active = res.data.activeTargets;
        return active.length === 3 && active.every((t) => t.health === 'up') ? true : undefined;
      },
      60_000,
      logs,
    );

    // Traffic through the edge: the load command, and failed logins for that panel (one first:
    // a counter's first sample has no rate yet).
    const failedLogin = (i: number) =>
      fetch(`${edgeUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `nobody-${i}@voyage.example`, password: 'not the password' }),
      });
    await failedLogin(0);
    load = await voyage([
      'load',
      edgeUrl,
      '--scenario',
      'mixed',
      '--duration',
      '20s',
      '--connections',
      '4',
      '--rate',
      '25',
      '--users',
      '3',
      '--json',
    ]);
    for (let i = 1; i <= 3; i++) await failedLogin(i);
    // Recording rules that read other recording rules need a few evaluations.
    await eventually(
      async () =>
        (await query('slo:error_budget_remaining:ratio')).data.result.length === 2 ? true : undefined,
      60_000,
      logs,
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
  });

  afterAll(async () => {
    await prometheus?.stop();
    await nodeExporter?.stop();
    await haproxy?.stop();
    await proc?.stop();
    await work?.remove();
  });

  it('`voyage load` ran the mixed scenario through the edge and judged it by the release policy’s SLO', () => {
    const report = JSON.parse(load.stdout);
    const checks = Object.fromEntries(
      (report.checks as { name: string; ok: boolean; summary: string }[]).map((c) => [c.name, c]),
    );
    console.log(
      `voyage load (mixed, 4 connections, 25 req/s, 20 s): ${report.requests} requests, ` +
        `p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms, p99 ${report.latencyMs.p99} ms; ` +
        `${Object.values(checks)
          .map((c) => `${c.name} ${c.ok ? 'PASS' : 'FAIL'} (${c.summary})`)
          .join('; ')}`,
    );
    expect(load.code).toBe(report.ok ? 0 : 1);
    expect(report.requests).toBeGreaterThan(200);
    expect(checks.availability?.ok).toBe(true);
    expect(checks.validity?.ok).toBe(true);
    expect(checks.latency).toBeDefined();
  });

  it('`voyage load` exits 1 and names the failed objective when the SLO is not met', async () => {
    // An objective no service meets: 99 % of requests within 1 ms.
    const policy = path.join(work.dir, 'strict-policy.yaml');
    await writeFile(
      policy,
      'strategy: canary\nslo:\n  latencyThresholdSeconds: 0.001\n  latencyTarget: 0.99\n',
    );
    const res = await voyage([
      'load',
      edgeUrl,
      '--scenario',
      'search',
      '--duration',
      '2s',
      '--connections',
      '2',
      '--policy',
      policy,
    ]);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toMatch(/FAIL {2}latency: .* of responses slower than 1 ms, allowed 1\.00 %/);
    expect(res.stdout).toMatch(/PASS {2}availability/);
    expect(res.stdout).toMatch(/NOT within the SLO\./);
    expect(res.stderr).toMatch(/Load: search against/);
  });

  it('scrapes every role target with role, slot and version labels, HAProxy and the node exporter', async () => {
    const up = (await query('up == 1')).data.result.map((r) => r.metric);
    expect(up).toContainEqual(
      expect.objectContaining({ job: 'voyage-all', role: 'all', slot: 'blue', version: VERSION }),
    );
    expect(up).toContainEqual(expect.objectContaining({ job: 'haproxy', role: 'edge' }));
    expect(up).toContainEqual(expect.objectContaining({ job: 'node' }));
  });

  it('evaluates every recording and alerting rule without error', async () => {
    const res = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const rules = res.data.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);

    const files = (await readdir(path.join(ROOT, 'deploy/prometheus/rules'))).filter((f) =>
      f.endsWith('.yml'),
    );
    const exprs = (
      await Promise.all(
        files.map(async (f) =>
          YAML.parse(await readFile(path.join(ROOT, 'deploy/prometheus/rules', f), 'utf8')),
        ),
      )
    ).flatMap((doc: { groups: { rules: { expr: string }[] }[] }) =>
      doc.groups.flatMap((g) => g.rules.map((r) => r.expr)),
    );
    // Prometheus loaded every rule in the files, and each one evaluates on its own.
    expect(rules.length).toBe(exprs.length);
    expect(exprs.length).toBeGreaterThan(50);
    for (const expr of exprs) {
      const body = await query(expr);
      expect(body.warnings ?? [], expr).toEqual([]);
    }
  });

  it('returns data for the core series: RED by route and role, per slot, SLOs, business counters', async () => {
    const values = async (expr: string) => (await query(expr)).data.result;
    const routes = await values('route_role:http_requests:rate5m{role="all"}');
    expect(routes.map((r) => r.metric.route)).toEqual(
      expect.arrayContaining(['/search', '/bookings', '/auth/signup']),
    );
    expect(routes.map((r) => r.metric.route)).not.toContain('/metrics');
    expect(await values('route_role:http_request_duration_seconds:p95_5m{route="/search"} > 0')).toHaveLength(
      1,
    );
    // A healthy run: no 5xx, read as 0 and not as "no data".
    const errors = await values('role:http_request_errors:ratio_rate5m{role="all"}');
    expect(errors.map((r) => Number(r.value[1]))).toEqual([0]);
    expect(await values('slot_version:http_requests:rate1m{slot="blue"} > 0')).toHaveLength(1);
    const sli = await values('slo:sli_error:ratio_rate5m');
    expect(sli.map((r) => r.metric.slo).sort()).toEqual(['availability', 'latency']);
    const budget = await values('slo:error_budget_remaining:ratio{slo="availability"}');
    expect(Number(budget[0]!.value[1])).toBe(1);
    for (const expr of [
      'outcome:voyage_searches:rate5m > 0',
      'outcome:voyage_bookings:rate5m{outcome="created"} > 0',
      'voyage_signups:rate5m > 0',
      'reason:voyage_login_failures:rate5m{reason="unknown_account"} > 0',
      'voyage_migrations_pending == 0',
      'haproxy_server_weight{server="blue"} == 100',
    ]) {
      expect((await values(expr)).length, expr).toBeGreaterThan(0);
    }
  });

  it('evaluates every dashboard query without error, and every panel but the listed ones shows data', async () => {
    const dir = path.join(ROOT, 'deploy/grafana/dashboards');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['overview.json', 'releases.json', 'slo.json']);
    const empty: string[] = [];
    let evaluated = 0;
    for (const file of files) {
      const dashboard = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Dashboard;
      for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
        const q = typeof variable.query === 'string' ? variable.query : variable.query!.query;
        const match = /^label_values\((.+),\s*(\w+)\)$/.exec(q);
        expect(match, q).not.toBeNull();
        const result = (await query(grafanaToPromQL(match![1]!))).data.result;
        expect(
          result.some((r) => r.metric[match![2]!] !== undefined),
          q,
        ).toBe(true);
      }
      for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
        let rows = 0;
        for (const target of panel.targets ?? []) {
          const body = await query(grafanaToPromQL(target.expr));
          expect(body.warnings ?? [], target.expr).toEqual([]);
          rows += body.data.result.length;
          evaluated++;
        }
        if (rows === 0) empty.push(`${dashboard.title} / ${panel.title}`);
      }
    }
    expect(evaluated).toBeGreaterThan(40);
    expect(empty.filter((title) => !(title in NO_DATA_EXPECTED))).toEqual([]);
  });
});
