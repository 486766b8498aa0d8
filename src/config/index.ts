import path from 'node:path';
import type { DatabaseTarget } from '../platform/db/pool.js';
import type { HttpOptions } from '../platform/http/edge-plugins.js';
import { type FaultInjection, parseFaultInjection } from '../platform/http/fault-injection.js';
import type { TracingConfig } from '../platform/observability/tracing.js';
import { PROJECT_ROOT } from '../version.js';
import { type Env, type FlightSupplierName, parseEnv } from './env.js';
import { ConfigError } from './errors.js';
import { type GatewayUpstreams, parseGatewayUpstreams } from './gateway-upstreams.js';
import { type PaymentsConfig, paymentsConfig } from './payments.js';

export { parseDuration } from '../platform/duration.js';
export { CONFIG_VARIABLES, FLIGHT_SUPPLIER_NAMES, type FlightSupplierName } from './env.js';
export { ConfigError } from './errors.js';

/**
 * Configuration is read once, here, from the environment (env.ts validates each variable) and
 * assembled into Config and Secrets. This file is the only reader of process.env.
 */

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseTarget;
  databasePoolMax: number;
  statementTimeoutMs: number;
  migrateOnStart: boolean;
  demoData: boolean;
  redisUrl: string | undefined;
  auth: {
    issuer: string;
    accessTokenTtlMs: number;
    refreshTokenTtlMs: number;
    loginMaxFailures: number;
    loginLockoutWindowMs: number;
  };
  http: HttpOptions;
  logLevel: string;
  shutdown: { drainDelayMs: number; timeoutMs: number };
  healthCheckTimeoutMs: number;
  /** How often the console's in-process metrics history takes a point (an hour is kept). */
  metricsHistoryIntervalMs: number;
  searchCacheTtlMs: number;
  /**
   * Car search from an in-memory model of the cars kept current by change notifications (off:
   * every search is a SQL query); sweepMs is how often it re-reads recent changes anyway.
   */
  searchModel: { enabled: boolean; sweepMs: number };
  /** Only ever set when VOYAGE_ALLOW_FAULT_INJECTION=true; for testing releases. */
  faultInjection: FaultInjection | undefined;
  /** Set when VOYAGE_FAULT_INJECTION was given but not allowed, so the process can say so. */
  faultInjectionRefused: boolean;
  tracing: TracingConfig;
  migrations: { lockTimeoutMs: number; statementTimeoutMs: number; lockRetries: number };
  backup: {
    dir: string;
    /** Cron expression for the worker's scheduled backup; undefined when off. */
    schedule: string | undefined;
    verify: boolean;
    keep: { daily: number; weekly: number; monthly: number };
    /** A Postgres server where verify may create scratch databases; default the DATABASE_URL server. */
    scratchUrl: string | undefined;
    /** Where pg_dump, pg_restore and psql live; default a match for the server's major version. */
    pgBinDir: string | undefined;
  };
  gateway: {
    upstreams: GatewayUpstreams | undefined;
    upstreamTimeoutMs: number;
    connectTimeoutMs: number;
  };
  release: {
    stateDir: string;
    policyFile: string | undefined;
    edgeHost: string;
    edgePort: number;
    replicas: number;
    processManager: 'supervisor' | 'systemd';
    webhookUrl: string | undefined;
    prometheusUrl: string | undefined;
    /** PATH, for the programs the release controller runs (HAProxy, supervisor, hooks). */
    searchPath: string;
    /** Running in a Kubernetes pod: Argo Rollouts releases it, in this namespace. */
    kubernetes: { namespace: string } | undefined;
  };
  /** The web app's built files (served at / by the all and gateway roles) and its map tiles. */
  web: { dir: string; sharedAssetsDir: string | undefined; mapTileUrl: string; mapTileAttribution: string };
  /** Base URL of the web app, for links in emails and calendar feeds. Unset: emails carry no links, feeds use the request's host. */
  publicUrl: string | undefined;
  notifications: {
    mailFrom: string;
    /** Without SMTP_URL, emails are written as .eml files here. */
    mailDir: string;
    retryLimit: number;
    retryDelaySeconds: number;
    relayIntervalMs: number;
  };
  flights: {
    suppliers: FlightSupplierName[];
    /** Suppliers whose health decides readiness; the others are reported only. */
    requiredForReadiness: FlightSupplierName[];
    duffelApiUrl: string;
    supplierTimeoutMs: number;
    offerTtlMs: number;
    breakerResetMs: number;
  };
  llm: { baseUrl: string | undefined; model: string; timeoutMs: number };
  flagsCacheTtlMs: number;
  payments: PaymentsConfig;
  /** Prefix of every cache key in Redis, so that deployments (or test runs) can share one. */
  redisPrefix: string;
}

/**
 * Tokens and keys, kept apart from Config so that no code path hands them around by accident.
 * Config is not free of credentials either: a DATABASE_URL may carry a password, so log named
 * fields of Config, never all of it.
 */
