import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { inject } from 'vitest';
import { readConfig } from '../../src/config/index.js';
import type { Clock } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { type App, buildApp } from '../../src/server/app.js';
import { type AppContext, type ContextOverrides, createContext } from '../../src/server/context.js';
import { createServices, type Services } from '../../src/server/services.js';
import { openTestDatabase, TEST_REDIS_URL, type TestDatabase } from './database.js';

export interface TestApp {
  app: App;
  ctx: AppContext;
  services: Services;
  db: TestDatabase;
  close(): Promise<void>;
}

let templateDump: Promise<Blob | undefined> | undefined;

function pgliteTemplate(): Promise<Blob | undefined> {
  templateDump ??= (async () => {
    const file = inject('pgliteTemplateFile');
    return file ? new Blob([await readFile(file)]) : undefined;
  })();
  return templateDump;
}

export async function openDatabaseForTest(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  return openTestDatabase(
    { pgliteDump: await pgliteTemplate(), serverTemplate: inject('serverTemplate') || undefined },
    opts,
  );
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  overrides?: ContextOverrides;
}

/** Builds the app exactly as the server does, on a fresh database, with rate limits off unless asked. */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const db = await openDatabaseForTest();
  const { config, secrets } = readConfig({
    DATABASE_URL: db.url,
    JWT_ACCESS_SECRET: 'test-access-secret-0123456789abcdef0123',
    JWT_REFRESH_SECRET: 'test-refresh-secret-0123456789abcdef012',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '0',
    AUTH_RATE_LIMIT_MAX: '0',
    // A key prefix per app: test files run in parallel, and other runs may share the server.
    ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `voyage-test:${randomUUID()}:` } : {}),
    ...opts.env,
  });
  const ctx = await createContext(config, secrets, {
    database: db.database,
    log: createLogger('silent'),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...opts.overrides,
  });
  const services = createServices(ctx);
  const app = await buildApp(ctx, { services });
  await app.ready();
  if (ctx.redis) await redisReady(ctx.redis);
  return {
    app,
    ctx,
    services,
    db,
    async close() {
      await app.close();
      await ctx.close();
      await db.drop();
    },
  };
}

/**
 * The server does not wait for Redis (it is not critical), but a test that reads readiness or
 * shared limits must start from a connected client, not race its first connect under load.
 */
async function redisReady(redis: NonNullable<AppContext['redis']>, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis not ready after ${timeoutMs} ms`)), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') =>
  `${prefix}.${process.pid}.${Date.now()}.${++counter}@example.com`;

export interface SignedIn {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

export async function signUp(
  app: App,
  overrides: Partial<{ email: string; password: string; name: string }> = {},
): Promise<SignedIn> {
  const body = { email: uniqueEmail(), password: 'correct horse battery', name: 'Test User', ...overrides };
  const res = await app.inject({ method: 'POST', url: '/auth/signup', payload: body });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const json = res.json();
  return {
    userId: json.user.id,
    email: json.user.email,
    accessToken: json.accessToken,
    refreshToken: json.refreshToken,
    auth: { authorization: `Bearer ${json.accessToken}` },
  };
}

/** An admin signed in with MFA (admin operations need it): set up and confirmed in this session. */
export async function signInAdmin(t: TestApp): Promise<SignedIn> {
  const email = uniqueEmail('admin');
  const password = 'admin password 123';
  await t.services.identity.createAdmin({ email, name: 'Admin', password });
  const res = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
  const json = res.json();
  const auth = { authorization: `Bearer ${json.accessToken}` };
  const setup = await t.app.inject({ method: 'POST', url: '/auth/mfa/setup', headers: auth });
  const code = await generate({
    secret: setup.json().secret,
    epoch: Math.floor(t.ctx.clock.now().getTime() / 1000),
  });
  const enabled = await t.app.inject({
    method: 'POST',
    url: '/auth/mfa/enable',
    headers: auth,
    payload: { code },
  });
  if (enabled.statusCode !== 200) throw new Error(`admin MFA failed: ${enabled.statusCode} ${enabled.body}`);
  return {
    userId: json.user.id,
    email,
    accessToken: json.accessToken,
    refreshToken: json.refreshToken,
    auth: { authorization: `Bearer ${json.accessToken}` },
  };
}

/** Asserts the error body shape and returns its code. */
export function errorCode(res: LightMyRequestResponse): string {
  const body = res.json();
  if (!body.error || typeof body.error.code !== 'string' || typeof body.error.requestId !== 'string') {
    throw new Error(`not an error body: ${res.body}`);
  }
  return body.error.code;
}

/** Confirms a user's address with the code in the verification email Voyage wrote to the outbox. */
export async function verifyEmail(t: TestApp, who: { userId: string }): Promise<void> {
  const { rows } = await t.db.database.pool.query(
    `SELECT payload->>'token' AS token FROM outbox_events
     WHERE type = 'account.verify_email' AND recipient_user_id = $1 ORDER BY occurred_at DESC LIMIT 1`,
    [who.userId],
  );
  const res = await t.app.inject({
    method: 'POST',
    url: '/auth/verify-email',
    payload: { token: rows[0]?.token },
  });
  if (res.statusCode !== 204) throw new Error(`email verification failed: ${res.statusCode} ${res.body}`);
}

/** signUp, then the address confirmed (trip invitations bind only to verified addresses). */
export async function signUpVerified(
  t: TestApp,
  overrides: Partial<{ email: string; password: string; name: string }> = {},
): Promise<SignedIn> {
  const who = await signUp(t.app, overrides);
  await verifyEmail(t, who);
  return who;
}
