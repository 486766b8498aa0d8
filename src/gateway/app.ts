import Fastify from 'fastify';
import { webAppOptions } from '../config/web.js';
import { authPlugin } from '../platform/http/auth.js';
import { registerEdgePlugins, serverOptions } from '../platform/http/edge-plugins.js';
import { errorHandlerPlugin } from '../platform/http/error-handler.js';
import { observabilityPlugin } from '../platform/http/observability-plugin.js';
import { traceContextPlugin } from '../platform/http/trace-context.js';
import { tileSource, webAppPlugin } from '../platform/http/web-app.js';
import { VERSION } from '../version.js';
import type { GatewayContext } from './context.js';
import { gatewayProxyPlugin } from './proxy.js';

/**
 * The gateway: the edge work (security headers, CORS, rate limits, token check, request ids,
 * trace context), then forwarding by path prefix. Its own /health, /health/ready (ready when
 * every upstream has a ready replica) and /metrics.
 */
export async function buildGateway(ctx: GatewayContext) {
  const app = Fastify(serverOptions(ctx.config.http, ctx.log));
  const tiles = tileSource(ctx.config.web.mapTileUrl);
  await registerEdgePlugins(app, {
    http: ctx.config.http,
    redis: ctx.redis,
    metrics: ctx.metrics,
    ...(tiles ? { imageSources: [tiles] } : {}),
  });
  await app.register(errorHandlerPlugin);
  await app.register(webAppPlugin, webAppOptions(ctx.config));
  await app.register(traceContextPlugin, { start: true });
  await app.register(observabilityPlugin, { metrics: ctx.metrics, health: ctx.health });
  await app.register(authPlugin, { tokens: ctx.accessTokens });
  await app.register(gatewayProxyPlugin, {
    routes: ctx.routes,
    ...(ctx.fallback ? { fallback: ctx.fallback } : {}),
    metrics: ctx.metrics,
  });
  if (!ctx.fallback) app.get('/', async () => ({ name: 'voyage-gateway', version: VERSION }));
  return app;
}
