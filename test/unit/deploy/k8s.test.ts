import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderK8s } from '../../../src/cli/commands/release-k8s.js';
import { readConfig } from '../../../src/config/index.js';
import { promQueries } from '../../../src/release/analysis/sources.js';
import { VOYAGE_IMAGE } from '../../../src/release/kubernetes/render-k8s.js';
import { loadReleasePolicy } from '../../../src/release/policy.js';
import { VERSION } from '../../../src/version.js';
import {
  isPinnedImage,
  type K8sObject,
  KNOWN_VARIABLES,
  kustomize,
  parseYamlDocuments,
  ROOT,
  voyageArgsProblems,
} from '../../helpers/deploy.js';
import {
  containersOf,
  cpuMillis,
  labelsMatch,
  memoryMiB,
  type PodTemplate,
  podTemplates,
  runningPods,
} from '../../helpers/k8s-objects.js';
import { schemaProblems } from '../../helpers/k8s-schemas.js';

const K8S = path.join(ROOT, 'deploy/k8s');
const OVERLAYS = ['staging', 'production'];

/** Every overlay rendered with the committed policy, and again with a blue-green policy. */
const rendered: Record<string, K8sObject[]> = {};
let scratch: string;

beforeAll(async () => {
  for (const overlay of OVERLAYS) rendered[overlay] = await kustomize(path.join(K8S, 'overlays', overlay));
  scratch = await mkdtemp(path.join(os.tmpdir(), 'voyage-k8s-'));
  await cp(K8S, path.join(scratch, 'k8s'), { recursive: true });
  const policyFile = path.join(scratch, 'policy.yaml');
  const policy = await readFile(path.join(ROOT, 'deploy/release-policy.yaml'), 'utf8');
  await writeFile(policyFile, policy.replace(/^strategy: canary/m, 'strategy: blueGreen'));
  await renderK8s({ policyFile, outDir: path.join(scratch, 'k8s/rollouts') });
  for (const overlay of OVERLAYS)
    rendered[`${overlay} (blue-green)`] = await kustomize(path.join(scratch, 'k8s/overlays', overlay));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const find = (objs: K8sObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);

describe.each([...OVERLAYS, ...OVERLAYS.map((o) => `${o} (blue-green)`)])('overlay %s', (overlay) => {
  const objs = () => rendered[overlay]!;

  it('renders, and every object passes its Kubernetes / Argo Rollouts schema', () => {
    expect(objs().length).toBeGreaterThan(20);
    expect(objs().flatMap(schemaProblems)).toEqual([]);
    const namespaces = objs().filter((o) => o.kind === 'Namespace');
    expect(namespaces).toHaveLength(1);
    for (const o of objs().filter((o) => o.kind !== 'Namespace'))
      expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(namespaces[0]!.metadata.name);
    expect(namespaces[0]!.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('runs every container non-root, read-only, without capabilities, with requests and limits', () => {
    const templates = podTemplates(objs());
    expect(templates.map((t) => t.owner)).toEqual(
      expect.arrayContaining(['Deployment/voyage-api', 'Deployment/voyage-worker', 'Job/voyage-migrate']),
    );
    for (const t of templates) {
      const pod = t.template.spec;
      expect(pod.securityContext?.runAsNonRoot, t.owner).toBe(true);
      // The namespace enforces the `restricted` Pod Security Standard, which demands this too.
      expect(pod.securityContext?.seccompProfile?.type, t.owner).toBe('RuntimeDefault');
      expect(pod.automountServiceAccountToken, t.owner).toBe(false);
      expect(
        Number.isInteger(pod.securityContext?.runAsUser) && pod.securityContext.runAsUser > 0,
        t.owner,
      ).toBe(true);
      for (const c of containersOf(t)) {
        const where = `${t.owner} container ${c.name}`;
        expect(c.securityContext?.readOnlyRootFilesystem, where).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false);
        expect(c.securityContext?.capabilities?.drop, where).toEqual(['ALL']);
        for (const kind of ['requests', 'limits'])
          for (const r of ['cpu', 'memory'])
            expect(c.resources?.[kind]?.[r], `${where} ${kind}.${r}`).toBeDefined();
        expect(isPinnedImage(c.image), `${where} image ${c.image}`).toBe(true);
        expect(c.image.startsWith(`${VOYAGE_IMAGE}:`) || c.image.startsWith(`${VOYAGE_IMAGE}@`), where).toBe(
          true,
        );
      }
    }
    // One release, one image: the migration and smoke Jobs run what the Deployments run.
    expect(new Set(templates.flatMap((t) => containersOf(t).map((c) => c.image))).size).toBe(1);
  });

  it('gives every long-running container startup, liveness and readiness probes on its http port', () => {
    const running = podTemplates(objs()).filter((t) => t.owner.startsWith('Deployment/'));
    expect(running).toHaveLength(3);
    for (const t of running)
      for (const c of containersOf(t)) {
        const ports = (c.ports ?? []).map((p: { name: string }) => p.name);
        expect(c.startupProbe?.httpGet?.path, t.owner).toBe('/health');
        expect(c.livenessProbe?.httpGet?.path, t.owner).toBe('/health');
        expect(c.readinessProbe?.httpGet?.path, t.owner).toBe('/health/ready');
        for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe])
          expect(ports, t.owner).toContain(probe.httpGet.port);
      }
  });

  it('configures only variables the config schema knows, with values it accepts, matching the probes and grace period', async () => {
    const configMap = find(objs(), 'ConfigMap', 'voyage-config')!;
    const template = parseYamlDocuments(
      await readFile(path.join(K8S, 'base/secret.template.yaml'), 'utf8'),
    )[0]!;
    expect(Object.values(template.stringData).every((v) => v === '')).toBe(true);
    expect(objs().some((o) => o.kind === 'Secret')).toBe(false);
    for (const key of [...Object.keys(configMap.data), ...Object.keys(template.stringData)])
      expect(KNOWN_VARIABLES.has(key), `${key} is not in the config schema`).toBe(true);

    for (const t of podTemplates(objs()).filter((t) => !t.owner.startsWith('AnalysisTemplate/')))
      for (const c of containersOf(t)) {
        const env: Record<string, string> = {};
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) Object.assign(env, find(objs(), 'ConfigMap', from.configMapRef.name)!.data);
          if (from.secretRef) {
            expect(from.secretRef.name).toBe(template.metadata.name);
            // Stand-ins for the secret's values, in the shape the schema demands.
            Object.assign(env, {
              DATABASE_URL: 'postgres://voyage@db:5432/voyage',
              REDIS_URL: 'redis://cache:6379',
              JWT_ACCESS_SECRET: 'x'.repeat(48),
              JWT_REFRESH_SECRET: 'y'.repeat(48),
            });
          }
        }
        for (const e of c.env ?? []) {
          expect(KNOWN_VARIABLES.has(e.name), `${t.owner}: ${e.name} is not in the config schema`).toBe(true);
          env[e.name] = e.value;
        }
        const { config } = readConfig(env);
        expect(config.database.kind).toBe('postgres');
        expect(config.migrateOnStart).toBe(false);
        const pod = t.template.spec;
        if (!t.owner.startsWith('Deployment/')) continue;
        expect(c.ports[0].containerPort, t.owner).toBe(config.port);
        const { drainDelayMs, timeoutMs } = config.shutdown;
        // The process exits by itself before the kubelet's SIGKILL …
        expect(pod.terminationGracePeriodSeconds * 1000, t.owner).toBeGreaterThan(drainDelayMs + timeoutMs);
        // … and stays up long enough for a readiness probe to see it leave.
        expect(c.readinessProbe.periodSeconds * 1000, t.owner).toBeLessThanOrEqual(drainDelayMs);
        // Readiness checks are time-boxed below the probe's own timeout.
        expect(c.readinessProbe.timeoutSeconds * 1000, t.owner).toBeGreaterThan(config.healthCheckTimeoutMs);
        // A pod may take as long to start as the policy allows a release to become ready.
        const policy = await loadReleasePolicy();
        expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold * 1000).toBeLessThanOrEqual(
          policy.readiness.timeout,
        );
        // Writable places: /tmp and DATA_DIR, nothing else.
        expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort()).toEqual(
          ['/tmp', config.dataDir].sort(),
        );
      }
  });

  it('runs commands and options the voyage CLI has', () => {
    const runs = podTemplates(objs()).flatMap((t) =>
      containersOf(t).map((c) => ({ owner: t.owner, args: c.args })),
    );
    expect(runs.map((r) => r.args.join(' '))).toEqual(
      expect.arrayContaining([
        'serve --role gateway',
        'serve --role api',
        'serve --role worker',
        'migrate up --json',
      ]),
    );
    for (const r of runs) {
      // AnalysisTemplate placeholders are filled by Argo; check the command around them.
      const args = r.args.map((a: string) => a.replace(/\{\{args\.url\}\}/, 'http://preview:3000'));
      expect(voyageArgsProblems(args), r.owner).toEqual([]);
    }
    const job = find(objs(), 'Job', 'voyage-migrate')!;
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
  });

  it('selects running pods with every Service, PodDisruptionBudget and NetworkPolicy', () => {
    const pods = runningPods(objs());
    expect(pods.map((p) => p.owner).sort()).toEqual([
      'Deployment/voyage-worker',
      'Rollout/voyage-api',
      'Rollout/voyage-gateway',
    ]);
    const allPods = podTemplates(objs());
    for (const s of objs().filter((o) => o.kind === 'Service')) {
      const selected = pods.filter((p) => labelsMatch(s.spec.selector, p.labels));
      expect(selected.length, `Service ${s.metadata.name} selects no workload`).toBeGreaterThan(0);
      for (const port of s.spec.ports)
        for (const p of selected)
          expect(p.containerPortNames, `Service ${s.metadata.name} → ${p.owner}`).toContain(port.targetPort);
    }
    for (const pdb of objs().filter((o) => o.kind === 'PodDisruptionBudget'))
      expect(
        pods.filter((p) => labelsMatch(pdb.spec.selector.matchLabels, p.labels)),
        pdb.metadata.name,
      ).toHaveLength(1);
    for (const np of objs().filter((o) => o.kind === 'NetworkPolicy'))
      expect(
        allPods.filter((t) => labelsMatch(np.spec.podSelector.matchLabels ?? {}, t.template.metadata.labels))
          .length,
        `NetworkPolicy ${np.metadata.name} selects no pods`,
      ).toBeGreaterThan(0);
  });

  it('denies by default and opens only ingress → gateway → api, monitoring, DNS, Postgres, Redis, and the judge → Prometheus', () => {
    const policies = objs().filter((o) => o.kind === 'NetworkPolicy');
    const deny = policies.find(
      (p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress,
    );
    expect(deny?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    const roleOf = (sel: { matchLabels?: Record<string, string> }) =>
      sel.matchLabels?.['app.kubernetes.io/component'] ?? '*';
    const apiSources = policies
      .filter((p) => p.spec.ingress && roleOf(p.spec.podSelector) === 'api')
      .flatMap((p) => p.spec.ingress.flatMap((r: { from: object[] }) => r.from));
    expect(
      apiSources.map((f: { podSelector?: object }) => f.podSelector && roleOf(f.podSelector)).sort(),
    ).toEqual(['gateway', 'smoke']);
    const gatewaySources = policies
      .filter((p) => p.spec.ingress && roleOf(p.spec.podSelector) === 'gateway')
      .flatMap((p) => p.spec.ingress.flatMap((r: { from: object[] }) => r.from));
    expect(gatewaySources).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
    });
    // Egress: outside the cluster only Postgres and Redis; inside, DNS and Voyage's own pods.
    for (const p of policies.filter((p) => p.spec.egress))
      for (const rule of p.spec.egress) {
        const ports = rule.ports.map((x: { port: number }) => x.port);
        for (const to of rule.to) {
          if (to.ipBlock) expect([[5432], [6379]], p.metadata.name).toContainEqual(ports);
          else if (to.namespaceSelector && roleOf(p.spec.podSelector) === 'judge')
            expect(to.namespaceSelector.matchLabels['kubernetes.io/metadata.name'], p.metadata.name).toBe(
              'monitoring',
            );
          else if (to.namespaceSelector)
            expect(to.podSelector.matchLabels['k8s-app'], p.metadata.name).toBe('kube-dns');
          else expect(to.podSelector.matchLabels['app.kubernetes.io/name'], p.metadata.name).toBe('voyage');
        }
      }
  });

  it('autoscales every role from 2 (or more) to 10 on CPU 70 % and memory 80 %', () => {
    const hpas = objs().filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.metadata.name).sort()).toEqual([
      'voyage-api',
      'voyage-gateway',
      'voyage-worker',
    ]);
    for (const h of hpas) {
      const target = find(objs(), h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name);
      expect(target?.apiVersion, h.metadata.name).toBe(h.spec.scaleTargetRef.apiVersion);
      expect(h.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(h.spec.maxReplicas).toBe(10);
      const util = Object.fromEntries(
        h.spec.metrics.map((m: { resource: { name: string; target: { averageUtilization: number } } }) => [
          m.resource.name,
          m.resource.target.averageUtilization,
        ]),
      );
      expect(util).toEqual({ cpu: 70, memory: 80 });
    }
  });

  it('wires each Rollout to its Deployment, its analysis templates and its Services', () => {
    for (const r of objs().filter((o) => o.kind === 'Rollout')) {
      const deployment = find(objs(), 'Deployment', r.spec.workloadRef.name)!;
      // The Rollout runs the pods; a Deployment with replicas would run a second copy.
      expect(deployment.spec.replicas).toBe(0);
      expect(labelsMatch(r.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
      const strategy = r.spec.strategy.canary ?? r.spec.strategy.blueGreen;
      const analyses = [
        strategy.analysis,
        strategy.prePromotionAnalysis,
        strategy.postPromotionAnalysis,
      ].filter(Boolean);
      expect(analyses.length).toBeGreaterThan(0);
      for (const a of analyses)
        for (const { templateName } of a.templates) {
          const template = find(objs(), 'AnalysisTemplate', templateName);
          expect(template, templateName).toBeDefined();
          const given = a.args.map((x: { name: string }) => x.name).sort();
          expect(template!.spec.args.map((x: { name: string }) => x.name).sort()).toEqual(given);
        }
      if (r.spec.strategy.blueGreen) {
        for (const s of [strategy.activeService, strategy.previewService])
          expect(find(objs(), 'Service', s), s).toBeDefined();
      }
    }
  });

  it('leaves quota for every role at its maximum during a release, plus the Jobs', () => {
    const quota = find(objs(), 'ResourceQuota', 'voyage')!.spec.hard;
    const hpas = objs().filter((o) => o.kind === 'HorizontalPodAutoscaler');
    const need = { pods: 0, cpu: 0, memory: 0, cpuLimit: 0, memoryLimit: 0 };
    const add = (t: PodTemplate, count: number) => {
      need.pods += count;
      for (const c of containersOf(t)) {
        need.cpu += count * cpuMillis(c.resources.requests.cpu);
        need.memory += count * memoryMiB(c.resources.requests.memory);
        need.cpuLimit += count * cpuMillis(c.resources.limits.cpu);
        need.memoryLimit += count * memoryMiB(c.resources.limits.memory);
      }
    };
    for (const p of runningPods(objs())) {
      const hpa = hpas.find(
        (h) => `${h.spec.scaleTargetRef.kind}/${h.spec.scaleTargetRef.name}` === p.owner,
      )!;
      const max = hpa.spec.maxReplicas;
      const rollout = find(objs(), 'Rollout', p.owner.split('/')[1]!);
      // A blue-green release runs a full preview beside the active set; a canary surges 25 %.
      const during = rollout?.spec.strategy.blueGreen ? 2 * max : max + Math.ceil(max * 0.25);
      add(p.template, during);
    }
    for (const t of podTemplates(objs()).filter((t) => !t.owner.startsWith('Deployment/'))) add(t, 1);
    expect(Number(quota.pods)).toBeGreaterThanOrEqual(need.pods);
    expect(cpuMillis(quota['requests.cpu'])).toBeGreaterThanOrEqual(need.cpu);
    expect(memoryMiB(quota['requests.memory'])).toBeGreaterThanOrEqual(need.memory);
    expect(cpuMillis(quota['limits.cpu'])).toBeGreaterThanOrEqual(need.cpuLimit);
    expect(memoryMiB(quota['limits.memory'])).toBeGreaterThanOrEqual(need.memoryLimit);
  });
});

