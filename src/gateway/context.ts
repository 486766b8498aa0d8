import { Redis } from 'ioredis';
import type { Config, Secrets } from '../config/index.js';
import { MODULE_MANIFEST, SECRET_PREFIXES } from '../modules/manifest.js';
import { systemClock } from '../platform/clock.js';
import { type AccessTokens, createAccessTokens } from '../platform/http/auth.js';
import { createHealth, type Health, redisCheck } from '../platform/observability/health.js';
import { createLogger, type Logger } from '../platform/observability/logger.js';
import { createMetrics, type Metrics } from '../platform/observability/metrics.js';
import type { GatewayRoute } from './proxy.js';
import { createUpstream, type Upstream } from './upstream.js';

/**
 * What the gateway process needs: no database, only tokens to check, Redis for shared rate-limit
 * counters, and one upstream per distinct set of api replicas.
 */
export interface GatewayContext {
  config: Config;
  log: Logger;
  metrics: Metrics;
  health: Health;
  accessTokens: AccessTokens;
  redis: Redis | undefined;
  routes: GatewayRoute[];
  fallback: Upstream | undefined;
  close(): Promise<void>;
}

/** Problems that stop the gateway from starting, each naming the variable to set. */
export function gatewayProblems(config: Config, secrets: Secrets): string[] {
  const problems: string[] = [];
  const upstreams = config.gateway.upstreams;
  if (!upstreams) {
    problems.push('--role gateway needs GATEWAY_UPSTREAMS, e.g. *=http://api-1:3000|http://api-2:3000');
  } else {
    const known = MODULE_MANIFEST.map((m) => m.name as string);
    for (const name of Object.keys(upstreams.modules)) {
      if (!known.includes(name))
        problems.push(`GATEWAY_UPSTREAMS: "${name}" is not a module; known: ${known.join(', ')}`);
    }
    const uncovered = known.filter((n) => !upstreams.modules[n] && !upstreams.default);
    if (uncovered.length)
      problems.push(
        `GATEWAY_UPSTREAMS: no upstream for ${uncovered.join(', ')}; add *=http://… or name=http://…`,
      );
    // Modules that serve one prefix (trips, itinerary and exports under /trips) need one upstream.
    const servedBy = new Map<string, { module: string; origins: string }>();
    for (const m of MODULE_MANIFEST) {
      const origins = (upstreams.modules[m.name] ?? upstreams.default ?? []).join('|');
      for (const prefix of m.prefixes) {
        const first = servedBy.get(prefix);
        if (!first) servedBy.set(prefix, { module: m.name, origins });
        else if (first.origins !== origins)
          problems.push(
            `GATEWAY_UPSTREAMS: ${first.module} and ${m.name} both serve ${prefix}; give them the same upstream`,
          );
      }
    }
  }
  if (!secrets.jwtAccessSecret)
    problems.push(
      '--role gateway checks access tokens: set JWT_ACCESS_SECRET (the same as the api processes)',
    );
  if (config.http.rateLimitMax > 0 && !config.redisUrl)
    problems.push(
      '--role gateway keeps rate-limit counters per process without Redis: set REDIS_URL, or RATE_LIMIT_MAX=0',
    );
  return problems;
}

export function createGatewayContext(
  config: Config,
  secrets: Secrets,
  overrides: { log?: Logger } = {},
): GatewayContext {
  const problems = gatewayProblems(config, secrets);
  if (problems.length) throw new Error(`cannot start:\n  - ${problems.join('\n  - ')}`);
  const upstreams = config.gateway.upstreams!;
  const log = overrides.log ?? createLogger(config.logLevel, { role: 'gateway' });
  const metrics = createMetrics();
  const health = createHealth(config.healthCheckTimeoutMs);
  const options = {
    connectTimeoutMs: config.gateway.connectTimeoutMs,
    timeoutMs: config.gateway.upstreamTimeoutMs,
  };

  // Modules that name the same replicas share one upstream (and one readiness check).
  const byKey = new Map<string, Upstream>();
  const upstreamFor = (name: string, origins: string[]) => {
    const key = origins.join('|');
    let u = byKey.get(key);
    if (!u) {
      u = createUpstream(name, origins, options);
      byKey.set(key, u);
    }
    return u;
  };
  const fallback = upstreams.default ? upstreamFor('default', upstreams.default) : undefined;
  const authLimit =
    config.http.authRateLimitMax > 0
      ? { max: config.http.authRateLimitMax, timeWindow: config.http.rateLimitWindowMs }
      : false;
  // A prefix that several modules serve is routed once (gatewayProblems made sure they agree).
  const byPrefix = new Map<string, GatewayRoute>();
  for (const m of MODULE_MANIFEST) {
    const origins = upstreams.modules[m.name];
    const upstream = origins ? upstreamFor(m.name, origins) : fallback!;
    for (const prefix of m.prefixes) {
      if (byPrefix.has(prefix)) continue;
      byPrefix.set(prefix, {
        prefix,
        upstream,
        ...(prefix === '/auth' ? { rateLimit: authLimit } : {}),
        ...(SECRET_PREFIXES.includes(prefix) ? { secret: true } : {}),
      });
    }
  }
  const routes = [...byPrefix.values()];
  const probeTimeout = Math.max(100, config.healthCheckTimeoutMs - 100);
  for (const u of byKey.values()) health.register(`upstream:${u.name}`, () => u.probe(probeTimeout));

  let redis: Redis | undefined;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
    redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
    const r = redis;
    // Not critical: rate limits fall back to per-process counting while Redis is away.
    health.register('redis', redisCheck(r), { critical: false });
  }

  return {
    config,
    log,
    metrics,
    health,
    accessTokens: createAccessTokens({
      secret: secrets.jwtAccessSecret!,
      issuer: config.auth.issuer,
      ttlMs: config.auth.accessTokenTtlMs,
      clock: systemClock,
    }),
    redis,
    routes,
    fallback,
    async close() {
      await Promise.all([...byKey.values()].map((u) => u.close()));
      redis?.disconnect();
    },
  };
}
