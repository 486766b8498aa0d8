import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import { LogController } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { AppError } from './errors.js';
import { genRequestId } from './request-id.js';

/** The edge settings every public-facing process shares (Config.http). */
export interface HttpOptions {
  corsOrigins: string[] | '*';
  /** Requests per client address and window; 0 turns the limit off. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** The stricter limit on /auth/*; 0 turns it off. */
  authRateLimitMax: number;
  trustProxy: boolean;
  bodyLimitBytes: number;
}

/** Server options shared by every Voyage HTTP process (all, api, worker, gateway). */
export function serverOptions(http: HttpOptions, log: Logger): FastifyServerOptions {
  return {
    loggerInstance: log as FastifyBaseLogger,
    genReqId: genRequestId,
    // One access-log line per request comes from the observability plugin instead.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: http.bodyLimitBytes,
    trustProxy: http.trustProxy,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  };
}

/**
 * The edge concerns every public-facing process shares: security headers, CORS, rate limits
 * (in Redis when configured, so that replicas share counters).
 */
export async function registerEdgePlugins(
  app: FastifyInstance,
  {
    http,
    redis,
    imageSources = [],
  }: { http: HttpOptions; redis: Redis | undefined; imageSources?: string[] },
) {
  // Helmet's default policy, without upgrade-insecure-requests: over plain HTTP on a host other
  // than localhost it makes the browser fetch every script over https, and /docs and the web app
  // stay blank. Images may also come from the map's tile server.
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: null,
        imgSrc: ["'self'", 'data:', ...imageSources],
      },
    },
  });
  if (http.corsOrigins === '*' || http.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: http.corsOrigins === '*' ? true : http.corsOrigins,
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
    });
  }
  if (http.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: http.rateLimitMax,
      timeWindow: http.rateLimitWindowMs,
      ...(redis ? { redis, nameSpace: 'voyage:rl:' } : {}),
      keyGenerator: (request) => request.ip,
      errorResponseBuilder: (_request, context) =>
        new AppError(
          429,
          'rate_limited',
          `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} seconds`,
          { limit: context.max },
        ),
    });
  }
}
