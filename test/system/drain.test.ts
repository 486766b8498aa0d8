import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { commandExists, freePort, SECRETS, startVoyage, tempDir, waitFor } from './helpers/processes.js';

/**
 * A deploy's stop, behind HAProxy with health checks on readiness: one of two replicas gets
 * SIGTERM under steady keep-alive load, and not one request fails.
 */
describe.skipIf(!commandExists('haproxy'))('drain behind HAProxy', () => {
  it('SIGTERM under load: 0 failed requests, Connection: close while draining, exit 0', async () => {
    const dirs = await Promise.all([tempDir(), tempDir(), tempDir()]);
    const common = { DEMO_DATA: 'false', ...SECRETS, RATE_LIMIT_MAX: '0', SHUTDOWN_DRAIN_DELAY: '2s' };
    const [a, b] = await Promise.all([
      startVoyage({ ...common, DATA_DIR: dirs[0]!.dir }),
      startVoyage({ ...common, DATA_DIR: dirs[1]!.dir }),
    ]);
    let haproxy: ChildProcess | undefined;
    try {
      await Promise.all([a, b].map((p) => waitFor(`${p!.url}/health/ready`, 200, 180_000, p)));
      const port = await freePort();
      const cfg = path.join(dirs[2]!.dir, 'haproxy.cfg');
      await writeFile(
        cfg,
        [
          'global',
          '  maxconn 512',
          'defaults',
          '  mode http',
          '  timeout connect 2s',
          '  timeout client 30s',
          '  timeout server 30s',
          '  option http-keep-alive',
          '  retries 3',
          '  option redispatch',
          'frontend web',
          `  bind 127.0.0.1:${port}`,
          '  default_backend voyage',
          'backend voyage',
          '  option httpchk GET /health/ready',
          '  http-check expect status 200',
          '  retry-on conn-failure empty-response',
          '  timeout check 3s',
          '  default-server inter 300ms fall 2 rise 2',
          `  server a 127.0.0.1:${a!.port} check`,
          `  server b 127.0.0.1:${b!.port} check`,
          '',
        ].join('\n'),
      );
      haproxy = spawn('haproxy', ['-f', cfg, '-db'], { stdio: 'ignore' });
      const edge = `http://127.0.0.1:${port}`;
      await waitFor(`${edge}/health/ready`, 200, 20_000);
      await sleep(1000);

      const t0 = Date.now();
      let running = true;
      const results: { status: number; closeHeader: boolean; error?: string }[] = [];
      const clients = Array.from({ length: 6 }, async () => {
        while (running) {
          try {
            const res = await fetch(`${edge}/search?lat=48.8566&lng=2.3522`, {
              signal: AbortSignal.timeout(10_000),
            });
            const text = await res.text();
            results.push({
              status: res.status,
              closeHeader: res.headers.get('connection') === 'close',
              ...(res.status !== 200 ? { error: `${Date.now() - t0} ms: ${text.slice(0, 120)}` } : {}),
            });
          } catch (err) {
            results.push({ status: 0, closeHeader: false, error: (err as Error).message });
          }
          await sleep(10);
        }
      });
      await sleep(1500);
      // Straight to the replica: while draining its keep-alive responses ask to close.
      a!.child.kill('SIGTERM');
      await sleep(300);
      const direct = await fetch(`${a!.url}/search?lat=48.8566&lng=2.3522`);
      expect(direct.status).toBe(200);
      expect(direct.headers.get('connection')).toBe('close');
      const code = await a!.exited;
      await sleep(1000);
      running = false;
      await Promise.all(clients);

      const failed = results.filter((r) => r.status !== 200);
      console.log(`drain: ${results.length} requests through HAProxy, ${failed.length} failed`);
      expect(code, a!.output().slice(-2000)).toBe(0);
      expect(results.length).toBeGreaterThan(100);
      expect(failed.slice(0, 5)).toEqual([]);
      expect(a!.output()).toMatch(/shutdown: closing the listener/);
    } finally {
      haproxy?.kill('SIGKILL');
      await Promise.all([a, b].map((p) => p?.stop('SIGKILL')));
      await Promise.all(dirs.map((d) => d.remove()));
    }
  }, 300_000);
});
