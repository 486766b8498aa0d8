import type { K8sObject } from './deploy.js';

/** Walks rendered manifests the way the cluster would: pod templates, running pods, selectors. */

export interface PodTemplate {
  owner: string;
  // biome-ignore lint/suspicious/noExplicitAny: a PodTemplateSpec, checked field by field
  template: any;
}

/** Every pod template: Deployments, Jobs, and the Jobs of AnalysisTemplates. */
export function podTemplates(objs: K8sObject[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const o of objs) {
    const owner = `${o.kind}/${o.metadata.name}`;
    if ((o.kind === 'Deployment' || o.kind === 'Job') && o.spec?.template)
      out.push({ owner, template: o.spec.template });
    if (o.kind === 'Rollout' && o.spec?.template) out.push({ owner, template: o.spec.template });
    if (o.kind === 'AnalysisTemplate')
      for (const m of o.spec.metrics)
        if (m.provider.job) out.push({ owner: `${owner}/${m.name}`, template: m.provider.job.spec.template });
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: a Container, checked field by field
export function containersOf(t: PodTemplate): any[] {
  return [...(t.template.spec.initContainers ?? []), ...t.template.spec.containers];
}

export interface RunningPods {
  owner: string;
  labels: Record<string, string>;
  template: PodTemplate;
  containerPortNames: (string | number)[];
}

/** Controllers that keep pods running: Deployments with replicas, and Rollouts (inline or workloadRef). */
export function runningPods(objs: K8sObject[]): RunningPods[] {
  const out: RunningPods[] = [];
  const add = (owner: string, template: PodTemplate['template']) =>
    out.push({
      owner,
      labels: template.metadata.labels,
      template: { owner, template },
      containerPortNames: template.spec.containers.flatMap(
        (c: { ports?: { name?: string; containerPort: number }[] }) =>
          (c.ports ?? []).flatMap((p) => [p.name ?? p.containerPort, p.containerPort]),
      ),
    });
  for (const o of objs) {
    if (o.kind === 'Deployment' && o.spec.replicas !== 0)
      add(`Deployment/${o.metadata.name}`, o.spec.template);
    if (o.kind === 'Rollout') {
      const ref = o.spec.workloadRef;
      const template = ref
        ? objs.find((d) => d.kind === ref.kind && d.metadata.name === ref.name)?.spec.template
        : o.spec.template;
      if (template) add(`Rollout/${o.metadata.name}`, template);
    }
  }
  return out;
}

export function labelsMatch(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export function cpuMillis(q: string | number): number {
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) : Number(s) * 1000;
}

const MEMORY_UNITS: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

export function memoryMiB(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(String(q));
  if (!m) throw new Error(`unsupported memory quantity ${q}`);
  return Number(m[1]) * (m[2] ? MEMORY_UNITS[m[2]]! : 1 / (1024 * 1024));
}
