import type { Command } from 'commander';
import { SINGLE_HOST_SUBCOMMANDS } from './release-host.js';
import { addJudgeCommand } from './release-judge.js';
import { addRenderK8sCommand } from './release-k8s.js';
import type { CommandModule } from './types.js';

/** Subcommands of `voyage release`, each adding itself to the group. */
const RELEASE_SUBCOMMANDS: ((release: Command) => void)[] = [
  ...SINGLE_HOST_SUBCOMMANDS,
  addJudgeCommand,
  addRenderK8sCommand,
];

export const releaseCommand: CommandModule = {
  summary: 'Releases: deploy, status, rollback, and rendering for Kubernetes',
  register(program: Command) {
    const release = program.command('release').description('Releases driven by deploy/release-policy.yaml');
    for (const add of RELEASE_SUBCOMMANDS) add(release);
  },
};
