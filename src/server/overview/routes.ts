import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import type { Health } from '../../platform/observability/health.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import {
  createMetricsHistory,
  type HistoryPoint,
  type MetricsHistory,
} from '../../platform/observability/metrics-history.js';
import { VERSION } from '../../version.js';
import type { AppContext } from '../context.js';
import { createPrometheusHistory } from './prometheus.js';
import { AVAILABILITY_SLO, budgetRemaining, burnRate } from './slo.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The in-process metrics history behind the console's charts. */
    metricsHistory: MetricsHistory;
  }
}

export interface OverviewOptions {
  metrics: Metrics;
  health: Health;
  clock: Clock;
  role: string;
  version: string;
  /** Where set, the history and the SLO figures come from Prometheus. */
  prometheusUrl: string | undefined;
  sampleIntervalMs?: number;
}

/** The options as the server builds them from its context. */
export const overviewOptions = (ctx: AppContext): OverviewOptions => ({
  metrics: ctx.metrics,
  health: ctx.health,
  clock: ctx.clock,
  role: ctx.role,
  version: VERSION,
  prometheusUrl: ctx.config.release.prometheusUrl,
  sampleIntervalMs: ctx.config.metricsHistoryIntervalMs,
});

const WINDOWS = { '15m': 15 * 60_000, '1h': 60 * 60_000 } as const;
const HistoryQuery = z.strictObject({
  window: z
    .enum(['15m', '1h'])
    .default('1h')
    .describe('How far back: 15m or 1h (400 validation_failed else)'),
});
const Source = z.enum(['process', 'prometheus']);
const Point = z.object({
  at: z.iso.datetime(),
  requestsPerSecond: z.number(),
  errorRatio: z.number().nullable(),
  p95Seconds: z.number().nullable(),
});
const History = z.object({
  window: z.enum(['15m', '1h']),
  source: Source,
  stepSeconds: z.number(),
  points: z.array(Point),
});
const BurnRate = z.object({
  window: z.string(),
  errorRatio: z.number().nullable(),
  burnRate: z.number().nullable(),
});
const Overview = z.object({
  version: z.string(),
  role: z.string(),
  uptimeSeconds: z.number(),
  ready: z.boolean(),
  degraded: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.unknown().optional() })),
  slo: z.object({
    objective: z.number(),
    periodDays: z.number(),
    source: Source,
    /** What the budget figure is measured over: the period (Prometheus) or this process's hour. */
    measuredOver: z.string(),
    budgetRemaining: z.number().nullable(),
    burnRates: z.array(BurnRate),
    /** The fastest burn that pages (over both of its windows). */
    pageAt: z.number(),
    /** Why the figures are missing, when their source could not be asked. */
    unavailable: z.string().optional(),
  }),
});

/** Requests and 5xx share over the points' span (each point one equal interval). */
function errorRatioOf(points: HistoryPoint[]): number | null {
  let requests = 0;
  let errors = 0;
  for (const p of points) {
    requests += p.requestsPerSecond;
    errors += p.requestsPerSecond * (p.errorRatio ?? 0);
  }
  return requests > 0 ? errors / requests : null;
}

const rateOf = (ratio: number | null) => ({
  errorRatio: ratio,
  burnRate: ratio === null ? null : burnRate(ratio),
});
const serialise = (p: HistoryPoint) => ({ ...p, at: new Date(p.at).toISOString() });

/** The console's overview: dependency health, version and role, traffic history, the SLO budget. */
const plugin: FastifyPluginAsync<OverviewOptions> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const now = () => opts.clock.now().getTime();
  const history = createMetricsHistory(opts.metrics, {
    now,
    ...(opts.sampleIntervalMs ? { intervalMs: opts.sampleIntervalMs } : {}),
    capacity: Math.ceil(WINDOWS['1h'] / (opts.sampleIntervalMs ?? 10_000)),
  });
  const prometheus = opts.prometheusUrl ? createPrometheusHistory(opts.prometheusUrl) : undefined;
  app.decorate('metricsHistory', history);
  if (!prometheus) {
    app.addHook('onReady', async () => history.start());
    app.addHook('onClose', async () => history.stop());
  }
  const secured = { tags: ['admin'], security: [{ bearer: [] }] };
  const fastest = AVAILABILITY_SLO.burnRateAlerts[0];

  app.get(
    '/admin/overview',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        ...secured,
        summary: 'Dependency health, version, role and the availability error budget (admin)',
        response: { 200: Overview },
      },
    },
    async () => {
      const readiness = await opts.health.readiness();
      const checks = Object.entries(readiness.checks).map(([name, ok]) => ({
        name,
        ok,
        ...(readiness.details[name] !== undefined ? { detail: readiness.details[name] } : {}),
      }));
      let slo: z.infer<typeof Overview>['slo'];
      const common = {
        objective: AVAILABILITY_SLO.objective,
        periodDays: AVAILABILITY_SLO.periodDays,
        pageAt: fastest.factor,
      };
      if (prometheus) {
        // Health matters most when Prometheus is down too: its figures go missing, not the page.
        const p = await prometheus.slo().catch((err: Error) => ({
          budgetRemaining: null,
          errorRatio1h: null,
          errorRatio5m: null,
          unavailable: err.message,
        }));
        slo = {
          ...common,
          source: 'prometheus',
          measuredOver: `${AVAILABILITY_SLO.periodDays}d`,
          ...('unavailable' in p ? { unavailable: p.unavailable } : {}),
          budgetRemaining: p.budgetRemaining,
          burnRates: [
            { window: fastest.long, ...rateOf(p.errorRatio1h) },
            { window: fastest.short, ...rateOf(p.errorRatio5m) },
          ],
        };
      } else {
        const hour = errorRatioOf(history.points(WINDOWS['1h']));
        slo = {
          ...common,
          source: 'process',
          measuredOver: fastest.long,
          budgetRemaining: hour === null ? null : budgetRemaining(hour),
          burnRates: [
            { window: fastest.long, ...rateOf(hour) },
            { window: fastest.short, ...rateOf(errorRatioOf(history.points(5 * 60_000))) },
          ],
        };
      }
      return {
        version: opts.version,
        role: opts.role,
        uptimeSeconds: opts.health.uptimeSeconds(),
        ready: readiness.ready,
        degraded: readiness.degraded,
        checks,
        slo,
      };
    },
  );

  app.get(
    '/admin/metrics/history',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        ...secured,
        summary: 'Request rate, 5xx share and p95 latency over the last 15m or 1h (admin)',
        querystring: HistoryQuery,
        response: { 200: History },
      },
    },
    async (request) => {
      const { window } = request.query;
      if (prometheus) {
        const points = await prometheus.points(WINDOWS[window], now());
        return { window, source: 'prometheus' as const, stepSeconds: 60, points: points.map(serialise) };
      }
      const points = history.points(WINDOWS[window]).map(serialise);
      return { window, source: 'process' as const, stepSeconds: history.intervalMs / 1000, points };
    },
  );
};

export const overviewRoutes = fp(plugin, { name: 'voyage-overview', dependencies: ['voyage-auth'] });
