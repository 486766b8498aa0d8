import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badTokens, hostileRequests, operations, problem } from '../../test/helpers/hostile.js';
import { createTestApp, signInAdmin, signUp, type TestApp } from '../../test/helpers/test-app.js';

/**
 * Every operation in the OpenAPI document, as a user, an admin, anonymously and with bad tokens
 * (alg none, expired, wrong key, garbage, a deleted user), gets malformed and hostile input: no
 * 5xx, and every 4xx in the error shape with a stable code and the request id.
 */
describe('hostile input on every operation', () => {
  let t: TestApp;
  let identities: [string, Record<string, string>][];

  beforeAll(async () => {
    t = await createTestApp();
    // As the server runs: background jobs started, so that the dead-letter operations are real.
    await t.ctx.jobs.start();
    const user = await signUp(t.app);
    const admin = await signInAdmin(t);
    const gone = await signUp(t.app);
    await t.db.database.pool.query('DELETE FROM users WHERE id = $1', [gone.userId]);
    const bad = await badTokens({
      secret: 'test-access-secret-0123456789abcdef0123',
      issuer: t.ctx.config.auth.issuer,
      userId: admin.userId,
    });
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
  afterAll(() => t.close());

  it('answers ≥ 10,000 hostile requests without a 5xx, every 4xx in the error shape', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ops = operations(spec);
    expect(ops.length).toBeGreaterThan(40);
    const problems: string[] = [];
    let sent = 0;
    for (const op of ops) {
      for (const [who, auth] of identities) {
        // Full variety for the user and the admin; a sample for the other identities.
        const all = [...hostileRequests(op, auth)];
        const requests = who === 'user' || who === 'admin' ? all : all.slice(0, 16);
        for (const r of requests) {
          const res = await t.app.inject({
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
    console.log(`hostile input: ${sent} requests over ${ops.length} operations, ${problems.length} problems`);
    expect(problems.slice(0, 25)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(10_000);
  }, 600_000);

  // The console's overview: the history's window is one of a few, never a free duration.
  it('answers a bad metrics history window with 400 validation_failed', async () => {
    const admin = identities.find(([who]) => who === 'admin')![1];
    for (const window of ['1y', '0', '-1h', '', '1h;DROP', '9'.repeat(400), '1h&window=15m', '%00']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/admin/metrics/history?window=${window}`,
        headers: admin,
      });
      expect(res.statusCode, window).toBe(400);
      expect(res.json().error.code, window).toBe('validation_failed');
    }
  });
});
