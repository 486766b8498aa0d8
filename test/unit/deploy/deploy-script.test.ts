import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYamlDocuments, ROOT } from '../../helpers/deploy.js';

/**
 * deploy/k8s/deploy.sh against a stand-in kubectl: real `kubectl kustomize`, every other call
 * recorded (and `apply` keeps a copy of what it was given), the migration Job's state scripted.
 */

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-deploy-sh-'));
  const real = (await run('sh', ['-c', 'command -v kubectl'])).stdout.trim();
  await writeFile(
    path.join(dir, 'kubectl'),
    `#!/usr/bin/env bash
echo "$*" >> "$CALLS"
case "$1" in
  kustomize) exec ${real} "$@" ;;
  apply) n=$(ls "$APPLIED" | wc -l); while [ $# -gt 0 ]; do [ "$1" = -f ] && cp "$2" "$APPLIED/$n.yaml"; shift; done ;;
  argo) exit 1 ;;
esac
case "$*" in
  *status.succeeded*) [ "$JOB" = ok ] && echo 1 ;;
  *Failed*) [ "$JOB" = failed ] && echo True ;;
esac
exit 0
`,
  );
  await chmod(path.join(dir, 'kubectl'), 0o755);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function deploy(args: string[], job: 'ok' | 'failed') {
  const calls = path.join(dir, `calls-${Math.random()}`);
  const applied = await mkdtemp(path.join(dir, 'applied-'));
  let code = 0;
  let stderr = '';
  try {
    ({ stderr } = await run('bash', [path.join(ROOT, 'deploy/k8s/deploy.sh'), ...args], {
      env: { PATH: `${dir}:${process.env.PATH}`, CALLS: calls, APPLIED: applied, JOB: job },
    }));
  } catch (err) {
    const e = err as { code: number; stderr: string };
    code = e.code;
    stderr = e.stderr;
  }
  const log = (await readFile(calls, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  const files = await Promise.all(
    log.filter((l) => l.startsWith('apply')).map((_, i) => readFile(path.join(applied, `${i}.yaml`), 'utf8')),
  );
  return { code, stderr, log, files };
}

describe('deploy/k8s/deploy.sh', () => {
  const image = `ghcr.io/voyage-travel/voyage@sha256:${'a'.repeat(64)}`;

  it('applies shared objects, migrates and waits, then applies the workloads, all with the given image', async () => {
    const r = await deploy(['production', image], 'ok');
    expect(r.code, r.stderr).toBe(0);
    expect(r.log[0]).toBe(`kustomize ${ROOT}/deploy/k8s/overlays/production`);
    const at = (s: string) => r.log.findIndex((l) => l.includes(s));
    expect(at('notin (gateway,api,worker,migrate)')).toBeLessThan(at('delete job'));
    expect(at('delete job')).toBeLessThan(at('-l app.kubernetes.io/component=migrate'));
    expect(at('-l app.kubernetes.io/component=migrate')).toBeLessThan(at('status.succeeded'));
    expect(r.log.at(-1)).toContain('rollout status deployment/voyage-worker');
    expect(r.log.filter((l) => l.startsWith('apply'))).toHaveLength(3);
    expect(r.log.every((l) => !l.startsWith('-n') || l.startsWith('-n voyage-production'))).toBe(true);
    // Every container of the release runs the image it was given, digest and all.
    const objs = parseYamlDocuments(r.files.at(-1)!);
    const images = JSON.stringify(objs).match(/"image":"[^"]+"/g)!;
    expect(new Set(images)).toEqual(new Set([`"image":"${image}"`]));
    // gateway, api, worker, the migration Job, and the release judge's analysis Job.
    expect(images.length).toBe(5);
  });

  it('stops after a failed migration without touching the workloads', async () => {
    const r = await deploy(['staging'], 'failed');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('migrations failed');
    expect(r.log.filter((l) => l.startsWith('apply'))).toHaveLength(2);
  });

  it('only migrates with --migrate-only, and refuses an unknown environment', async () => {
    const r = await deploy(['--migrate-only', 'staging'], 'ok');
    expect(r.code, r.stderr).toBe(0);
    expect(r.log.filter((l) => l.startsWith('apply'))).toHaveLength(2);
    expect(r.log.some((l) => l.includes('rollout status'))).toBe(false);
    const bad = await deploy(['qa'], 'ok');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no overlay qa');
    expect(bad.log).toEqual([]);
  });
});
