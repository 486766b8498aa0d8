import { VERSION } from '../../version.js';
import { promDuration } from '../analysis/promql.js';
import type { PromSelector } from '../analysis/sources.js';
import type { ReleasePolicy } from '../policy.js';
import { APP_LABEL, labels, type Obj, VOYAGE_IMAGE } from './objects.js';

/**
 * The AnalysisTemplates the release policy compiles to: the judge (canary against stable, or the
 * new version alone after a blue-green switch) and the preview smoke test, each a Job running
 * one `voyage` command in this build's image, and the judge's way out to Prometheus.
 */

/** Argo's placeholders for one side of the comparison, filled per AnalysisRun from its args. */
const selector = (hash: string): PromSelector =>
  `namespace="{{args.namespace}}",role="{{args.role}}",rollouts_pod_template_hash="{{args.${hash}}}"`;

/** A Job that runs one `voyage` command in this build's image: it passes when the command exits 0. */
function voyageJob(component: string, args: string[], deadlineSeconds: number): Obj {
  return {
    job: {
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: deadlineSeconds,
        template: {
          metadata: { labels: labels(component) },
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
                name: component,
                image: `${VOYAGE_IMAGE}:${VERSION}`,
                args,
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
  };
}

/**
 * The judge on Argo Rollouts: each measurement is a Job running `voyage release judge` against
 * Prometheus, which applies the policy's metric list exactly as the single-host controller does
 * and exits non-zero on a failed judgement. A window without enough data keeps the Job waiting
 * (never passing) until data arrives or its deadline fails the measurement.
 */
export function judgeTemplate(
  name: string,
  policy: ReleasePolicy,
  opts: { withBaseline: boolean; count?: number },
  prometheusUrl: string,
): Obj {
  const { window, interval, failureLimit } = policy.analysis;
  const waitMs = Math.max(window, interval) * 3;
  const args = [
    'release',
    'judge',
    '--prometheus',
    prometheusUrl,
    '--canary',
    selector('canary-hash'),
    ...(opts.withBaseline ? ['--baseline', selector('stable-hash')] : []),
    '--wait',
    promDuration(waitMs),
    '--json',
  ];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, labels: { [APP_LABEL]: 'voyage' } },
    spec: {
      args: [
        { name: 'namespace' },
        { name: 'role' },
        { name: 'canary-hash' },
        ...(opts.withBaseline ? [{ name: 'stable-hash' }] : []),
      ],
      metrics: [
        {
          name: 'judge',
          // One judgement per window; the first waits for one full window of traffic.
          interval: promDuration(Math.max(window, interval)),
          initialDelay: promDuration(window),
          ...(opts.count !== undefined ? { count: opts.count } : {}),
          failureLimit,
          provider: voyageJob('judge', args, Math.ceil(waitMs / 1000) + 60),
        },
      ],
    },
  };
}

export function smokeTemplate(): Obj {
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
          provider: voyageJob('smoke', ['smoke', '{{args.url}}', '--json'], 300),
        },
      ],
    },
  };
}

/** The judge Job may reach Prometheus in the monitoring namespace and nothing else. */
export function judgeEgress(prometheusUrl: string): Obj {
  const port = Number(new URL(prometheusUrl).port || 80);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'judge-to-prometheus' },
    spec: {
      podSelector: { matchLabels: labels('judge') },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port }],
        },
      ],
    },
  };
}
