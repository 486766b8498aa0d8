import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { webAppOptions } from '../config/web.js';
import { MODULES } from '../modules/index.js';
import type { ModuleName } from '../modules/manifest.js';
import type { ModuleDefinition } from '../modules/module.js';
import { authPlugin } from '../platform/http/auth.js';
import { registerEdgePlugins, serverOptions } from '../platform/http/edge-plugins.js';
import { errorHandlerPlugin } from '../platform/http/error-handler.js';
import { serviceUnavailable } from '../platform/http/errors.js';
import { faultInjectionPlugin } from '../platform/http/fault-injection.js';
import { observabilityPlugin } from '../platform/http/observability-plugin.js';
import { traceContextPlugin } from '../platform/http/trace-context.js';
import { tileSource, webAppPlugin } from '../platform/http/web-app.js';
import { VERSION } from '../version.js';
import { adminReleaseRoutes } from './admin-releases.js';
import { backupRoutes } from './backups/routes.js';
import { createBackupConsole } from './backups/service.js';
import type { AppContext } from './context.js';
import { overviewOptions, overviewRoutes } from './overview/routes.js';
import { createServices, type Services } from './services.js';

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
  /** While this returns a reason, requests other than probes get 503 `starting`. */
  startup?: () => string | undefined;
}

const PROBES = new Set(['/health', '/health/ready', '/metrics']);

/**
 * Layers, in order: third-party plugins, platform plugins, then module routes.
 */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const { config } = ctx;
  const app = Fastify(serverOptions(config.http, ctx.log)).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Third-party plugins.
  const tiles = tileSource(config.web.mapTileUrl);
  await registerEdgePlugins(app, {
    http: config.http,
    redis: ctx.redis,
    metrics: ctx.metrics,
    ...(tiles ? { imageSources: [tiles] } : {}),
  });
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
  const startup = options.startup;
  if (startup) {
    app.addHook('onRequest', async (request) => {
      const reason = startup();
      if (reason && !PROBES.has(request.url.split('?')[0] ?? '')) {
        throw serviceUnavailable('starting', `Voyage is starting (${reason}); try again shortly`);
      }
    });
  }
  await app.register(webAppPlugin, webAppOptions(config));
  await app.register(traceContextPlugin);
  await app.register(observabilityPlugin, { metrics: ctx.metrics, health: ctx.health });
  const services = options.services ?? createServices(ctx);
  // Every request's token is checked against its session (live, the account's current role);
  // admin operations need a session signed in with MFA.
  await app.register(authPlugin, {
    tokens: ctx.accessTokens,
    sessions: services.identity.sessionCheck,
    mfaRoles: ['admin'],
  });
  if (config.faultInjection) {
    await app.register(faultInjectionPlugin, { faults: config.faultInjection });
    if (config.faultInjection.notReady) {
      ctx.health.register('fault-injection', async () => ({
        ok: false,
        detail: 'VOYAGE_FAULT_INJECTION has not_ready=true',
      }));
    }
  } else if (config.faultInjectionRefused) {
    app.log.warn('VOYAGE_FAULT_INJECTION is set but ignored: it needs VOYAGE_ALLOW_FAULT_INJECTION=true');
  }

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/', { schema: { hide: true } }, async () => ({ name: 'voyage', version: VERSION, docs: '/docs' }));

  // Module routes: each module gets its own service.
  const wanted = new Set<string>(options.modules ?? MODULES.map((m) => m.name));
  for (const module of MODULES as readonly ModuleDefinition<unknown>[]) {
    if (!wanted.has(module.name)) continue;
    if (module.constraints) app.registerConstraintErrors(module.constraints);
    await app.register(module.routes, { service: services[module.name], config });
  }
  // The console's backups: the backup store and the database itself, not a module's business.
  await app.register(backupRoutes, { backups: createBackupConsole(ctx) });
  // The release controller's console view: the host's concern, served beside every module set.
  await app.register(adminReleaseRoutes, { config, audit: ctx.audit });
  await app.register(overviewRoutes, overviewOptions(ctx));

  return app;
}
