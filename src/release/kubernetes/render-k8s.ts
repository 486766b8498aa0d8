import YAML from 'yaml';
import { VERSION } from '../../version.js';
import { CHECKS } from '../analysis/checks.js';
import { promDuration, type Selector } from '../analysis/promql.js';
import type { ReleasePolicy } from '../policy.js';

/**
 * Compiles the release policy into Argo Rollouts objects. Each Rollout takes its pod template from
 * the role's Deployment in deploy/k8s/base (workloadRef), so pod specs are written once, by hand,
 * and only the release strategy is generated.
 */

/** Roles that take traffic and are released progressively; the worker rolls like a Deployment. */
export const ROLLOUT_ROLES = ['gateway', 'api'] as const;
export type RolloutRole = (typeof ROLLOUT_ROLES)[number];

export const APP_LABEL = 'app.kubernetes.io/name';
export const ROLE_LABEL = 'app.kubernetes.io/component';
export const CONTAINER_PORT = 3000;
/** The image every overlay pins (kustomize `images`); the base carries this build's version. */
export const VOYAGE_IMAGE = 'ghcr.io/voyage-travel/voyage';
export const DEFAULT_PROMETHEUS_URL = 'http://prometheus-operated.monitoring.svc:9090';

export interface RenderOptions {
  prometheusUrl?: string;
}

type Obj = Record<string, unknown>;

const labels = (role: string) => ({ [APP_LABEL]: 'voyage', [ROLE_LABEL]: role });
const argoDuration = (ms: number) => promDuration(ms);

/** Argo's template placeholders, filled per AnalysisRun from the args below. */
const ARGS = {
  canary: { namespace: '{{args.namespace}}', role: '{{args.role}}', podTemplateHash: '{{args.canary-hash}}' },
  stable: { namespace: '{{args.namespace}}', role: '{{args.role}}', podTemplateHash: '{{args.stable-hash}}' },
} satisfies Record<string, Selector>;

function analysisArgs(role: RolloutRole, withStable: boolean): Obj[] {
  return [
    { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'role', value: role },
    { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    ...(withStable ? [{ name: 'stable-hash', valueFrom: { podTemplateHashValue: 'Stable' } }] : []),
  ];
}

/** Samples in one analysis window: a canary too quiet for that long pauses for a person. */
function inconclusiveLimit(policy: ReleasePolicy): number {
  return Math.ceil(policy.analysis.window / policy.analysis.interval);
}

function metricTemplate(
  name: string,
  policy: ReleasePolicy,
  opts: { comparesWithStable: boolean; count?: number },
  prometheusUrl: string,
): Obj {
  const checks = CHECKS.filter((c) => opts.comparesWithStable || !c.comparesWithStable);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, labels: { [APP_LABEL]: 'voyage' } },
    spec: {
      args: [
        { name: 'namespace' },
        { name: 'role' },
        { name: 'canary-hash' },
        ...(opts.comparesWithStable ? [{ name: 'stable-hash' }] : []),
      ],
      metrics: checks.map((c) => ({
        name: c.name,
        interval: argoDuration(policy.analysis.interval),
        // The first sample waits for one full window of traffic.
        initialDelay: argoDuration(policy.analysis.window),
        ...(opts.count !== undefined ? { count: opts.count } : {}),
        failureLimit: policy.analysis.failureLimit,
        inconclusiveLimit: inconclusiveLimit(policy),
        // An empty result (too few requests) is neither: the sample is inconclusive.
        successCondition: `len(result) > 0 && result[0] <= ${c.threshold(policy.analysis.thresholds)}`,
        failureCondition: `len(result) > 0 && result[0] > ${c.threshold(policy.analysis.thresholds)}`,
        provider: {
          prometheus: { address: prometheusUrl, query: c.query(ARGS.canary, ARGS.stable, policy) },
        },
      })),
    },
  };
}

function smokeTemplate(): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'voyage-preview-smoke', labels: { [APP_LABEL]: 'voyage' } },
    spec: {
      args: [{ name: 'url' }],
      metrics: [
        {
          name: 'smoke',
          failureLimit: 0,
          provider: {
            job: {
              spec: {
                backoffLimit: 0,
                activeDeadlineSeconds: 300,
                template: {
                  metadata: { labels: labels('smoke') },
                  spec: {
                    restartPolicy: 'Never',
                    automountServiceAccountToken: false,
                    securityContext: {
                      runAsNonRoot: true,
                      runAsUser: 10001,
                      runAsGroup: 10001,
                      seccompProfile: { type: 'RuntimeDefault' },
                    },
                    containers: [
                      {
                        name: 'smoke',
                        image: `${VOYAGE_IMAGE}:${VERSION}`,
                        args: ['smoke', '{{args.url}}', '--json'],
                        resources: {
                          requests: { cpu: '50m', memory: '128Mi' },
                          limits: { cpu: '500m', memory: '256Mi' },
                        },
                        securityContext: {
                          allowPrivilegeEscalation: false,
                          readOnlyRootFilesystem: true,
                          capabilities: { drop: ['ALL'] },
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

function previewService(role: RolloutRole): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `voyage-${role}-preview`, labels: labels(role) },
    spec: {
      selector: labels(role),
      ports: [{ name: 'http', port: CONTAINER_PORT, targetPort: 'http' }],
    },
  };
}

/** The pre-promotion smoke Job may reach Voyage's pods and nothing else. */
function smokeEgress(): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'smoke-to-services' },
    spec: {
      podSelector: { matchLabels: labels('smoke') },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { [APP_LABEL]: 'voyage' } } }],
          ports: [{ protocol: 'TCP', port: CONTAINER_PORT }],
        },
      ],
    },
  };
}

