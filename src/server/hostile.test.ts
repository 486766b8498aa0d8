import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_TEST_ENV } from '../../test/helpers/checkout.js';
import { badTokens, hostileRequests, operations, problem } from '../../test/helpers/hostile.js';
import { writeReleaseHistory } from '../../test/helpers/release-records.js';
import { type StripeServer, signatureHeader, startStripeServer } from '../../test/helpers/stripe-server.js';
import { createTestApp, signInAdmin, signUp, type TestApp } from '../../test/helpers/test-app.js';
import { defineBackupOperationsJob } from './backups/job.js';

/**
 * Every operation in the OpenAPI document, as a user, an admin, anonymously and with bad tokens
 * (alg none, expired, wrong key, garbage, a deleted user), gets malformed and hostile input: no
 * 5xx, and every 4xx in the error shape with a stable code and the request id.
 */
describe('hostile input on every operation', () => {
  let t: TestApp;
  let identities: [string, Record<string, string>][];
  let backupDir: string;

  beforeAll(async () => {
    // Backups that hostile input starts are real: they go to a folder of this run's own.
    backupDir = await mkdtemp(path.join(tmpdir(), 'voyage-hostile-backups-'));
    t = await createTestApp({ env: { BACKUP_DIR: backupDir } });
    // As the server runs: background jobs started, so that the dead-letter and backup operations are real.
    defineBackupOperationsJob(t.ctx);
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
  afterAll(async () => {
    await t.close();
    await rm(backupDir, { recursive: true, force: true });
  });

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

// The release operations against a host with release history (the suite above has none).
describe('hostile input on the release operations of a release host', () => {
  let t: TestApp;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'voyage-release-hostile-'));
    await writeReleaseHistory(stateDir);
    t = await createTestApp({ env: { RELEASE_STATE_DIR: stateDir } });
  });
  afterAll(async () => {
    await t.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('answers without a 5xx, every 4xx in the error shape', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ops = operations(spec).filter((op) => op.path.startsWith('/admin/releases'));
    expect(ops).toHaveLength(4);
    const problems: string[] = [];
    for (const [who, auth] of [
      ['admin', (await signInAdmin(t)).auth],
      ['user', (await signUp(t.app)).auth],
    ] as const) {
      for (const op of ops) {
        for (const r of hostileRequests(op, auth)) {
          const res = await t.app.inject({
            method: r.method as 'GET',
            url: r.url,
            headers: r.headers,
            ...(r.payload !== undefined ? { payload: r.payload } : {}),
          });
          const p = problem(res.statusCode, res.body);
          if (p) problems.push(`${who} ${r.method} ${r.url.slice(0, 120)}: ${p}`);
        }
      }
    }
    expect(problems.slice(0, 25)).toEqual([]);
  }, 120_000);
});

// Checkout with Stripe configured (the suite above runs pay-at-pickup), and webhooks that are
// unsigned, wrongly signed, or signed but not events: never a 5xx.
describe('hostile input on checkout with Stripe', () => {
  let t: TestApp;
  let stripe: StripeServer;

  beforeAll(async () => {
    stripe = await startStripeServer({ ...STRIPE_TEST_ENV, autoDeliver: false });
    t = await createTestApp({
      env: {
        STRIPE_SECRET_KEY: STRIPE_TEST_ENV.secretKey,
        STRIPE_WEBHOOK_SECRET: STRIPE_TEST_ENV.webhookSecret,
        STRIPE_API_BASE: stripe.url,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  it('answers without a 5xx, every 4xx in the error shape', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ops = operations(spec).filter(
      (op) => op.path.startsWith('/checkout') || op.path.startsWith('/payments'),
    );
    expect(ops.map((op) => `${op.method} ${op.path}`).sort()).toEqual([
      'GET /checkout/config',
      'GET /checkout/{kind}/{id}',
      'GET /checkout/{kind}/{id}/cancellation',
      'POST /checkout/holds',
      'POST /checkout/{kind}/{id}/cancel',
      'POST /checkout/{kind}/{id}/pay',
      'POST /payments/webhooks/stripe',
    ]);
    const problems: string[] = [];
    const send = async (r: {
      method: string;
      url: string;
      headers: Record<string, string>;
      payload?: string;
    }) => {
      const res = await t.app.inject({
        method: r.method as 'GET',
        url: r.url,
        headers: r.headers,
        ...(r.payload !== undefined ? { payload: r.payload } : {}),
      });
      const p = problem(res.statusCode, res.body);
      if (p) problems.push(`${r.method} ${r.url.slice(0, 120)}: ${p}`);
      return res;
    };
    for (const auth of [(await signUp(t.app)).auth, {}])
      for (const op of ops) for (const r of hostileRequests(op, auth)) await send(r);

    const url = '/payments/webhooks/stripe';
    const bodies = [
      '',
      'null',
      '[]',
      '{}',
      '{"id":1}',
      'not json',
      '{"id":"evt_1","data":{"object":null}}',
      'x'.repeat(200_000),
    ];
    for (const body of bodies) {
      for (const signature of [
        undefined,
        't=1,v1=00',
        'garbage',
        signatureHeader(body, STRIPE_TEST_ENV.webhookSecret),
      ]) {
        const res = await send({
          method: 'POST',
          url,
          headers: {
            'content-type': 'application/json',
            ...(signature ? { 'stripe-signature': signature } : {}),
          },
          payload: body,
        });
        expect(res.statusCode, `${body.slice(0, 40)} ${signature}`).toBe(400);
      }
    }
    // Signed, well formed, about a payment Voyage never made: received and ignored.
    const unknown = JSON.stringify({
      id: 'evt_unknown',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_unknown', object: 'payment_intent' } },
    });
    const res = await send({
      method: 'POST',
      url,
      headers: {
        'content-type': 'text/plain',
        'stripe-signature': signatureHeader(unknown, STRIPE_TEST_ENV.webhookSecret),
      },
      payload: unknown,
    });
    expect(res.statusCode).toBe(200);
    expect(problems.slice(0, 25)).toEqual([]);
  }, 300_000);
});
