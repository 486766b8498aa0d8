import YAML from 'yaml';
import { promDuration } from '../analysis/promql.js';
import type { ReleasePolicy } from '../policy.js';
import { judgeEgress, judgeTemplate, smokeTemplate } from './analysis-templates.js';
import {
  APP_LABEL,
  CONTAINER_PORT,
  DEFAULT_PROMETHEUS_URL,
  labels,
  type Obj,
  ROLE_LABEL,
  VOYAGE_IMAGE,
} from './objects.js';

export { APP_LABEL, CONTAINER_PORT, DEFAULT_PROMETHEUS_URL, ROLE_LABEL, VOYAGE_IMAGE };

/**
 * Compiles the release policy into Argo Rollouts objects. Each Rollout takes its pod template from
 * the role's Deployment in deploy/k8s/base (workloadRef), so pod specs are written once, by hand,
 * and only the release strategy is generated.
 */

/** Roles that take traffic and are released progressively; the worker rolls like a Deployment. */
export const ROLLOUT_ROLES = ['gateway', 'api'] as const;
export type RolloutRole = (typeof ROLLOUT_ROLES)[number];

export interface RenderOptions {
  prometheusUrl?: string;
}

const argoDuration = (ms: number) => promDuration(ms);

function analysisArgs(role: RolloutRole, withStable: boolean): Obj[] {
  return [
    { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'role', value: role },
    { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    ...(withStable ? [{ name: 'stable-hash', valueFrom: { podTemplateHashValue: 'Stable' } }] : []),
  ];
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
      judgeTemplate('voyage-canary', policy, { withBaseline: true }, url),
      judgeEgress(url),
    ];
  } else {
    const { window, interval } = policy.analysis;
    const post = policy.blueGreen.postPromotionAnalysis;
    const count = Math.max(1, Math.floor(post / Math.max(window, interval)));
    files['analysis-templates.yaml'] = [
      judgeTemplate('voyage-post-promotion', policy, { withBaseline: false, count }, url),
      judgeEgress(url),
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