describe('deploy/k8s', () => {
  it('pins the base image to this build’s version; overlays pin a tag or digest', async () => {
    const base = await kustomize(path.join(K8S, 'base'));
    for (const t of podTemplates(base))
      for (const c of containersOf(t)) expect(c.image, t.owner).toBe(`${VOYAGE_IMAGE}:${VERSION}`);
    for (const overlay of OVERLAYS) {
      const k = YAML_parse(await readFile(path.join(K8S, 'overlays', overlay, 'kustomization.yaml'), 'utf8'));
      const image = k.images.find((i: { name: string }) => i.name === VOYAGE_IMAGE);
      expect(image.newTag ?? image.digest, overlay).toBeTruthy();
      expect(image.newTag, overlay).not.toBe('latest');
    }
  });

  it('scrapes pods with the labels the release analysis selects on (Prometheus Operator PodMonitor)', async () => {
    const monitoring = await kustomize(path.join(K8S, 'monitoring'));
    expect(monitoring.flatMap(schemaProblems)).toEqual([]);
    const monitor = monitoring.find((o) => o.kind === 'PodMonitor')!;
    const endpoint = monitor.spec.podMetricsEndpoints[0];
    const produced = new Set([
      'namespace',
      'pod',
      ...endpoint.relabelings.map((r: { targetLabel: string }) => r.targetLabel),
    ]);
    const metricLabels = new Set(['method', 'route', 'status_code', 'le', 'outcome']);
    const policy = await loadReleasePolicy();
    const templates = rendered.production!.filter((o) => o.kind === 'AnalysisTemplate');
    const judges = templates.flatMap((t) =>
      t.spec.metrics.filter((m: { name: string }) => m.name === 'judge'),
    );
    expect(judges.length).toBeGreaterThan(0);
    for (const m of judges) {
      const args: string[] = m.provider.job.spec.template.spec.containers[0].args;
      const selectors = ['--canary', '--baseline']
        .filter((o) => args.includes(o))
        .map((o) => args[args.indexOf(o) + 1] ?? '');
      const q = promQueries(selectors.join(','), policy.analysis.window, policy.analysis.metrics);
      const text = [q.requests, ...q.metrics.map((x) => (x.kind === 'proportion' ? x.bad : x.buckets))].join(
        ' ',
      );
      const used = [...text.matchAll(/(\w+)(?:=~|!~|!=|=)"/g)].map((x) => x[1]!);
      expect(used).toContain('rollouts_pod_template_hash');
      for (const label of used)
        expect(produced.has(label) || metricLabels.has(label), `${m.name}: label ${label}`).toBe(true);
    }
    // The pods' port and a scrape interval that gives every analysis window several samples.
    const pods = runningPods(rendered.production!);
    for (const p of pods) expect(p.containerPortNames).toContain(endpoint.port);
    const scrapeMs = Number.parseInt(endpoint.interval, 10) * 1000;
    expect(scrapeMs).toBeLessThanOrEqual(policy.analysis.interval);
    expect(policy.analysis.window).toBeGreaterThanOrEqual(4 * scrapeMs);
  });
});

function YAML_parse(text: string) {
  return parseYamlDocuments(text)[0]!;
}
