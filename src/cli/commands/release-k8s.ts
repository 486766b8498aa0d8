import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_PROMETHEUS_URL, renderRolloutFiles } from '../../release/kubernetes/render-k8s.js';
import { DEFAULT_POLICY_FILE, loadReleasePolicy } from '../../release/policy.js';
import { PROJECT_ROOT } from '../../version.js';
import { createOutput } from '../output.js';

export const DEFAULT_ROLLOUTS_DIR = path.join(PROJECT_ROOT, 'deploy/k8s/rollouts');

export interface RenderResult {
  outDir: string;
  files: string[];
  /** Files whose content on disk differs from the policy's rendering (or that are missing). */
  changed: string[];
  /** YAML files in the folder that the policy no longer produces. */
  stale: string[];
}

/** Renders the policy into `outDir`; with `check`, only compares and writes nothing. */
export async function renderK8s(opts: {
  policyFile?: string;
  outDir?: string;
  prometheusUrl?: string;
  check?: boolean;
}): Promise<RenderResult> {
  const outDir = opts.outDir ?? DEFAULT_ROLLOUTS_DIR;
  const policy = await loadReleasePolicy(opts.policyFile ?? DEFAULT_POLICY_FILE);
  const rendered = renderRolloutFiles(
    policy,
    opts.prometheusUrl ? { prometheusUrl: opts.prometheusUrl } : {},
  );
  const existing = await readdir(outDir).catch(() => [] as string[]);
  const changed: string[] = [];
  for (const [file, text] of Object.entries(rendered)) {
    const current = await readFile(path.join(outDir, file), 'utf8').catch(() => undefined);
    if (current !== text) changed.push(file);
  }
  const stale = existing.filter((f) => f.endsWith('.yaml') && !(f in rendered));
  if (!opts.check) {
    await mkdir(outDir, { recursive: true });
    for (const file of changed) await writeFile(path.join(outDir, file), rendered[file]!);
    for (const file of stale) await rm(path.join(outDir, file));
  }
  return { outDir, files: Object.keys(rendered).sort(), changed, stale };
}

/** `voyage release render-k8s`: the release policy as Argo Rollouts manifests. */
export function addRenderK8sCommand(release: Command) {
  release
    .command('render-k8s')
    .description(
      'Compile the release policy into Argo Rollouts Rollouts and AnalysisTemplates (deploy/k8s/rollouts)',
    )
    .option('--policy <file>', 'release policy', DEFAULT_POLICY_FILE)
    .option('--out <dir>', 'output folder', DEFAULT_ROLLOUTS_DIR)
    .option('--prometheus-url <url>', 'Prometheus the analysis queries', DEFAULT_PROMETHEUS_URL)
    .option('--check', 'write nothing; exit 1 when the folder differs from the policy')
    .option('--json', 'machine-readable output')
    .action(
      async (o: { policy: string; out: string; prometheusUrl: string; check?: boolean; json?: boolean }) => {
        const out = createOutput(!!o.json);
        out.progress(`Rendering ${path.relative(process.cwd(), o.policy) || o.policy}…`);
        const result = await renderK8s({
          policyFile: o.policy,
          outDir: o.out,
          prometheusUrl: o.prometheusUrl,
          check: !!o.check,
        });
        const differs = [...result.changed, ...result.stale.map((f) => `${f} (stale)`)];
        const human = o.check
          ? differs.length
            ? `Out of date in ${result.outDir}: ${differs.join(', ')}. Run \`voyage release render-k8s\`.`
            : `${result.outDir} matches the policy.`
          : differs.length
            ? `Wrote ${differs.join(', ')} in ${result.outDir}.`
            : `${result.outDir} already matches the policy.`;
        out.result(human, { ...result, upToDate: differs.length === 0 });
        if (o.check && differs.length) process.exitCode = 1;
      },
    );
}
