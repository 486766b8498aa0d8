import path from 'node:path';
import { z } from 'zod';

/**
 * The only place that reads process.env. Everything else receives a typed Config.
 * Each variable is validated on its own so that an error names the variable.
 */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "900", "900s", "15m", "7d", "250ms" into milliseconds; plain numbers are seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(amount * (DURATION_UNITS[unit] ?? 1000));
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 15m or 7d (got "${value}")` });
        return z.NEVER;
      }
      return ms;
    });

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((value, ctx) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `expected an integer from ${min} to ${max} (got "${value}")`,
        });
        return z.NEVER;
      }
      return n;
    });

const bool = (fallback: boolean | undefined) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const v = value.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false (got "${value}")` });
      return z.NEVER;
    });

/** A comma-separated list whose items must be among `allowed`; undefined when unset. */
const list = <T extends string>(allowed: readonly T[]) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const items = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = items.filter((i) => !(allowed as readonly string[]).includes(i));
      if (unknown.length) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown value(s) ${unknown.join(', ')}; expected a comma-separated list of ${allowed.join(', ')}`,
        });
        return z.NEVER;
      }
      return [...new Set(items)] as T[];
    });

export const FLIGHT_SUPPLIER_NAMES = ['own-schedule', 'duffel'] as const;
export type FlightSupplierName = (typeof FLIGHT_SUPPLIER_NAMES)[number];

const secret = z
  .string()
  .optional()
  .refine((v) => v === undefined || v === '' || v.length >= 32, 'must be at least 32 characters long')
  .transform((v) => (v === '' ? undefined : v));

const httpUrl = z
  .string()
  .optional()
  .refine((v) => !v || /^https?:\/\/[^\s]+$/.test(v), 'expected an http:// or https:// URL')
  .transform((v) => v || undefined);

const envSchema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine(
      (v) => !v || /^(postgres(ql)?:\/\/|pglite:\/\/)/.test(v),
      'expected postgres://…, postgresql://…, pglite://memory or pglite:///path',
    ),
  DATABASE_POOL_MAX: int(10, 1, 500),
  DATABASE_STATEMENT_TIMEOUT: duration('30s'),
  MIGRATE_ON_START: bool(undefined),
  DEMO_DATA: bool(undefined),
  REDIS_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^rediss?:\/\//.test(v), 'expected redis://… or rediss://…'),
  JWT_ACCESS_SECRET: secret,
  JWT_REFRESH_SECRET: secret,
  JWT_ISSUER: z.string().min(1).default('voyage'),
  ACCESS_TOKEN_TTL: duration('15m'),
  REFRESH_TOKEN_TTL: duration('7d'),
  LOGIN_MAX_FAILURES: int(5, 1, 1000),
  LOGIN_LOCKOUT_WINDOW: duration('15m'),
  CORS_ORIGINS: z.string().default(''),
  RATE_LIMIT_MAX: int(600, 0, 10_000_000),
  RATE_LIMIT_WINDOW: duration('1m'),
  AUTH_RATE_LIMIT_MAX: int(30, 0, 10_000_000),
  TRUST_PROXY: bool(false),
  BODY_LIMIT_BYTES: int(1_048_576, 1024, 100 * 1_048_576),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_DRAIN_DELAY: duration('5s'),
  SHUTDOWN_TIMEOUT: duration('30s'),
  HEALTH_CHECK_TIMEOUT: duration('2s'),
  SEARCH_CACHE_TTL: duration('0s'),
  VOYAGE_FAULT_INJECTION: z.string().optional(),
  VOYAGE_ALLOW_FAULT_INJECTION: bool(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .optional()
    .refine(
      (v) => !v || /^https?:\/\/[^/]/.test(v),
      'expected the base URL of an OTLP/HTTP receiver, e.g. http://127.0.0.1:4318',
    ),
  OTEL_SERVICE_NAME: z.string().optional(),
  OTEL_TRACES_SAMPLER_ARG: z
    .string()
    .default('1')
    .refine((v) => {
      const n = Number(v);
      return v.trim() !== '' && n >= 0 && n <= 1;
    }, 'expected a ratio from 0 to 1'),
  MIGRATION_LOCK_TIMEOUT: duration('1s'),
  MIGRATION_STATEMENT_TIMEOUT: duration('15m'),
  MIGRATION_LOCK_RETRIES: int(5, 0, 100),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_SCHEDULE: z
    .string()
    .default('0 3 * * *')
    .refine(
      (v) => v === 'off' || /^(\S+\s+){4}\S+$/.test(v.trim()),
      'expected a cron expression with five fields (e.g. "0 3 * * *") or "off"',
    ),
  BACKUP_VERIFY: bool(true),
  BACKUP_KEEP_DAILY: int(7, 0, 1000),
  BACKUP_KEEP_WEEKLY: int(4, 0, 1000),
  BACKUP_KEEP_MONTHLY: int(12, 0, 1000),
  BACKUP_SCRATCH_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^postgres(ql)?:\/\//.test(v), 'expected postgres://…'),
  BACKUP_PG_BIN_DIR: z.string().min(1).optional(),
  GATEWAY_UPSTREAMS: z.string().optional(),
  GATEWAY_UPSTREAM_TIMEOUT: duration('30s'),
  GATEWAY_CONNECT_TIMEOUT: duration('2s'),
  RELEASE_STATE_DIR: z.string().optional(),
  RELEASE_POLICY_FILE: z.string().optional(),
  RELEASE_EDGE_HOST: z.string().min(1).default('0.0.0.0'),
  RELEASE_EDGE_PORT: int(8080, 1, 65535),
  RELEASE_REPLICAS: int(2, 1, 8),
  RELEASE_PROCESS_MANAGER: z.enum(['supervisor', 'systemd']).default('supervisor'),
  RELEASE_WEBHOOK_URL: httpUrl,
  PROMETHEUS_URL: httpUrl,
  // Travel product: notifications, flight suppliers, the itinerary planner's LLM, feature flags.
  PUBLIC_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^https?:\/\/[^\s]+$/.test(v), 'expected http(s)://…')
    .transform((v) => (v ? v.replace(/\/+$/, '') : undefined)),
  SMTP_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^smtps?:\/\//.test(v), 'expected smtp://… or smtps://…'),
  MAIL_FROM: z.string().min(3).default('Voyage <no-reply@voyage.example>'),
  NOTIFICATION_RETRY_LIMIT: int(6, 0, 50),
  NOTIFICATION_RETRY_DELAY: duration('30s'),
  OUTBOX_RELAY_INTERVAL: duration('1s'),
  FLIGHT_SUPPLIERS: list(FLIGHT_SUPPLIER_NAMES),
  FLIGHT_SUPPLIERS_REQUIRED: list(FLIGHT_SUPPLIER_NAMES),
  DUFFEL_ACCESS_TOKEN: z.string().optional(),
  DUFFEL_API_URL: z
    .string()
    .default('https://api.duffel.com')
    .refine((v) => /^https?:\/\//.test(v), 'expected http(s)://…'),
  FLIGHT_SUPPLIER_TIMEOUT: duration('4s'),
  FLIGHT_OFFER_TTL: duration('15m'),
  FLIGHT_BREAKER_RESET: duration('30s'),
  LLM_BASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^https?:\/\//.test(v), 'expected http(s)://…, e.g. https://api.openai.com/v1'),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().default('gpt-4o-mini'),
  LLM_TIMEOUT: duration('20s'),
  FLAGS_CACHE_TTL: duration('5s'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'expected 1–64 letters, digits or :_.-')
    .default('voyage:'),
});

export interface FaultInjection {
  /** Share of requests answered with 500, 0–1. */
  errorRate: number;
  /** Added latency per request. */
  latencyMs: number;
  /** Only requests whose path starts with one of these; all but health and metrics when empty. */
  paths: string[];
}

/** "error_rate=0.3,latency_ms=800,paths=/search|/bookings" */
export function parseFaultInjection(spec: string): FaultInjection | string {
  const out: FaultInjection = { errorRate: 0, latencyMs: 0, paths: [] };
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value = ''] = part.split('=').map((s) => s.trim());
    if (key === 'error_rate') {
      const n = Number(value);
      if (!(n >= 0 && n <= 1)) return `error_rate must be between 0 and 1 (got "${value}")`;
      out.errorRate = n;
    } else if (key === 'latency_ms') {
      const n = Number(value);
      if (!(Number.isInteger(n) && n >= 0 && n <= 600_000))
        return `latency_ms must be a whole number of ms (got "${value}")`;
      out.latencyMs = n;
    } else if (key === 'paths') {
      out.paths = value.split('|').filter(Boolean);
    } else {
      return `unknown key "${key}"; expected error_rate, latency_ms or paths`;
    }
  }
  return out;
}

/** OpenTelemetry tracing; off (and never loaded) unless an OTLP endpoint is configured. */
export interface TracingConfig {
  /** Where spans go, e.g. http://127.0.0.1:4318/v1/traces; undefined = tracing off. */
  tracesUrl: string | undefined;
  /** undefined: `voyage` for the all-in-one role, `voyage-<role>` for split roles. */
  serviceName: string | undefined;
  /** Share of new traces sampled; a sampled incoming `traceparent` is always followed. */
  sampleRatio: number;
}

/** Upstreams of the gateway: a default (`*`) and per-module overrides, each with replicas. */
export interface GatewayUpstreams {
  default: string[] | undefined;
  modules: Record<string, string[]>;
}

/** "*=http://api:3000,identity=http://a:3000|http://b:3000" — origins only, no paths. */
export function parseGatewayUpstreams(spec: string): GatewayUpstreams | string {
  const out: GatewayUpstreams = { default: undefined, modules: {} };
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return 'expected at least one entry like *=http://api:3000';
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (name !== '*' && !/^[a-z][a-z0-9-]*$/.test(name))
      return `"${entry}": expected name=url, where name is * or a module name`;
    const urls: string[] = [];
    for (const raw of entry
      .slice(eq + 1)
      .split('|')
      .map((u) => u.trim())
      .filter(Boolean)) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return `"${raw}" is not a URL`;
      }
      if (!/^https?:$/.test(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.search)
        return `"${raw}": expected an http(s) origin such as http://api:3000, without a path`;
      urls.push(url.origin);
    }
    if (urls.length === 0) return `"${entry}": no upstream URL`;
    if (name === '*') {
      if (out.default) return 'the default upstream (*) is given twice';
      out.default = urls;
    } else {
      if (out.modules[name]) return `upstream "${name}" is given twice`;
      out.modules[name] = urls;
    }
  }
  return out;
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite'; dataDir: string | null /* null = in memory */ };

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
  http: {
    corsOrigins: string[] | '*';
    rateLimitMax: number;
    rateLimitWindowMs: number;
    authRateLimitMax: number;
    trustProxy: boolean;
    bodyLimitBytes: number;
  };
  logLevel: string;
  shutdown: { drainDelayMs: number; timeoutMs: number };
  healthCheckTimeoutMs: number;
  searchCacheTtlMs: number;
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
  };
  /** Base URL for links in emails and calendar feeds; the request's host when unset. */
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
  /** Prefix of every cache key in Redis, so that deployments (or test runs) can share one. */
  redisPrefix: string;
}

/** Secrets are kept apart from Config so that Config can be logged. */
export interface Secrets {
  jwtAccessSecret: string | undefined;
  jwtRefreshSecret: string | undefined;
  /** May carry a password, hence a secret. */
  smtpUrl?: string | undefined;
  duffelAccessToken?: string | undefined;
  llmApiKey?: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function parseEnv(env: Env) {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  return result.data;
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
      trustProxy: e.TRUST_PROXY ?? false,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
    },
    logLevel: e.LOG_LEVEL,
    shutdown: { drainDelayMs: e.SHUTDOWN_DRAIN_DELAY, timeoutMs: e.SHUTDOWN_TIMEOUT },
    healthCheckTimeoutMs: e.HEALTH_CHECK_TIMEOUT,
    searchCacheTtlMs: e.SEARCH_CACHE_TTL,
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
    },
  };
}

/** The environment to hand child processes (pg_dump, pgBackRest, initdb): PATH, HOME, locale. */
export function childEnvironment(extra: Env = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** The variables the config schema knows, for docs and deployment-manifest checks. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);