export interface Secrets {
  jwtAccessSecret: string | undefined;
  jwtRefreshSecret: string | undefined;
  /** May carry a password, hence a secret. */
  smtpUrl?: string | undefined;
  duffelAccessToken?: string | undefined;
  llmApiKey?: string | undefined;
  stripeSecretKey?: string | undefined;
  stripeWebhookSecret?: string | undefined;
}

function databaseTarget(url: string | undefined, dataDir: string): DatabaseTarget {
  if (!url) return { kind: 'pglite', dataDir: path.resolve(dataDir, 'pglite') };
  if (url === 'pglite://memory') return { kind: 'pglite', dataDir: null };
  if (url.startsWith('pglite://'))
    return { kind: 'pglite', dataDir: path.resolve(url.slice('pglite://'.length)) };
  return { kind: 'postgres', url };
}

export function readConfig(env: Env = process.env): { config: Config; secrets: Secrets } {
  const e = parseEnv(env);
  const database = databaseTarget(e.DATABASE_URL, e.DATA_DIR);
  const embedded = database.kind === 'pglite';
  if (!embedded && (!e.JWT_ACCESS_SECRET || !e.JWT_REFRESH_SECRET)) {
    throw new ConfigError([
      'JWT_ACCESS_SECRET and JWT_REFRESH_SECRET: required (at least 32 characters each) when DATABASE_URL names a Postgres server',
    ]);
  }
  let faultInjection: FaultInjection | undefined;
  if (e.VOYAGE_FAULT_INJECTION && e.VOYAGE_ALLOW_FAULT_INJECTION) {
    const parsed = parseFaultInjection(e.VOYAGE_FAULT_INJECTION);
    if (typeof parsed === 'string') throw new ConfigError([`VOYAGE_FAULT_INJECTION: ${parsed}`]);
    faultInjection = parsed;
  }
  let upstreams: GatewayUpstreams | undefined;
  if (e.GATEWAY_UPSTREAMS?.trim()) {
    const parsed = parseGatewayUpstreams(e.GATEWAY_UPSTREAMS);
    if (typeof parsed === 'string') throw new ConfigError([`GATEWAY_UPSTREAMS: ${parsed}`]);
    upstreams = parsed;
  }
  const suppliers = e.FLIGHT_SUPPLIERS ?? [
    'own-schedule',
    ...(e.DUFFEL_ACCESS_TOKEN ? ['duffel' as const] : []),
  ];
  const supplierProblems: string[] = [];
  if (suppliers.includes('duffel') && !e.DUFFEL_ACCESS_TOKEN)
    supplierProblems.push('DUFFEL_ACCESS_TOKEN: required when FLIGHT_SUPPLIERS includes duffel');
  const notEnabled = (e.FLIGHT_SUPPLIERS_REQUIRED ?? []).filter((s) => !suppliers.includes(s));
  if (notEnabled.length)
    supplierProblems.push(
      `FLIGHT_SUPPLIERS_REQUIRED: ${notEnabled.join(', ')} is not among the enabled suppliers (${suppliers.join(', ')})`,
    );
  if (supplierProblems.length) throw new ConfigError(supplierProblems);
  const payments = paymentsConfig(e);
  const corsRaw = e.CORS_ORIGINS.trim();
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    database,
    databasePoolMax: database.kind === 'pglite' ? 1 : e.DATABASE_POOL_MAX,
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT,
    migrateOnStart: e.MIGRATE_ON_START ?? embedded,
    demoData: e.DEMO_DATA ?? (embedded && database.dataDir !== null),
    redisUrl: e.REDIS_URL || undefined,
    auth: {
      issuer: e.JWT_ISSUER,
      accessTokenTtlMs: e.ACCESS_TOKEN_TTL,
      refreshTokenTtlMs: e.REFRESH_TOKEN_TTL,
      loginMaxFailures: e.LOGIN_MAX_FAILURES,
      loginLockoutWindowMs: e.LOGIN_LOCKOUT_WINDOW,
    },
    http: {
      corsOrigins:
        corsRaw === '*'
          ? '*'
          : corsRaw
              .split(',')
              .map((o) => o.trim())
              .filter(Boolean),
      rateLimitMax: e.RATE_LIMIT_MAX,
      rateLimitWindowMs: e.RATE_LIMIT_WINDOW,
      authRateLimitMax: e.AUTH_RATE_LIMIT_MAX,
      rateLimitAllow: e.RATE_LIMIT_ALLOW.split(',')
        .map((a) => a.trim())
        .filter(Boolean),
      headersTimeoutMs: e.REQUEST_HEADERS_TIMEOUT,
      bodyTimeoutMs: e.REQUEST_BODY_TIMEOUT,
      trustProxy: e.TRUST_PROXY ?? false,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
    },
    logLevel: e.LOG_LEVEL,
    shutdown: { drainDelayMs: e.SHUTDOWN_DRAIN_DELAY, timeoutMs: e.SHUTDOWN_TIMEOUT },
    healthCheckTimeoutMs: e.HEALTH_CHECK_TIMEOUT,
    metricsHistoryIntervalMs: e.METRICS_HISTORY_INTERVAL,
    searchCacheTtlMs: e.SEARCH_CACHE_TTL,
    searchModel: { enabled: e.SEARCH_MODEL ?? true, sweepMs: e.SEARCH_MODEL_SWEEP },
    faultInjection,
    faultInjectionRefused: !!e.VOYAGE_FAULT_INJECTION && !e.VOYAGE_ALLOW_FAULT_INJECTION,
    tracing: {
      tracesUrl: e.OTEL_EXPORTER_OTLP_ENDPOINT
        ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
        : undefined,
      serviceName: e.OTEL_SERVICE_NAME || undefined,
      sampleRatio: Number(e.OTEL_TRACES_SAMPLER_ARG),
    },
    migrations: {
      lockTimeoutMs: e.MIGRATION_LOCK_TIMEOUT,
      statementTimeoutMs: e.MIGRATION_STATEMENT_TIMEOUT,
      lockRetries: e.MIGRATION_LOCK_RETRIES,
    },
    backup: {
      dir: path.resolve(e.BACKUP_DIR ?? path.join(e.DATA_DIR, 'backups')),
      schedule: e.BACKUP_SCHEDULE === 'off' ? undefined : e.BACKUP_SCHEDULE.trim(),
      verify: e.BACKUP_VERIFY ?? true,
      keep: { daily: e.BACKUP_KEEP_DAILY, weekly: e.BACKUP_KEEP_WEEKLY, monthly: e.BACKUP_KEEP_MONTHLY },
      scratchUrl: e.BACKUP_SCRATCH_URL || undefined,
      pgBinDir: e.BACKUP_PG_BIN_DIR ? path.resolve(e.BACKUP_PG_BIN_DIR) : undefined,
    },
    gateway: {
      upstreams,
      upstreamTimeoutMs: e.GATEWAY_UPSTREAM_TIMEOUT,
      connectTimeoutMs: e.GATEWAY_CONNECT_TIMEOUT,
    },
    release: {
      stateDir: path.resolve(e.RELEASE_STATE_DIR ?? path.join(e.DATA_DIR, 'release')),
      policyFile: e.RELEASE_POLICY_FILE ? path.resolve(e.RELEASE_POLICY_FILE) : undefined,
      edgeHost: e.RELEASE_EDGE_HOST,
      edgePort: e.RELEASE_EDGE_PORT,
      replicas: e.RELEASE_REPLICAS,
      processManager: e.RELEASE_PROCESS_MANAGER,
      webhookUrl: e.RELEASE_WEBHOOK_URL,
      prometheusUrl: e.PROMETHEUS_URL,
      searchPath: env.PATH || '/usr/local/bin:/usr/bin:/bin',
      kubernetes: e.KUBERNETES_SERVICE_HOST ? { namespace: e.RELEASE_K8S_NAMESPACE } : undefined,
    },
    web: {
      dir: e.WEB_DIR ? path.resolve(e.WEB_DIR) : path.join(PROJECT_ROOT, 'web', 'dist'),
      sharedAssetsDir: e.WEB_SHARED_ASSETS_DIR ? path.resolve(e.WEB_SHARED_ASSETS_DIR) : undefined,
      mapTileUrl: e.MAP_TILE_URL,
      mapTileAttribution: e.MAP_TILE_ATTRIBUTION,
    },
    publicUrl: e.PUBLIC_URL,
    notifications: {
      mailFrom: e.MAIL_FROM,
      mailDir: path.resolve(e.DATA_DIR, 'mail'),
      retryLimit: e.NOTIFICATION_RETRY_LIMIT,
      retryDelaySeconds: Math.max(1, Math.round(e.NOTIFICATION_RETRY_DELAY / 1000)),
      relayIntervalMs: Math.max(50, e.OUTBOX_RELAY_INTERVAL),
    },
    flights: {
      suppliers,
      requiredForReadiness: e.FLIGHT_SUPPLIERS_REQUIRED ?? [],
      duffelApiUrl: e.DUFFEL_API_URL.replace(/\/+$/, ''),
      supplierTimeoutMs: e.FLIGHT_SUPPLIER_TIMEOUT,
      offerTtlMs: e.FLIGHT_OFFER_TTL,
      breakerResetMs: e.FLIGHT_BREAKER_RESET,
    },
    llm: { baseUrl: e.LLM_BASE_URL?.replace(/\/+$/, ''), model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT },
    flagsCacheTtlMs: e.FLAGS_CACHE_TTL,
    payments: payments.payments,
    redisPrefix: e.REDIS_PREFIX,
  };
  return {
    config,
    secrets: {
      jwtAccessSecret: e.JWT_ACCESS_SECRET,
      jwtRefreshSecret: e.JWT_REFRESH_SECRET,
      smtpUrl: e.SMTP_URL || undefined,
      duffelAccessToken: e.DUFFEL_ACCESS_TOKEN || undefined,
      llmApiKey: e.LLM_API_KEY || undefined,
      ...payments.secrets,
    },
  };
}

/** The environment to hand child processes (pg_dump, pgBackRest, initdb): PATH, HOME, locale. */
export function childEnvironment(extra: Env = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