function canarySteps(policy: ReleasePolicy): Obj[] {
  return policy.canary.steps.flatMap((s) => [
    { setWeight: s.weight },
    ...(s.pause !== undefined ? [{ pause: { duration: argoDuration(s.pause) } }] : []),
  ]);
}

function rollout(role: RolloutRole, policy: ReleasePolicy): Obj {
  const strategy =
    policy.strategy === 'canary'
      ? {
          canary: {
            maxSurge: '25%',
            maxUnavailable: 0,
            analysis: { templates: [{ templateName: 'voyage-canary' }], args: analysisArgs(role, true) },
            steps: canarySteps(policy),
          },
        }
      : {
          blueGreen: {
            activeService: `voyage-${role}`,
            previewService: `voyage-${role}-preview`,
            autoPromotionEnabled: true,
            ...(policy.blueGreen.previewSmoke
              ? {
                  prePromotionAnalysis: {
                    templates: [{ templateName: 'voyage-preview-smoke' }],
                    args: [{ name: 'url', value: `http://voyage-${role}-preview:${CONTAINER_PORT}` }],
                  },
                }
              : {}),
            postPromotionAnalysis: {
              templates: [{ templateName: 'voyage-post-promotion' }],
              args: analysisArgs(role, false),
            },
            scaleDownDelaySeconds: Math.ceil(policy.blueGreen.holdOldSlot / 1000),
          },
        };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: `voyage-${role}`, labels: labels(role) },
    spec: {
      // No replicas: the HorizontalPodAutoscaler in deploy/k8s/base owns the count.
      selector: { matchLabels: labels(role) },
      workloadRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: `voyage-${role}`,
        scaleDown: 'progressively',
      },
      revisionHistoryLimit: 3,
      // A new version must be ready within the policy's readiness timeout, or the release aborts.
      progressDeadlineSeconds: Math.ceil(policy.readiness.timeout / 1000),
      progressDeadlineAbort: true,
      strategy,
    },
  };
}

/** Every object the policy compiles to, grouped by output file. */
export function renderRolloutObjects(policy: ReleasePolicy, opts: RenderOptions = {}): Record<string, Obj[]> {
  const url = opts.prometheusUrl ?? DEFAULT_PROMETHEUS_URL;
  const files: Record<string, Obj[]> = {};
  if (policy.strategy === 'canary') {
    files['analysis-templates.yaml'] = [
      metricTemplate('voyage-canary', policy, { comparesWithStable: true }, url),
    ];
  } else {
    const { window, interval } = policy.analysis;
    const post = policy.blueGreen.postPromotionAnalysis;
    const delay = Math.min(window, post);
    const count = Math.max(1, Math.floor((post - delay) / interval) + 1);
    files['analysis-templates.yaml'] = [
      metricTemplate('voyage-post-promotion', policy, { comparesWithStable: false, count }, url),
      ...(policy.blueGreen.previewSmoke ? [smokeTemplate()] : []),
    ];
    files['preview.yaml'] = [
      ...ROLLOUT_ROLES.map(previewService),
      ...(policy.blueGreen.previewSmoke ? [smokeEgress()] : []),
    ];
  }
  for (const role of ROLLOUT_ROLES) files[`rollout-${role}.yaml`] = [rollout(role, policy)];
  return files;
}

const HEADER =
  '# Generated by `voyage release render-k8s` from deploy/release-policy.yaml. Do not edit:\n' +
  '# change the policy and render again (a test fails when this file and the policy disagree).\n';

/** File name → YAML text, including the kustomization that lists them. */
export function renderRolloutFiles(policy: ReleasePolicy, opts: RenderOptions = {}): Record<string, string> {
  const objects = renderRolloutObjects(policy, opts);
  const out: Record<string, string> = {};
  for (const [file, docs] of Object.entries(objects)) {
    out[file] = HEADER + docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
  }
  out['kustomization.yaml'] =
    HEADER +
    YAML.stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: Object.keys(objects).sort(),
    });
  return out;
}
