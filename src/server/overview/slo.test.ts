import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AVAILABILITY_SLO, budgetRemaining, burnRate, ERROR_BUDGET } from './slo.js';

const RULES = path.resolve(import.meta.dirname, '../../../deploy/prometheus/rules');

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
}
const rules = (file: string): Rule[] =>
  (parse(readFileSync(path.join(RULES, file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
    (g) => g.rules,
  );

describe('the console’s SLO is the one the Prometheus rules encode', () => {
  it('has the objective recorded by slo:objective:ratio{slo="availability"}', () => {
    const objective = rules('voyage-slo.yml').find(
      (r) => r.record === 'slo:objective:ratio' && r.labels?.slo === 'availability',
    );
    expect(objective?.expr.trim()).toBe(`vector(${AVAILABILITY_SLO.objective})`);
  });

  it('has the burn-rate alerts’ windows, factors, budget and severities', () => {
    const alerts = rules('voyage-alerts.yml').filter((r) => r.alert?.startsWith('AvailabilityBurnRate'));
    const found = alerts.map((a) => {
      const m = [...a.expr.matchAll(/ratio_rate(\w+)\{slo="availability"\} > \(([\d.]+) \* ([\d.]+)\)/g)];
      expect(m, a.alert).toHaveLength(2);
      expect(m[0]![2], a.alert).toBe(m[1]![2]);
      expect(Number(m[0]![3]), a.alert).toBe(ERROR_BUDGET);
      expect(Number(m[1]![3]), a.alert).toBe(ERROR_BUDGET);
      return { long: m[0]![1], short: m[1]![1], factor: Number(m[0]![2]), severity: a.labels?.severity };
    });
    expect(found).toEqual(AVAILABILITY_SLO.burnRateAlerts);
  });

  it('counts the budget in the period the rules average over', () => {
    const period = rules('voyage-slo.yml').find((r) => r.record === 'slo:sli_error:ratio_rate30d');
    expect(period?.expr).toContain(`[${AVAILABILITY_SLO.periodDays}d]`);
  });

  it('reads burn rate and budget as the rules do', () => {
    expect(ERROR_BUDGET).toBe(0.001);
    expect(burnRate(0.0144)).toBeCloseTo(14.4, 9);
    expect(budgetRemaining(0)).toBe(1);
    expect(budgetRemaining(0.00025)).toBeCloseTo(0.75, 9);
    expect(budgetRemaining(0.002)).toBeCloseTo(-1, 9);
  });
});
