import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReleaseHistory } from '../../test/helpers/release-records.js';
import { createTestApp, type SignedIn, signInAdmin, type TestApp } from '../../test/helpers/test-app.js';
import { readState, updateState } from '../release/single-host/state-file.js';

describe('admin releases on a single host', () => {
  let t: TestApp;
  let admin: SignedIn;
  let stateDir: string;
  let ids: { promoted: string; rolledBack: string };

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'voyage-release-'));
    ids = await writeReleaseHistory(stateDir);
    t = await createTestApp({ env: { RELEASE_STATE_DIR: stateDir } });
    admin = await signInAdmin(t);
  });
  afterAll(async () => {
    await t.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: admin.auth });
  const post = (url: string) => t.app.inject({ method: 'POST', url, headers: admin.auth });
  const audits = async (action: string) =>
    (await t.db.database.pool.query('SELECT actor_id, subject FROM audit_log WHERE action = $1', [action]))
      .rows;

  it('shows the slots, the live one and the history, newest first', async () => {
    const res = await get('/admin/releases');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ engine: 'single-host', stateDir, live: 'green', current: null });
    expect(body.slots).toEqual([
      { slot: 'blue', status: 'stopped', version: 'v1.2.0', weight: 0, live: false },
      { slot: 'green', status: 'live', version: 'v1.1.0', weight: 100, live: true },
    ]);
    expect(body.history.map((h: { id: string; outcome: string }) => [h.id, h.outcome])).toEqual([
      [ids.rolledBack, 'rolled-back'],
      [ids.promoted, 'promoted'],
    ]);
  });

  it('gives a promoted release’s timeline: samples, the policy’s limits, steps and the promotion', async () => {
    const res = await get(`/admin/releases/${ids.promoted}/timeline`);
    expect(res.statusCode, res.body).toBe(200);
    const tl = res.json();
    expect(tl.thresholds).toEqual({ errorRate: expect.any(Number), p95Seconds: expect.any(Number) });
    expect(tl.judge).toEqual({ pass: 90, marginal: 70 });
    expect(tl.samples.map((s: { verdict: string }) => s.verdict)).toEqual([
      'inconclusive',
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    expect(tl.samples[1]).toMatchObject({
      weight: 10,
      canary: { requests: 200, errorRate: 0, p95Seconds: 0.055 },
      baseline: { requests: 1800, errorRate: 0.001, p95Seconds: 0.05 },
      score: 100,
    });
    expect(tl.samples[1].metrics[0]).toEqual({
      name: 'latency',
      result: 'pass',
      weight: 30,
      critical: false,
      p: 0.41,
      detail: expect.stringMatching(/^median 12 ms/),
    });
    expect(tl.steps.map((s: { weight: number }) => s.weight)).toEqual([10, 50]);
    expect(tl.markers.map((m: { kind: string }) => m.kind)).toEqual(['first-canary', 'promoted']);
  });

  it('marks the rollback of a release that failed its analysis, with the failed metric', async () => {
    const tl = (await get(`/admin/releases/${ids.rolledBack}/timeline`)).json();
    expect(tl.outcome).toBe('rolled-back');
    expect(tl.markers.at(-1)).toEqual({
      at: '2026-12-01T11:00:32.000Z',
      kind: 'rolled-back',
      reason: expect.stringMatching(/^analysis failed/),
    });
    expect(tl.samples[0].metrics.find((m: { name: string }) => m.name === 'errors')).toMatchObject({
      result: 'fail',
      critical: true,
    });
  });

  it('404s a release that is not in the history, 400s a malformed id', async () => {
    const missing = await get('/admin/releases/20201201T000000-ffffff/timeline');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('release_not_found');
    const bad = await get('/admin/releases/..%2Fstate/timeline');
    expect(bad.statusCode).toBe(400);
  });

  it('409s promote and abort while nothing is in progress', async () => {
    for (const op of ['promote', 'abort']) {
      const res = await post(`/admin/releases/${op}`);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('release_not_in_progress');
    }
    expect(await audits('release.promote')).toEqual([]);
  });

  it('asks the running deploy to promote, and to abort, as the CLI does, audited', async () => {
    const id = '20261207T120000-ccc333';
    await updateState(stateDir, (s) => {
      // The deploy process: this one, so that it counts as alive.
      s.current = {
        id,
        pid: process.pid,
        slot: 'blue',
        version: 'v1.3.0',
        strategy: 'canary',
        phase: 'canary',
        step: 0,
        weight: 10,
        request: null,
        lastSample: null,
      };
    });
    const promoted = await post('/admin/releases/promote');
    expect(promoted.statusCode, promoted.body).toBe(202);
    expect(promoted.json()).toEqual({ requested: 'promote', version: 'v1.3.0' });
    expect((await readState(stateDir))?.current?.request).toBe('promote');
    expect((await get('/admin/releases')).json().current).toMatchObject({ id, request: 'promote' });
    expect(await audits('release.promote')).toEqual([{ actor_id: admin.userId, subject: 'release:v1.3.0' }]);

    // The deploy loop acts on the request: here, by finishing the deploy once asked.
    const aborting = post('/admin/releases/abort');
    while ((await readState(stateDir))?.current?.request !== 'abort') await sleep(50);
    await updateState(stateDir, (s) => {
      s.current = null;
    });
    const aborted = await aborting;
    expect(aborted.statusCode, aborted.body).toBe(200);
    expect(aborted.json()).toEqual({ aborted: true, version: 'v1.3.0', recovered: false });
    expect(await audits('release.abort')).toEqual([{ actor_id: admin.userId, subject: 'release:v1.3.0' }]);
  });
});

