import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from './context.js';
import { createServices, MODULES, type ModuleName, type Services } from './modules/index.js';
import { authPlugin } from './platform/http/auth.js';
import { errorHandlerPlugin } from './platform/http/error-handler.js';
import { AppError } from './platform/http/errors.js';
import { faultInjectionPlugin } from './platform/http/fault-injection.js';
import { observabilityPlugin } from './platform/http/observability-plugin.js';
import { genRequestId } from './platform/http/request-id.js';
import { VERSION } from './version.js';

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface BuildOptions {
  /** Which modules' routes to serve; all by default. */
  modules?: readonly ModuleName[];
  services?: Services;
}

/**
 * Layers, in order: third-party plugins, platform plugins, then module routes.
 */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const { config } = ctx;
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    genReqId: genRequestId,
    // One access-log line per request comes from the observability plugin instead.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Third-party plugins.
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
      ...(ctx.redis ? { redis: ctx.redis, nameSpace: 'voyage:rl:' } : {}),
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
  await app.register(swagger, {
    openapi: {
      info: { title: 'Voyage API', version: VERSION, description: 'Cars, stays, flights and trips.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Platform plugins.
  await app.register(errorHandlerPlugin);
  await app.register(observabilityPlugin, { metrics: ctx.metrics, health: ctx.health });
  await app.register(authPlugin, { tokens: ctx.accessTokens });
  if (config.faultInjection) await app.register(faultInjectionPlugin, { faults: config.faultInjection });
  else if (config.faultInjectionRefused) {
    app.log.warn('VOYAGE_FAULT_INJECTION is set but ignored: it needs VOYAGE_ALLOW_FAULT_INJECTION=true');
  }

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/', { schema: { hide: true } }, async () => ({ name: 'voyage', version: VERSION, docs: '/docs' }));

  // Module routes.
  const services = options.services ?? createServices(ctx);
  const wanted = new Set<string>(options.modules ?? MODULES.map((m) => m.name));
  for (const module of MODULES) {
    if (!wanted.has(module.name)) continue;
    if ('constraints' in module) app.registerConstraintErrors(module.constraints);
    await app.register(module.routes, { services, config });
  }

  return app;
}
