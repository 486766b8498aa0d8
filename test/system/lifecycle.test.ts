import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commandExists, startVoyage, tempDir, waitFor } from './helpers/processes.js';

describe('graceful shutdown', () => {
  it('on SIGTERM: not ready at once, keeps serving through the drain delay, finishes in-flight requests, exits 0', async () => {
    const data = await tempDir();
    const proc = await startVoyage({
      DATA_DIR: data.dir,
      DEMO_DATA: 'false',
      SHUTDOWN_DRAIN_DELAY: '1500ms',
      VOYAGE_FAULT_INJECTION: 'latency_ms=2500,paths=/locations',
      VOYAGE_ALLOW_FAULT_INJECTION: 'true',
    });
    try {
      await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
      const started = Date.now();
      const slow = fetch(`${proc.url}/locations`).then(async (r) => ({
        status: r.status,
        ms: Date.now() - started,
      }));
      await sleep(300);
      proc.child.kill('SIGTERM');
      await sleep(300);
      const ready = await fetch(`${proc.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect((await fetch(`${proc.url}/health`)).status).toBe(200);

      const result = await slow;
      expect(result.status).toBe(200);
      expect(result.ms).toBeGreaterThanOrEqual(2500);
      const code = await proc.exited;
      expect(code, proc.output()).toBe(0);
      expect(proc.output()).toMatch(/shutdown complete/);
      await expect(fetch(`${proc.url}/health`)).rejects.toThrow();
    } finally {
      await proc.stop();
      await data.remove();
    }
  });

  it('a second signal forces the exit', async () => {
    const data = await tempDir();
    const proc = await startVoyage({ DATA_DIR: data.dir, DEMO_DATA: 'false', SHUTDOWN_DRAIN_DELAY: '30s' });
    try {
      await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
      proc.child.kill('SIGTERM');
      await sleep(300);
      const t0 = Date.now();
      proc.child.kill('SIGTERM');
      const code = await proc.exited;
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(code).not.toBe(0);
    } finally {
      await proc.stop('SIGKILL');
      await data.remove();
    }
  });
});

describe('metrics exposition', () => {
  it.skipIf(!commandExists('promtool'))('passes promtool check metrics after real traffic', async () => {
    const data = await tempDir();
    const proc = await startVoyage({ DATA_DIR: data.dir });
    try {
      await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
      await fetch(`${proc.url}/search?lat=48.8566&lng=2.3522`);
      await fetch(`${proc.url}/cars/00000000-0000-4000-8000-000000000000`);
      await fetch(`${proc.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"a@b.co","password":"wrongpass"}',
      });
      const text = await (await fetch(`${proc.url}/metrics`)).text();
      for (const name of [
        'http_request_duration_seconds_bucket',
        'http_requests_total',
        'voyage_searches_total',
        'voyage_login_failures_total',
      ]) {
        expect(text).toContain(name);
      }
      const file = path.join(data.dir, 'metrics.txt');
      await writeFile(file, text);
      const { stdout, stderr } = await promisify(execFile)('sh', [
        '-c',
        `promtool check metrics < ${file}; echo "exit=$?"`,
      ]);
      expect(`${stdout}${stderr}`).toContain('exit=0');
    } finally {
      await proc.stop();
      await data.remove();
    }
  });
});
