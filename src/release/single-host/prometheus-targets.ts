import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { IN_ROTATION } from './haproxy.js';
import { type ReleaseState, SLOTS } from './state-file.js';

/**
 * Prometheus file-based service discovery (file_sd_configs): the running slots' replicas labelled
 * `slot` and `version`, and the release agent. Prometheus re-reads the files when they change.
 */
export function prometheusTargets(state: ReleaseState) {
  const slots = SLOTS.filter(
    (slot) => IN_ROTATION.has(state.slots[slot].status) && state.slots[slot].release,
  ).map((slot) => ({
    targets: state.slots[slot].ports.map((p) => `127.0.0.1:${p}`),
    labels: { slot, version: state.slots[slot].release!.version },
  }));
  const agent = [{ targets: [`127.0.0.1:${state.edge.agentPort}`], labels: {} }];
  return { slots, agent };
}

async function writeAtomically(file: string, text: string) {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export async function writePrometheusTargets(state: ReleaseState, paths: { prometheusDir: string }) {
  await mkdir(paths.prometheusDir, { recursive: true });
  const { slots, agent } = prometheusTargets(state);
  await writeAtomically(path.join(paths.prometheusDir, 'slots.json'), `${JSON.stringify(slots, null, 2)}\n`);
  await writeAtomically(path.join(paths.prometheusDir, 'agent.json'), `${JSON.stringify(agent, null, 2)}\n`);
}
