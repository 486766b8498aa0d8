import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFaultInjection } from '../platform/http/fault-injection.js';
import { ConfigError, parseDuration, readConfig } from './index.js';

const SERVER = {
  DATABASE_URL: 'postgres://voyage@db.internal:5432/voyage',
  JWT_ACCESS_SECRET: 'a'.repeat(32),
  JWT_REFRESH_SECRET: 'b'.repeat(32),
};

function problems(env: Record<string, string>): string[] {
  try {
    readConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('defaults to the embedded database in ./data, migrating and seeding on start', () => {
    const { config, secrets } = readConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.resolve('./data/pglite') });
    expect(config.migrateOnStart).toBe(true);
    expect(config.demoData).toBe(true);
    expect(config.databasePoolMax).toBe(1);
    expect(config.auth.accessTokenTtlMs).toBe(15 * 60_000);
    expect(config.auth.refreshTokenTtlMs).toBe(7 * 86_400_000);
    expect(config.redisUrl).toBeUndefined();
    expect(secrets.jwtAccessSecret).toBeUndefined();
  });

  it('reads pglite://memory as an in-memory database without demo data', () => {
    const { config } = readConfig({ DATABASE_URL: 'pglite://memory' });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: null });
    expect(config.demoData).toBe(false);
  });

  it('treats a server URL as explicit: no migration on start unless asked', () => {
    const { config } = readConfig(SERVER);
    expect(config.database).toEqual({ kind: 'postgres', url: SERVER.DATABASE_URL });
    expect(config.migrateOnStart).toBe(false);
    expect(config.demoData).toBe(false);
    expect(readConfig({ ...SERVER, MIGRATE_ON_START: 'true' }).config.migrateOnStart).toBe(true);
  });

  it('requires JWT secrets with a server database', () => {
    expect(problems({ DATABASE_URL: SERVER.DATABASE_URL }).join()).toMatch(
      /JWT_ACCESS_SECRET and JWT_REFRESH_SECRET/,
    );
    expect(problems({ ...SERVER, JWT_ACCESS_SECRET: 'short' }).join()).toMatch(
      /JWT_ACCESS_SECRET: must be at least 32/,
    );
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: expected an integer/],
    [{ PORT: '70000' }, /^PORT: expected an integer from 0 to 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: expected postgres/],
    [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL: expected redis/],
    [{ ACCESS_TOKEN_TTL: 'soon' }, /^ACCESS_TOKEN_TTL: expected a duration/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL:/],
    [{ MIGRATE_ON_START: 'maybe' }, /^MIGRATE_ON_START: expected true or false/],
    [{ RATE_LIMIT_MAX: '-1' }, /^RATE_LIMIT_MAX:/],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      /^OTEL_EXPORTER_OTLP_ENDPOINT: expected the base URL/,
    ],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, /^OTEL_TRACES_SAMPLER_ARG: expected a ratio/],
    [{ SMTP_URL: 'mail.example.com:25' }, /^SMTP_URL: expected smtp/],
    [{ FLIGHT_SUPPLIERS: 'own-schedule,amadeus' }, /^FLIGHT_SUPPLIERS: unknown value\(s\) amadeus/],
    [{ FLIGHT_SUPPLIERS: 'duffel' }, /^DUFFEL_ACCESS_TOKEN: required when FLIGHT_SUPPLIERS includes duffel/],
    [{ FLIGHT_SUPPLIERS_REQUIRED: 'duffel' }, /^FLIGHT_SUPPLIERS_REQUIRED: duffel is not among the enabled/],
    [{ LLM_BASE_URL: 'api.openai.com' }, /^LLM_BASE_URL: expected http/],
    [{ LLM_TIMEOUT: 'ages' }, /^LLM_TIMEOUT: expected a duration/],
    [{ PUBLIC_URL: 'voyage.example' }, /^PUBLIC_URL: expected http/],
    [{ REDIS_PREFIX: 'has space' }, /^REDIS_PREFIX:/],
    [{ METRICS_HISTORY_INTERVAL: '0s' }, /^METRICS_HISTORY_INTERVAL: expected a duration from 1s to 1m/],
    [{ METRICS_HISTORY_INTERVAL: '5m' }, /^METRICS_HISTORY_INTERVAL: expected a duration from 1s to 1m/],
  ])('names the variable in error %j', (env, pattern) => {
    const p = problems(env as Record<string, string>);
    expect(p.some((line) => pattern.test(line))).toBe(true);
  });

  it('reads the travel modules’ settings, keeping credentials among the secrets', () => {
    const { config, secrets } = readConfig({
      SMTP_URL: 'smtp://user:pw@mail.internal:587',
      DUFFEL_ACCESS_TOKEN: 'duffel_test_abc',
      DUFFEL_API_URL: 'http://127.0.0.1:9999/',
      FLIGHT_SUPPLIERS_REQUIRED: 'own-schedule',
      FLIGHT_SUPPLIER_TIMEOUT: '1500ms',
      LLM_BASE_URL: 'https://llm.internal/v1/',
      LLM_API_KEY: 'sk-x',
      LLM_MODEL: 'small',
      NOTIFICATION_RETRY_DELAY: '2m',
      PUBLIC_URL: 'https://voyage.example/',
    });
    expect(config.flights).toMatchObject({
      suppliers: ['own-schedule', 'duffel'],
      requiredForReadiness: ['own-schedule'],
      duffelApiUrl: 'http://127.0.0.1:9999',
      supplierTimeoutMs: 1500,
      offerTtlMs: 15 * 60_000,
    });
    expect(config.llm).toEqual({ baseUrl: 'https://llm.internal/v1', model: 'small', timeoutMs: 20_000 });
    expect(config.notifications).toMatchObject({
      retryDelaySeconds: 120,
      mailDir: path.resolve('./data/mail'),
    });
    expect(config.publicUrl).toBe('https://voyage.example');
    expect(secrets).toMatchObject({
      smtpUrl: 'smtp://user:pw@mail.internal:587',
      duffelAccessToken: 'duffel_test_abc',
      llmApiKey: 'sk-x',
    });
    expect(JSON.stringify(config)).not.toMatch(/pw@|duffel_test_abc|sk-x/);
    // Without a Duffel token only the own schedule is searched.
    expect(readConfig({}).config.flights.suppliers).toEqual(['own-schedule']);
    expect(
      readConfig({ FLIGHT_SUPPLIERS: 'own-schedule', DUFFEL_ACCESS_TOKEN: 't' }).config.flights.suppliers,
    ).toEqual(['own-schedule']);
  });

  it('reports every bad variable at once', () => {
    expect(problems({ PORT: 'x', LOG_LEVEL: 'y' })).toHaveLength(2);
  });

  it('samples the console’s metrics history every 10 s unless told otherwise', () => {
    expect(readConfig({}).config.metricsHistoryIntervalMs).toBe(10_000);
    expect(readConfig({ METRICS_HISTORY_INTERVAL: '1s' }).config.metricsHistoryIntervalMs).toBe(1_000);
  });

  it('parses durations', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('900')).toBe(900_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('fast')).toBeUndefined();
  });

  it('reads CORS origins and rate limits', () => {
    const { config } = readConfig({
      CORS_ORIGINS: 'https://a.example, https://b.example',
      RATE_LIMIT_MAX: '50',
      RATE_LIMIT_WINDOW: '30s',
    });
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.http.rateLimitMax).toBe(50);
    expect(config.http.rateLimitWindowMs).toBe(30_000);
    expect(readConfig({ CORS_ORIGINS: '*' }).config.http.corsOrigins).toBe('*');
  });

  it('honours fault injection only when explicitly allowed', () => {
    const refused = readConfig({ VOYAGE_FAULT_INJECTION: 'error_rate=0.3' }).config;
    expect(refused.faultInjection).toBeUndefined();
    expect(refused.faultInjectionRefused).toBe(true);
    const allowed = readConfig({
      VOYAGE_FAULT_INJECTION: 'error_rate=0.3,latency_ms=800,paths=/search|/bookings',
      VOYAGE_ALLOW_FAULT_INJECTION: 'true',
    }).config;
    expect(allowed.faultInjection).toEqual({
      errorRate: 0.3,
      latencyMs: 800,
      latencyFactor: 1,
      errorStatus: 500,
      paths: ['/search', '/bookings'],
      startAfter: 0,
      notReady: false,
    });
    expect(parseFaultInjection('not_ready=true')).toMatchObject({ notReady: true, errorRate: 0 });
    expect(parseFaultInjection('not_ready=yes')).toMatch(/true or false/);
    expect(parseFaultInjection('error_rate=0.1,error_status=422,latency_factor=1.4')).toMatchObject({
      errorRate: 0.1,
      errorStatus: 422,
      latencyFactor: 1.4,
    });
    expect(parseFaultInjection('start_after=10')).toMatchObject({ startAfter: 10 });
    expect(parseFaultInjection('start_after=-1')).toMatch(/whole number/);
    expect(parseFaultInjection('error_status=200')).toMatch(/4xx or 5xx/);
    expect(parseFaultInjection('latency_factor=0.5')).toMatch(/between 1 and 100/);
    expect(parseFaultInjection('error_rate=2')).toMatch(/between 0 and 1/);
    expect(parseFaultInjection('explode=1')).toMatch(/unknown key/);
    expect(
      problems({ VOYAGE_FAULT_INJECTION: 'nope=1', VOYAGE_ALLOW_FAULT_INJECTION: 'true' }).join(),
    ).toMatch(/VOYAGE_FAULT_INJECTION/);
  });

  it('leaves tracing off without an OTLP endpoint, and derives the traces URL from one', () => {
    expect(readConfig({}).config.tracing).toEqual({
      tracesUrl: undefined,
      serviceName: undefined,
      sampleRatio: 1,
    });
    const { tracing } = readConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/',
      OTEL_SERVICE_NAME: 'voyage-eu',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).config;
    expect(tracing).toEqual({
      tracesUrl: 'http://127.0.0.1:4318/v1/traces',
      serviceName: 'voyage-eu',
      sampleRatio: 0.25,
    });
  });

  it('reads migration and backup settings, with safe defaults', () => {
    const { config } = readConfig({ DATA_DIR: '/srv/voyage' });
    expect(config.migrations).toEqual({
      lockTimeoutMs: 1000,
      statementTimeoutMs: 15 * 60_000,
      lockRetries: 5,
    });
    expect(config.backup).toEqual({
      dir: '/srv/voyage/backups',
      schedule: '0 3 * * *',
      verify: true,
      keep: { daily: 7, weekly: 4, monthly: 12 },
      scratchUrl: undefined,
      pgBinDir: undefined,
    });
    const custom = readConfig({
      BACKUP_DIR: '/backups',
      BACKUP_SCHEDULE: 'off',
      BACKUP_KEEP_MONTHLY: '24',
      MIGRATION_LOCK_TIMEOUT: '250ms',
    }).config;
    expect(custom.backup).toMatchObject({ dir: '/backups', schedule: undefined, keep: { monthly: 24 } });
    expect(custom.migrations.lockTimeoutMs).toBe(250);
    expect(problems({ BACKUP_SCHEDULE: 'daily' }).join()).toMatch(
      /^BACKUP_SCHEDULE: expected a cron expression/,
    );
    expect(problems({ BACKUP_SCRATCH_URL: 'mysql://x' }).join()).toMatch(
      /^BACKUP_SCRATCH_URL: expected postgres/,
    );
    expect(problems({ MIGRATION_LOCK_RETRIES: '-1' }).join()).toMatch(
      /^MIGRATION_LOCK_RETRIES: expected an integer/,
    );
  });

  it('reads the release controller settings, with the state under DATA_DIR by default', () => {
    const { config } = readConfig({ DATA_DIR: '/srv/voyage', PATH: '/opt/bin:/usr/bin' });
    expect(config.release).toEqual({
      stateDir: path.resolve('/srv/voyage/release'),
      policyFile: undefined,
      edgeHost: '0.0.0.0',
      edgePort: 8080,
      replicas: 2,
      processManager: 'supervisor',
      webhookUrl: undefined,
      prometheusUrl: undefined,
      searchPath: '/opt/bin:/usr/bin',
      kubernetes: undefined,
    });
    expect(
      readConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1', RELEASE_K8S_NAMESPACE: 'voyage-staging' }).config
        .release.kubernetes,
    ).toEqual({ namespace: 'voyage-staging' });
    const custom = readConfig({
      RELEASE_STATE_DIR: '/var/lib/voyage/release',
      RELEASE_EDGE_PORT: '80',
      RELEASE_REPLICAS: '3',
      RELEASE_PROCESS_MANAGER: 'systemd',
      RELEASE_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
      PROMETHEUS_URL: 'http://prometheus:9090',
    }).config.release;
    expect(custom).toMatchObject({
      stateDir: '/var/lib/voyage/release',
      edgePort: 80,
      replicas: 3,
      processManager: 'systemd',
    });
    expect(problems({ RELEASE_EDGE_PORT: '0' }).join()).toMatch(/^RELEASE_EDGE_PORT:/);
    expect(problems({ RELEASE_REPLICAS: '20' }).join()).toMatch(/^RELEASE_REPLICAS:/);
    expect(problems({ RELEASE_WEBHOOK_URL: 'slack' }).join()).toMatch(
      /^RELEASE_WEBHOOK_URL: expected an http/,
    );
    expect(problems({ RELEASE_PROCESS_MANAGER: 'runit' }).join()).toMatch(/^RELEASE_PROCESS_MANAGER:/);
    expect(problems({ GATEWAY_UPSTREAM_TIMEOUT: 'soon' }).join()).toMatch(/^GATEWAY_UPSTREAM_TIMEOUT:/);
  });
});
