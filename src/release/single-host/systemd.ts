import { execFile } from 'node:child_process';
import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeHaproxyConfig } from './haproxy.js';
import { type ProcessManager, type ProgramStatus, writeReplicaEnvFiles } from './process-manager.js';

import type { ReleaseState, SlotName, SlotState, StatePaths } from './state-file.js';

const run = promisify(execFile);

/**
 * systemd as the process manager on real hosts, with the units of systemd-units.ts: one templated
 * unit per replica (`voyage-slot@blue-1`), started and stopped with systemctl.
 */
export function createSystemd(paths: StatePaths): ProcessManager {
  const unit = (slot: SlotName, i: number) => `voyage-slot@${slot}-${i + 1}.service`;
  const units = (slot: SlotName, replicas: number) =>
    Array.from({ length: replicas }, (_, i) => unit(slot, i));
  const systemctl = (...args: string[]) => run('systemctl', args, { timeout: 120_000 });

  return {
    kind: 'systemd',

    async ensureEdge(state: ReleaseState) {
      await mkdir(path.dirname(paths.haproxyConfig), { recursive: true, mode: 0o700 });
      await writeHaproxyConfig(state, paths);
      await systemctl('start', 'voyage-haproxy.service', 'voyage-release-agent.service');
    },

    async startSlot(slot: SlotName, s: SlotState, replicas: number) {
      await writeReplicaEnvFiles(paths, slot, s, replicas);
      for (let i = 0; i < replicas; i++) {
        const link = path.join(paths.slotsDir, `${slot}-${i + 1}.release`);
        await rm(link, { force: true });
        await symlink(s.release!.dir, link);
      }
      await systemctl('restart', ...units(slot, replicas));
    },

    async stopSlot(slot: SlotName, replicas: number) {
      await systemctl('stop', ...units(slot, replicas));
    },

    async status(): Promise<ProgramStatus[]> {
      const { stdout } = await run('systemctl', [
        'show',
        '--property=Id,ActiveState,MainPID',
        'voyage-haproxy.service',
        'voyage-release-agent.service',
        'voyage-slot@*.service',
      ]);
      return stdout
        .split('\n\n')
        .map((block) => Object.fromEntries(block.split('\n').map((l) => l.split('=', 2) as [string, string])))
        .filter((p) => p.Id)
        .map((p) => ({
          name: String(p.Id).replace(/\.service$/, ''),
          state: String(p.ActiveState),
          pid: Number(p.MainPID) || null,
        }));
    },

    async shutdown() {
      await systemctl(
        'stop',
        'voyage-slot@*.service',
        'voyage-release-agent.service',
        'voyage-haproxy.service',
      );
    },
  };
}
