import { z } from 'zod';
import { parseDuration } from '../platform/duration.js';
import { ConfigError } from './errors.js';

/**
 * The environment variables Voyage reads, each validated on its own so that an error names the
 * variable. `readConfig` (index.ts) assembles them into Config and Secrets.
 */

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

export const PAYMENT_PROVIDER_NAMES = ['pay-at-pickup', 'stripe'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDER_NAMES)[number];

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

export const envSchema = z.object({
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
  RATE_LIMIT_ALLOW: z.string().default(''),
  TRUST_PROXY: bool(false),
  REQUEST_HEADERS_TIMEOUT: duration('10s'),
  REQUEST_BODY_TIMEOUT: duration('30s'),
  BODY_LIMIT_BYTES: int(1_048_576, 1024, 100 * 1_048_576),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_DRAIN_DELAY: duration('5s'),
  SHUTDOWN_TIMEOUT: duration('30s'),
  HEALTH_CHECK_TIMEOUT: duration('2s'),
  // An hour of points is kept: from 3,600 (1 s) down to 60 (1 min).
  METRICS_HISTORY_INTERVAL: duration('10s').refine(
    (ms) => ms >= 1_000 && ms <= 60_000,
    'expected a duration from 1s to 1m',
  ),
  SEARCH_CACHE_TTL: duration('0s'),
  SEARCH_MODEL: bool(true),
  SEARCH_MODEL_SWEEP: duration('30s'),
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
  // Set in every Kubernetes pod: there, Argo Rollouts owns releases, not the single-host controller.
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  RELEASE_K8S_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .max(63)
    .default('voyage'),
  PROMETHEUS_URL: httpUrl,
  // The web app: where its built files are, and the map tiles it shows.
  WEB_DIR: z.string().min(1).optional(),
  // Hashed files of other releases, served when WEB_DIR lacks one (a release host's shared store).
  WEB_SHARED_ASSETS_DIR: z.string().min(1).optional(),
  MAP_TILE_URL: z
    .string()
    .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png')
    .refine(
      (v) => /^https?:\/\/[^\s]+$/.test(v) && ['{z}', '{x}', '{y}'].every((p) => v.includes(p)),
      'expected an http(s) tile URL template with {z}, {x} and {y}',
    ),
  MAP_TILE_ATTRIBUTION: z.string().min(1).max(500).default('© OpenStreetMap contributors'),
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
  // Checkout: how bookings are paid for, and how long a hold keeps the product.
  PAYMENT_PROVIDER: z.enum(PAYMENT_PROVIDER_NAMES).optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .optional()
    .refine(
      (v) => !v || /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/.test(v),
      'expected sk_test_…, sk_live_… or rk_…',
    ),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  STRIPE_API_BASE: z
    .string()
    .optional()
    .refine((v) => !v || /^https?:\/\/[^/\s]+\/?$/.test(v), 'expected http(s)://host[:port]'),
  HOLD_MINUTES: int(15, 1, 60),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'expected 1–64 letters, digits or :_.-')
    .default('voyage:'),
});

export type Env = Record<string, string | undefined>;

export function parseEnv(env: Env) {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  return result.data;
}

/** The variables the config schema knows, for docs and deployment-manifest checks. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);
