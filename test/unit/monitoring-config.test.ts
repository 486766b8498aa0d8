import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { HTTP_BUCKETS } from '../../src/platform/observability/metrics.js';
import { loadReleasePolicy } from '../../src/release/policy.js';
import { PROJECT_ROOT } from '../../src/version.js';

/**
 * Structure of the monitoring configuration that promtool and amtool do not check: runbooks,
 * severities, test coverage of every alert, and agreement with the release policy's SLO.
 */
const PROM = path.join(PROJECT_ROOT, 'deploy/prometheus');
const readYaml = (file: string) => YAML.parse(readFileSync(file, 'utf8'));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const ruleFiles = readdirSync(path.join(PROM, 'rules')).filter((f) => f.endsWith('.yml'));
const rules: Rule[] = ruleFiles.flatMap((f) =>
  (readYaml(path.join(PROM, 'rules', f)).groups as { rules: Rule[] }[]).flatMap((g) => g.rules),
);
const alerts = rules.filter((r) => r.alert);

interface AlertTest {
  alertname: string;
  exp_alerts?: unknown[];
}
const testFiles = readdirSync(path.join(PROM, 'tests')).filter((f) => f.endsWith('.test.yml'));
const alertTests: AlertTest[] = testFiles.flatMap((f) =>
  (readYaml(path.join(PROM, 'tests', f)).tests as { alert_rule_test?: AlertTest[] }[]).flatMap(
    (t) => t.alert_rule_test ?? [],
  ),
);

describe('Prometheus alerts', () => {
  it('are the alerts the plans ask for, plus the eight SLO burn-rate alerts', () => {
    const names = new Set(alerts.map((a) => a.alert));
    for (const name of [
      'InstanceDown',
      'HighErrorRate',
      'HighLatencyP95',
      'DatabasePoolExhausted',
      'DiskAlmostFull',
      'BackupTooOld',
      'MigrationsPending',
      'ReleaseRolledBack',
    ]) {
      expect(names).toContain(name);
    }
    for (const slo of ['Availability', 'Latency']) {
      for (const w of ['1h', '6h', '1d', '3d']) expect(names).toContain(`${slo}BurnRate${w}`);
    }
  });

  it.each(alerts.map((a) => [`${a.alert} (${a.labels?.severity})`, a] as const))(
    '%s has a severity Alertmanager routes, a summary, a description and a runbook',
    (_name, alert) => {
      expect(['critical', 'warning']).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary).toBeTruthy();
      expect(alert.annotations?.description).toBeTruthy();
      const runbook = alert.annotations?.runbook_url ?? '';
      expect(runbook).toMatch(/^docs\/runbooks\/[a-z0-9-]+\.md$/);
      expect(existsSync(path.join(PROJECT_ROOT, runbook)), `${runbook} does not exist`).toBe(true);
    },
  );

  it.each([...new Set(alerts.map((a) => a.alert!))])(
    '%s is tested by promtool both firing and silent',
    (name) => {
      const mine = alertTests.filter((t) => t.alertname === name);
      expect(
        mine.some((t) => (t.exp_alerts ?? []).length > 0),
        `no test where ${name} fires`,
      ).toBe(true);
      expect(
        mine.some((t) => (t.exp_alerts ?? []).length === 0),
        `no test where ${name} is silent`,
      ).toBe(true);
    },
  );

  it('burn at the Google SRE workbook rates: 14.4x 1h/5m and 6x 6h/30m page, 3x 1d/2h and 1x 3d/6h ticket', () => {
    const expected = {
      '1h': ['14.4', '5m', 'critical'],
      '6h': ['6', '30m', 'critical'],
      '1d': ['3', '2h', 'warning'],
      '3d': ['1', '6h', 'warning'],
    } as const;
    for (const [slo, budget] of [
      ['availability', '0.001'],
      ['latency', '0.05'],
    ] as const) {
      for (const [long, [factor, short, severity]] of Object.entries(expected)) {
        const name = `${slo[0]!.toUpperCase()}${slo.slice(1)}BurnRate${long}`;
        const alert = alerts.find((a) => a.alert === name)!;
        const expr = alert.expr.replace(/\s+/g, ' ').trim();
        expect(expr).toBe(
          `slo:sli_error:ratio_rate${long}{slo="${slo}"} > (${factor} * ${budget}) and ` +
            `slo:sli_error:ratio_rate${short}{slo="${slo}"} > (${factor} * ${budget})`,
        );
        expect(alert.labels?.severity).toBe(severity);
      }
    }
  });
});

describe('Prometheus SLO rules', () => {
  it('use the objectives and the latency threshold of deploy/release-policy.yaml', async () => {
    const { slo } = await loadReleasePolicy();
    const objective = (name: string) =>
      rules.find((r) => r.record === 'slo:objective:ratio' && r.labels?.slo === name)?.expr;
    expect(objective('availability')).toBe(`vector(${slo.availability})`);
    expect(objective('latency')).toBe(`vector(${slo.latencyTarget})`);
    // The alert thresholds are 1 − objective.
    expect(Math.abs(1 - slo.availability - 0.001)).toBeLessThan(1e-12);
    expect(Math.abs(1 - slo.latencyTarget - 0.05)).toBeLessThan(1e-12);

    const latency = rules.filter(
      (r) => r.record?.startsWith('slo:sli_error:') && r.labels?.slo === 'latency',
    );
    expect(latency).toHaveLength(7);
    for (const r of latency) expect(r.expr).toContain(`le="${slo.latencyThresholdSeconds}"`);
    // The threshold must be a bucket boundary of the histogram, or le="…" matches nothing.
    expect(HTTP_BUCKETS).toContain(slo.latencyThresholdSeconds);
  });

  it('record every window the burn-rate alerts read', () => {
    for (const slo of ['availability', 'latency']) {
      for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) {
        expect(rules.some((r) => r.record === `slo:sli_error:ratio_rate${w}` && r.labels?.slo === slo)).toBe(
          true,
        );
      }
    }
  });
});

describe('Prometheus scrape config', () => {
  it('has a job per role labelled with that role, HAProxy and node exporters, and loads every rule file', () => {
    const config = readYaml(path.join(PROM, 'prometheus.yml'));
    const jobs = Object.fromEntries(
      (
        config.scrape_configs as {
          job_name: string;
          relabel_configs?: { target_label: string; replacement: string }[];
        }[]
      ).map((j) => [j.job_name, j]),
    );
    for (const role of ['all', 'gateway', 'api', 'worker']) {
      expect(jobs[`voyage-${role}`]?.relabel_configs).toContainEqual({
        target_label: 'role',
        replacement: role,
      });
    }
    expect(jobs.haproxy).toBeDefined();
    expect(jobs.node).toBeDefined();
    expect(config.rule_files).toEqual(['rules/*.yml']);
  });
});

describe('Alertmanager config', () => {
  const config = readYaml(path.join(PROJECT_ROOT, 'deploy/alertmanager/alertmanager.yml'));

  it('pages on critical and chats on warning', () => {
    const routes = config.route.routes as { matchers: string[]; receiver: string }[];
    expect(routes).toContainEqual(
      expect.objectContaining({ matchers: ['severity="critical"'], receiver: 'paging' }),
    );
    expect(routes).toContainEqual(
      expect.objectContaining({ matchers: ['severity="warning"'], receiver: 'chat' }),
    );
  });

  it('silences the other alerts of an instance that is down', () => {
    expect(config.inhibit_rules).toContainEqual({
      source_matchers: ['alertname="InstanceDown"'],
      target_matchers: ['alertname!="InstanceDown"'],
      equal: ['instance'],
    });
  });
});
