import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../version.js';
import { loadReleasePolicy, parseReleasePolicy } from '../policy.js';
import { renderHaproxyConfig } from './haproxy.js';
import { renderEnvFile } from './process-manager.js';
import { prometheusTargets } from './prometheus-targets.js';
import { parseEnvText, releaseEnvProblems } from './release-dir.js';
import { newState, statePaths } from './state-file.js';
import { findExecutable } from './supervisor.js';
import { DEFAULT_UNIT_OPTIONS, renderSystemdUnits } from './systemd-units.js';

const run = promisify(execFile);
const haproxyBin = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find(existsSync);

function sampleState() {
  const state = newState({
    edge: { host: '127.0.0.1', port: 8080, agentPort: 9100 },
    replicas: 2,
    processManager: 'supervisor',
  });
  state.slots.blue = {
    status: 'live',
    release: { version: '1.0.0', dir: '/srv/r1', env: {} },
    ports: [41001, 41002],
    weight: 90,
    startId: 'a',
  };
  state.slots.green = {
    status: 'canary',
    release: { version: '1.1.0', dir: '/srv/r2', env: {} },
    ports: [41003, 41004],
    weight: 10,
    startId: 'b',
  };
  return state;
}

describe('release policy additions', () => {
  it('has hooks, holds, drain and blue-green promotion in the committed policy', async () => {
    const policy = await loadReleasePolicy();
    expect(policy.hooks.preDeploy).toEqual(['voyage backup create --verify']);
    expect(policy.canary.holdOldSlot).toBe(600_000);
    expect(policy.blueGreen.autoPromote).toBe(true);
    expect(policy.drain.timeout).toBe(30_000);
  });

  it('takes pre-deploy commands and refuses empty ones', () => {
    const policy = parseReleasePolicy(
      'strategy: canary\nhooks:\n  preDeploy: ["voyage backup create --verify"]',
    );
    expect(policy.hooks.preDeploy).toEqual(['voyage backup create --verify']);
    expect(() => parseReleasePolicy('strategy: canary\nhooks:\n  preDeploy: ["  "]')).toThrow(
      /hooks.preDeploy.0: a hook must be a command/,
    );
  });

  it('loads the system tests’ policy', async () => {
    const policy = await loadReleasePolicy(
      path.join(PROJECT_ROOT, 'test/system/fixtures/release-policy.yaml'),
    );
    expect(policy.analysis.interval).toBe(1_000);
    expect(policy.blueGreen.holdOldSlot).toBe(3_000);
  });
});

describe('HAProxy config from deploy/haproxy/voyage.cfg.tmpl', () => {
  it('renders each slot’s replicas with their ports and weights; idle slots in maintenance', async () => {
    const state = sampleState();
    state.slots.green.status = 'stopped';
    const text = await renderHaproxyConfig(state, statePaths('/var/lib/voyage/release'));
    expect(text).toContain('stats socket /var/lib/voyage/release/haproxy/admin.sock mode 600 level admin');
    expect(text).toContain('bind 127.0.0.1:8080');
    expect(text).toContain('server blue-1 127.0.0.1:41001 weight 90 check\n');
    expect(text).toContain('server blue-2 127.0.0.1:41002 weight 90 check\n');
    expect(text).toContain('server green-1 127.0.0.1:41003 weight 0 check disabled');
    expect(text).not.toMatch(/\{\{/);
  });

  it.skipIf(!haproxyBin)('finds haproxy in sbin even when PATH does not name it', () => {
    expect(findExecutable('haproxy', '/usr/bin:/bin')).toBe(haproxyBin);
  });

  it.skipIf(!haproxyBin)('is a config HAProxy accepts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-haproxy-'));
    try {
      const file = path.join(dir, 'haproxy.cfg');
      await writeFile(file, await renderHaproxyConfig(sampleState(), statePaths(dir)));
      const { stdout, stderr } = await run(haproxyBin!, ['-c', '-f', file]);
      expect(`${stdout}${stderr}`).toMatch(/Configuration file is valid/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('files for processes and Prometheus', () => {
  it('writes env files that node --env-file reads back unchanged', async () => {
    const env = {
      A: 'postgres://u@h:5432/d?sslmode=require',
      B: 'two words # not a comment',
      C: '',
      D: 'x=y',
    };
    const text = renderEnvFile(env);
    expect(text).toBe(
      'A="postgres://u@h:5432/d?sslmode=require"\nB="two words # not a comment"\nC=\nD=x=y\n',
    );
    const dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-env-'));
    try {
      await writeFile(path.join(dir, 'r.env'), text);
      const { stdout } = await run(process.execPath, [
        `--env-file=${path.join(dir, 'r.env')}`,
        '-e',
        'const {A,B,C,D}=process.env;console.log(JSON.stringify({A,B,C,D}))',
      ]);
      expect(JSON.parse(stdout)).toEqual(env);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(() => renderEnvFile({ A: 'say "hi"' })).toThrow(/A: values with quotes/);
    expect(() => renderEnvFile({ 'A-B': 'x' })).toThrow(/not valid/);
  });

  it('reads release env files', () => {
    expect(parseEnvText('# c\nexport A=1\nB="x y"\n\nC=\'z\'\n', 'f')).toEqual({ A: '1', B: 'x y', C: 'z' });
    expect(() => parseEnvText('nonsense', 'release.env')).toThrow(/release.env:1: expected KEY=value/);
  });

  it('refuses a release environment that only works in one process, naming the variable', () => {
    const secrets = { JWT_ACCESS_SECRET: 'a'.repeat(32), JWT_REFRESH_SECRET: 'b'.repeat(32) };
    const server = { DATABASE_URL: 'postgres://db/voyage', ...secrets };
    expect(releaseEnvProblems({ ...server, RATE_LIMIT_MAX: '0' }, 2)).toEqual([]);
    expect(releaseEnvProblems({ ...server, REDIS_URL: 'redis://r:6379' }, 2)).toEqual([]);
    expect(releaseEnvProblems(server, 1)).toEqual([]);
    expect(releaseEnvProblems(server, 2)).toEqual([
      expect.stringMatching(/^REDIS_URL: each slot runs 2 replicas/),
    ]);
    expect(releaseEnvProblems({}, 1)).toEqual([expect.stringMatching(/^DATABASE_URL: both slots/)]);
    expect(releaseEnvProblems({ DATABASE_URL: 'postgres://db/v' }, 1)).toEqual([
      expect.stringMatching(/JWT_ACCESS_SECRET/),
    ]);
  });

  it('lists running slots for Prometheus with slot and version labels', () => {
    const { slots, agent } = prometheusTargets(sampleState());
    expect(slots).toEqual([
      { targets: ['127.0.0.1:41001', '127.0.0.1:41002'], labels: { slot: 'blue', version: '1.0.0' } },
      { targets: ['127.0.0.1:41003', '127.0.0.1:41004'], labels: { slot: 'green', version: '1.1.0' } },
    ]);
    expect(agent).toEqual([{ targets: ['127.0.0.1:9100'], labels: {} }]);
  });

  it('keeps deploy/systemd/ as `voyage release render-systemd` writes it', async () => {
    for (const [name, text] of Object.entries(renderSystemdUnits(DEFAULT_UNIT_OPTIONS))) {
      expect(await readFile(path.join(PROJECT_ROOT, 'deploy/systemd', name), 'utf8'), name).toBe(text);
    }
  });
});