describe('admin releases where the single-host controller does not run', () => {
  let plain: TestApp;
  let k8s: TestApp;
  let emptyDir: string;

  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(tmpdir(), 'voyage-release-none-'));
    [plain, k8s] = await Promise.all([
      createTestApp({ env: { RELEASE_STATE_DIR: emptyDir } }),
      createTestApp({
        env: {
          RELEASE_STATE_DIR: emptyDir,
          KUBERNETES_SERVICE_HOST: '10.96.0.1',
          RELEASE_K8S_NAMESPACE: 'voyage-staging',
        },
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), k8s?.close()]);
    await rm(emptyDir, { recursive: true, force: true });
  });

  it('says none without a state file, and 409s the operations', async () => {
    const admin = await signInAdmin(plain);
    const res = await plain.app.inject({ method: 'GET', url: '/admin/releases', headers: admin.auth });
    expect(res.json()).toMatchObject({ engine: 'none', stateDir: emptyDir });
    const abort = await plain.app.inject({
      method: 'POST',
      url: '/admin/releases/abort',
      headers: admin.auth,
    });
    expect(abort.statusCode).toBe(409);
    const tl = await plain.app.inject({
      method: 'GET',
      url: '/admin/releases/20261201T100000-aaa111/timeline',
      headers: admin.auth,
    });
    expect(tl.statusCode).toBe(404);
  });

  it('in a Kubernetes pod, gives the Argo Rollouts commands of the deploy guide', async () => {
    const admin = await signInAdmin(k8s);
    const res = await k8s.app.inject({ method: 'GET', url: '/admin/releases', headers: admin.auth });
    expect(res.json()).toEqual({
      engine: 'argo-rollouts',
      namespace: 'voyage-staging',
      rollout: 'voyage-api',
      commands: [
        {
          purpose: 'watch',
          command: 'kubectl argo rollouts get rollout voyage-api -n voyage-staging --watch',
        },
        { purpose: 'promote', command: 'kubectl argo rollouts promote voyage-api -n voyage-staging' },
        { purpose: 'abort', command: 'kubectl argo rollouts abort voyage-api -n voyage-staging' },
        { purpose: 'undo', command: 'kubectl argo rollouts undo voyage-api -n voyage-staging' },
      ],
    });
    const promote = await k8s.app.inject({
      method: 'POST',
      url: '/admin/releases/promote',
      headers: admin.auth,
    });
    expect(promote.statusCode).toBe(409);
    expect(promote.json().error.code).toBe('release_not_in_progress');
  });
});
