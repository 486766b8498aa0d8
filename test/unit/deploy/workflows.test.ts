import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ROOT, voyageArgsProblems } from '../../helpers/deploy.js';

/** .github/workflows: valid workflows that call only scripts, npm scripts and CLI commands that exist. */

const DIR = path.join(ROOT, '.github/workflows');
const PKG = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
type Step = { name?: string; uses?: string; run?: string; with?: Record<string, string> };
// biome-ignore lint/suspicious/noExplicitAny: workflow documents, checked field by field
type Workflow = { on: any; jobs: Record<string, any> };

const workflows: Record<string, { text: string; doc: Workflow }> = {};
beforeAll(async () => {
  for (const file of (await readdir(DIR)).filter((f) => /\.ya?ml$/.test(f))) {
    const text = await readFile(path.join(DIR, file), 'utf8');
    workflows[file] = { text, doc: YAML.parse(text) };
  }
});

const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
/** Shell commands of every `run:`, one per line, with `${{ … }}` expressions made into plain words. */
const commandsOf = (w: Workflow) =>
  steps(w)
    .flatMap((s) => (s.run ?? '').split('\n'))
    .map((l) => l.replace(/\$\{\{[^}]*\}\}/g, 'EXPR').trim())
    .filter(Boolean);

describe('.github/workflows', () => {
  it('holds ci, security, release and db-migrate, each a valid workflow', () => {
    expect(Object.keys(workflows).sort()).toEqual([
      'ci.yml',
      'db-migrate.yml',
      'release.yml',
      'security.yml',
    ]);
    for (const [file, { text }] of Object.entries(workflows)) {
      const result = validateWorkflow(text);
      expect(result.errors, file).toEqual([]);
    }
  });

  it('runs only npm scripts that package.json has', () => {
    let seen = 0;
    for (const [file, { doc }] of Object.entries(workflows))
      for (const line of commandsOf(doc))
        for (const m of line.matchAll(/\bnpm (?:run(?:-script)?|run) ([\w:.-]+)/g)) {
          seen++;
          expect(PKG.scripts, `${file}: npm run ${m[1]}`).toHaveProperty(m[1]!);
        }
    expect(seen).toBeGreaterThan(5);
  });

  it('names only scripts and files that exist', () => {
    const paths: string[] = [];
    for (const { doc } of Object.values(workflows)) {
      for (const line of commandsOf(doc))
        for (const m of line.matchAll(
          /(?:^|[\s"'])((?:\.\/)?(?:\.?[\w-]+\/)+[\w.-]+\.(?:sh|mjs|js|ts)|\.ci\/run)\b/g,
        ))
          paths.push(m[1]!);
      for (const s of steps(doc))
        for (const key of ['file', 'context']) if (s.with?.[key]) paths.push(s.with[key]);
    }
    expect(paths).toEqual(
      expect.arrayContaining(['deploy/k8s/deploy.sh', 'bin/voyage.js', 'deploy/docker/Dockerfile']),
    );
    for (const p of paths) expect(existsSync(path.join(ROOT, p)), p).toBe(true);
  });

  it('calls the voyage CLI with commands and options it has', () => {
    const calls = Object.values(workflows).flatMap(({ doc }) =>
      commandsOf(doc).flatMap((l) => {
        const m = /(?:node bin\/voyage\.js|npx voyage) (.*)$/.exec(l);
        return m ? [m[1]!.split(/\s+/).map((a) => a.replace(/^"|"$/g, ''))] : [];
      }),
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const args of calls) expect(voyageArgsProblems(args), args.join(' ')).toEqual([]);
    const deploys = Object.values(workflows).flatMap(({ doc }) =>
      commandsOf(doc).filter((l) => l.includes('deploy/k8s/deploy.sh')),
    );
    for (const d of deploys) {
      const overlay = /deploy\.sh (?:--migrate-only )?"?(\w+)"?/.exec(d)![1]!;
      if (overlay !== 'EXPR')
        expect(existsSync(path.join(ROOT, 'deploy/k8s/overlays', overlay)), d).toBe(true);
    }
  });

  it('pins every action to a version, never a branch', () => {
    for (const [file, { doc }] of Object.entries(workflows))
      for (const s of steps(doc).filter((s) => s.uses))
        expect(s.uses, file).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+)*|\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });

  it('tests with Postgres 15 and Redis 7 service containers and the system packages .ci/run installs', async () => {
    const job = workflows['ci.yml']!.doc.jobs.test;
    expect(job.services.postgres.image).toMatch(/^postgres:15\./);
    expect(job.services.redis.image).toMatch(/^redis:7\./);
    const ciRun = await readFile(path.join(ROOT, '.ci/run'), 'utf8');
    const packages = /^PACKAGES=\(([^)]*)\)/m.exec(ciRun)![1]!.split(/\s+/).filter(Boolean);
    const installed = commandsOf(workflows['ci.yml']!.doc).find((l) => l.includes('apt-get install'))!;
    for (const p of packages) expect(installed.split(/\s+/), `ci.yml misses ${p} from .ci/run`).toContain(p);
    const run = commandsOf(workflows['ci.yml']!.doc);
    for (const c of [
      'npm run lint',
      'npm run typecheck',
      'npm test',
      'npm run test:integration',
      'npm run test:system',
      'npm run test:e2e',
    ])
      expect(run).toContain(c);
  });

  it('scans: npm audit at high, secrets, CodeQL, the image', () => {
    const w = workflows['security.yml']!.doc;
    const run = commandsOf(w);
    expect(run).toContain('npm audit --audit-level=high');
    expect(PKG.scripts['lint:secrets']).toMatch(/^secretlint /);
    expect(run).toContain('npm run lint:secrets');
    const uses = steps(w).map((s) => s.uses?.split('@')[0]);
    expect(uses).toEqual(
      expect.arrayContaining([
        'github/codeql-action/init',
        'github/codeql-action/analyze',
        'aquasecurity/trivy-action',
      ]),
    );
  });

  it('releases: image with SBOM and provenance, staging on main, production on tags behind approval, smoke, notify', () => {
    const w = workflows['release.yml']!.doc;
    expect(w.on.push.branches).toEqual(['main']);
    expect(w.on.push.tags).toEqual(['v*']);
    const build = w.jobs.image.steps.find((s: Step) => s.uses?.startsWith('docker/build-push-action'));
    expect(build.with).toMatchObject({
      push: true,
      sbom: true,
      provenance: 'mode=max',
      file: 'deploy/docker/Dockerfile',
    });
    expect(w.jobs.staging.environment.name).toBe('staging');
    expect(w.jobs.production.environment.name).toBe('production');
    expect(w.jobs.production.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(w.jobs.production.needs).toContain('staging');
    for (const env of ['staging', 'production']) {
      const run = w.jobs[env].steps.map((s: Step) => s.run ?? '').join('\n');
      expect(run).toContain(`deploy/k8s/deploy.sh ${env}`);
      expect(run).toContain('needs.image.outputs.digest');
      expect(run).toMatch(/node bin\/voyage\.js smoke/);
      // Smoke runs after the deploy.
      expect(run.indexOf('smoke')).toBeGreaterThan(run.indexOf('deploy.sh'));
    }
    expect(w.jobs.notify.if).toBe('always()');
  });

  it('migrates by hand, per environment', () => {
    const w = workflows['db-migrate.yml']!.doc;
    expect(Object.keys(w.on)).toEqual(['workflow_dispatch']);
    expect(w.on.workflow_dispatch.inputs.environment.options).toEqual(['staging', 'production']);
    expect(w.jobs.migrate.environment).toBe(`$${'{{'} inputs.environment }}`);
    expect(commandsOf(w).some((l) => l.startsWith('bash deploy/k8s/deploy.sh --migrate-only'))).toBe(true);
  });
});
