import { trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Health } from '../observability/health.js';
import type { Metrics } from '../observability/metrics.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Path parameters that are credentials (a feed token): never written to the access log. */
    secretParams?: readonly string[];
  }
}

/** Query parameters whose values are credentials wherever they appear. */
const SECRET_QUERY = /([?&](?:token|access_token|refresh_token|password|secret|key|api_key|code)=)[^&#]*/gi;

/** The URL as the access log may show it: secret path parameters and query values replaced. */
export function loggableUrl(
  url: string,
  params: unknown,
  secretParams: readonly string[] | undefined,
): string {
  let out = url.replace(SECRET_QUERY, '$1[redacted]');
  if (secretParams && params && typeof params === 'object') {
    for (const name of secretParams) {
      const value = (params as Record<string, unknown>)[name];
      if (typeof value === 'string' && value.length > 0) {
        out = out.split(value).join('[redacted]').split(encodeURIComponent(value)).join('[redacted]');
      }
    }
  }
  return out;
}

/**
 * Request ids echoed, spans named by route, RED metrics labelled by route template (never the raw
 * URL), one access log line per request, and the health and metrics endpoints.
 */
export const observabilityPlugin = fp<{ metrics: Metrics; health: Health }>(
  async (app: FastifyInstance, { metrics, health }) => {
    const quiet = new Set(['/health', '/health/ready', '/metrics']);

    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
      const span = trace.getActiveSpan();
      const route = request.routeOptions.url;
      if (span && route) {
        span.updateName(`${request.method} ${route}`);
        span.setAttribute('http.route', route);
      }
    });

    // While draining, ask clients not to reuse the connection, so that close is not held up by
    // keep-alive sockets (this covers requests that began before the signal too).
    app.addHook('onSend', async (_request, reply) => {
      if (health.shuttingDown) reply.header('connection', 'close');
    });

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const labels = { method: request.method, route, status_code: String(reply.statusCode) };
      const seconds = reply.elapsedTime / 1000;
      metrics.httpDuration.observe(labels, seconds);
      metrics.httpTotal.inc(labels);
      const line = {
        method: request.method,
        route,
        url: loggableUrl(request.url, request.params, request.routeOptions.config?.secretParams),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      };
      if (quiet.has(route)) request.log.debug(line, 'request completed');
      else request.log.info(line, 'request completed');
    });

    const noLimit = { rateLimit: false } as const;

    app.get(
      '/health',
      { config: noLimit, schema: { tags: ['ops'], summary: 'Liveness: the process answers' } },
      async () => ({
        status: 'ok',
        timestamp: new Date().toISOString(),
        uptime: health.uptimeSeconds(),
      }),
    );

    app.get(
      '/health/ready',
      {
        config: noLimit,
        schema: { tags: ['ops'], summary: 'Readiness: dependencies answer and no migration is pending' },
      },
      async (_request, reply) => {
        const r = await health.readiness();
        const body = {
          status: r.ready ? (r.degraded ? 'degraded' : 'ready') : 'not ready',
          checks: r.checks,
          ...(Object.keys(r.details).length ? { details: r.details } : {}),
        };
        return reply.status(r.ready ? 200 : 503).send(body);
      },
    );

    app.get(
      '/metrics',
      { config: noLimit, schema: { tags: ['ops'], summary: 'Prometheus metrics' } },
      async (_request, reply) => {
        const text = await metrics.registry.metrics();
        return reply.type(metrics.registry.contentType).send(text);
      },
    );
  },
  { name: 'voyage-observability' },
);
