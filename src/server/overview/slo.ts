/**
 * The availability SLO the console reports on: the one deploy/prometheus/rules/voyage-slo.yml
 * records and voyage-alerts.yml alerts on (slo.test.ts reads both files and holds them equal).
 */
export const AVAILABILITY_SLO = {
  /** Share of requests over the period that answer without a 5xx. */
  objective: 0.999,
  periodDays: 30,
  /**
   * Multi-window burn-rate alerts (Google SRE workbook): burning `factor` times faster than the
   * budget allows over both the long and the short window.
   */
  burnRateAlerts: [
    { long: '1h', short: '5m', factor: 14.4, severity: 'critical' },
    { long: '6h', short: '30m', factor: 6, severity: 'critical' },
    { long: '1d', short: '2h', factor: 3, severity: 'warning' },
    { long: '3d', short: '6h', factor: 1, severity: 'warning' },
  ],
} as const;

/** 1 − 0.999 is 0.0010000000000000009 in floating point; the budget is read as written. */
export const ERROR_BUDGET = Math.round((1 - AVAILABILITY_SLO.objective) * 1e12) / 1e12;

/** How many times faster than the budget allows errors arrive at this error ratio. */
export const burnRate = (errorRatio: number) => errorRatio / ERROR_BUDGET;

/** The budget left if this error ratio held for the whole period (what Prometheus records). */
export const budgetRemaining = (errorRatio: number) => 1 - errorRatio / ERROR_BUDGET;
