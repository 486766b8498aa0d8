import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import { LogController } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { Logger } from '../observability/logger.js';
import { AppError } from './errors.js';
import { genRequestId } from './request-id.js';

/** Server options shared by every Voyage HTTP process (all, api, worker, gateway). */
export function serverOptions(config: Config, log: Logger): FastifyServerOptions {
  return {
    loggerInstance: log as FastifyBaseLogger,
    genReqId: genRequestId,
    // One access-log line per request comes from the observability plugin instead.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
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
  { config, redis }: { config: Config; redis: Redis | undefined },
) {
  await app.register(helmet, { global: true });
  if (config.http.corsOrigins === '*' || config.http.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.http.corsOrigins === '*' ? true : config.http.corsOrigins,
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
    });
  }
  if (config.http.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.http.rateLimitMax,
      timeWindow: config.http.rateLimitWindowMs,
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
