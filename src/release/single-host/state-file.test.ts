import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseRegistry } from './agent.js';
import { initState, newRecord, newState, readState, updateState } from './state-file.js';
import { noticeText, notify } from './webhook.js';

describe('release state', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-state-'));
    await initState(dir, async () =>
      newState({
        edge: { host: '127.0.0.1', port: 8080, agentPort: 9100 },
        replicas: 2,
        processManager: 'supervisor',
      }),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loses no update when several writers change it at once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateState(dir, (s) => {
          s.history.push(
            newRecord({
              kind: 'deploy',
              version: `1.0.${i}`,
              previousVersion: null,
              slot: 'blue',
              strategy: 'initial',
            }),
          );
        }),
      ),
    );
    const state = (await readState(dir))!;
    expect(state.history).toHaveLength(20);
    expect(new Set(state.history.map((r) => r.version)).size).toBe(20);
  });

  it('keeps the first state on a second init', async () => {
    const again = await initState(dir, async () => {
      throw new Error('must not be called');
    });
    expect(again.history).toHaveLength(20);
  });

  it('serves the release metrics from the state file', async () => {
    await updateState(dir, (s) => {
      s.live = 'green';
      s.slots.green = {
        status: 'live',
        release: { version: '2.0.0', dir: '/r', env: {} },
        ports: [1],
        weight: 100,
        startId: 'x',
      };
      s.slots.blue = {
        status: 'standby',
        release: { version: '1.9.0', dir: '/q', env: {} },
        ports: [2],
        weight: 0,
        startId: 'y',
      };
      s.rollbacksTotal.analysis = 2;
      s.hold = { slot: 'blue', until: new Date(Date.now() + 60_000).toISOString() };
      s.current = {
        id: 'r',
        pid: process.pid,
        slot: 'blue',
        version: '2.1.0',
        strategy: 'canary',
        phase: 'canary',
        step: 0,
        weight: 10,
        request: null,
        lastSample: null,
      };
    });
    const text = await releaseRegistry(dir).metrics();
    expect(text).toContain('voyage_release_rollbacks_total{trigger="analysis"} 2');
    expect(text).toContain('voyage_release_rollbacks_total{trigger="manual"} 0');
    expect(text).toContain('voyage_release_canary_weight 10');
    expect(text).toContain('voyage_release_info{version="2.0.0",slot="green"} 1');
    expect(text).toContain('voyage_release_info{version="1.9.0",slot="blue"} 0');
    expect(text).toContain('voyage_release_in_progress 1');
    expect(text).toMatch(/voyage_release_hold_remaining_seconds (59|60)/);
  });
});

describe('release webhook', () => {
  const received: unknown[] = [];
  let url: string;
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ type: req.headers['content-type'], body: JSON.parse(body) });
        res.writeHead(req.url === '/broken' ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const notice = {
    event: 'rolled-back' as const,
    version: '1.2.0',
    previousVersion: '1.1.0',
    slot: 'green',
    reason: '5xx ratio 31.0 % above 5.0 %',
    releaseId: 'r1',
    host: 'edge-1',
  };

  it('posts Slack-compatible JSON', async () => {
    expect(await notify(`${url}/hook`, notice)).toBeNull();
    expect(received.at(-1)).toEqual({
      type: 'application/json',
      body: {
        text: ':rotating_light: Voyage 1.2.0 was rolled back on edge-1; 1.1.0 serves: 5xx ratio 31.0 % above 5.0 % (release r1, slot green)',
        voyage: notice,
      },
    });
    expect(noticeText({ ...notice, event: 'promoted', reason: null })).toMatch(
      /^:white_check_mark: Voyage 1\.2\.0 is live on edge-1/,
    );
  });

  it('reports a failing webhook instead of throwing', async () => {
    expect(await notify(`${url}/broken`, notice)).toBe('webhook answered HTTP 500');
    expect(await notify('http://127.0.0.1:9/nothing', notice)).toMatch(/^webhook failed/);
    expect(await notify(undefined, notice)).toBeNull();
  });
});
