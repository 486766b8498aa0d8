import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badTokens, hostileRequests, operations, problem } from '../../test/helpers/hostile.js';
import { createTestApp, signInAdmin, signUp, type TestApp } from '../../test/helpers/test-app.js';
import { readConfig } from '../config/index.js';
import { createLogger } from '../platform/observability/logger.js';
import { buildGateway } from './app.js';
import { createGatewayContext } from './context.js';

const SECRET = 'test-access-secret-0123456789abcdef0123';

/**
 * The hostile-input suite through the gateway, in front of a listening api: the edge's own
 * answers (bad tokens, bad URLs) and the api's, forwarded, keep to the same rules.
 */
describe('hostile input through the gateway', () => {
  let api: TestApp;
  let gw: Awaited<ReturnType<typeof buildGateway>>;
  let closeGateway: () => Promise<void>;
  let identities: [string, Record<string, string>][];

  beforeAll(async () => {
    api = await createTestApp({ env: { JWT_ACCESS_SECRET: SECRET } });
    await api.ctx.jobs.start();
    const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
    const { config, secrets } = readConfig({
      JWT_ACCESS_SECRET: SECRET,
      RATE_LIMIT_MAX: '0',
      LOG_LEVEL: 'silent',
      GATEWAY_UPSTREAMS: `*=${address}`,
    });
    const ctx = createGatewayContext(config, secrets, { log: createLogger('silent') });
    gw = await buildGateway(ctx);
    await gw.ready();
    closeGateway = async () => {
      await gw.close();
      await ctx.close();
    };
    const user = await signUp(api.app);
    const admin = await signInAdmin(api);
    const gone = await signUp(api.app);
    await api.db.database.pool.query('DELETE FROM users WHERE id = $1', [gone.userId]);
    const bad = await badTokens({ secret: SECRET, issuer: api.ctx.config.auth.issuer, userId: admin.userId });
    identities = [
      ['user', user.auth],
      ['admin', admin.auth],
      ['anonymous', {}],
      ['deleted user', gone.auth],
      ...Object.entries(bad).map(
        ([name, token]) => [name, { authorization: `Bearer ${token}` }] as [string, Record<string, string>],
      ),
    ];
  });
  afterAll(async () => {
    await closeGateway?.();
    await api?.close();
  });

  it('answers ≥ 10,000 hostile requests without a 5xx, every 4xx in the error shape', async () => {
    const spec = (await gw.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ops = operations(spec);
    expect(ops.length).toBeGreaterThan(40);
    const problems: string[] = [];
    let sent = 0;
    for (const op of ops) {
      for (const [who, auth] of identities) {
        const all = [...hostileRequests(op, auth)];
        const requests = who === 'user' || who === 'admin' ? all : all.slice(0, 16);
        for (const r of requests) {
          const res = await gw.inject({
            method: r.method as 'GET',
            url: r.url,
            headers: r.headers,
            ...(r.payload !== undefined ? { payload: r.payload } : {}),
          });
          sent++;
          const p = problem(res.statusCode, res.body);
          if (p) problems.push(`${who} ${r.method} ${r.url.slice(0, 120)}: ${p}`);
        }
      }
    }
    console.log(`hostile input via the gateway: ${sent} requests, ${problems.length} problems`);
    expect(problems.slice(0, 25)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(10_000);
  }, 600_000);
});
