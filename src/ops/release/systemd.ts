import { execFile } from 'node:child_process';
import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeHaproxyConfig } from './haproxy.js';
import { type ProcessManager, type ProgramStatus, writeReplicaEnvFiles } from './process-manager.js';
import type { ReleaseState, SlotName, SlotState, StatePaths } from './state.js';

const run = promisify(execFile);

/**
 * systemd as the process manager on real hosts: the units in deploy/systemd/ (rendered by
 * `voyage release render-systemd`) run HAProxy, the release agent and one templated unit per
 * replica, `voyage-slot@blue-1`. Restart=on-failure with RestartSec and StartLimit* give the backoff.
 */
export interface UnitOptions {
  stateDir: string;
  /** Where Voyage (the controller and agent) is installed. */
  installDir: string;
  node: string;
  haproxy: string;
  user: string;
}

export const DEFAULT_UNIT_OPTIONS: UnitOptions = {
  stateDir: '/var/lib/voyage/release',
  installDir: '/opt/voyage/current',
  node: '/usr/bin/node',
  haproxy: '/usr/sbin/haproxy',
  user: 'voyage',
};

export function renderSystemdUnits(o: UnitOptions): Record<string, string> {
  const header = (what: string) =>
    `# ${what}\n# Rendered by \`voyage release render-systemd\`; the release controller starts and stops these.\n`;
  return {
    'voyage-slot@.service': `${header('One replica of a Voyage slot: voyage-slot@blue-1, voyage-slot@green-2, …')}
[Unit]
Description=Voyage slot replica %i
After=network-online.target
Wants=network-online.target
StartLimitIntervalSec=60
StartLimitBurst=5

[Service]
Type=simple
User=${o.user}
# The controller writes each replica's environment (release env, PORT, HOST, VOYAGE_SLOT) and
# points %i.release at the release directory before starting it.
EnvironmentFile=${o.stateDir}/slots/%i.env
WorkingDirectory=${o.stateDir}/slots/%i.release
ExecStart=${o.node} ${o.stateDir}/slots/%i.release/bin/voyage.js serve
KillSignal=SIGTERM
TimeoutStopSec=60
Restart=on-failure
RestartSec=2s
NoNewPrivileges=true
ProtectSystem=full
PrivateTmp=true

[Install]
WantedBy=multi-user.target
`,
    'voyage-haproxy.service': `${header('The Voyage edge: HAProxy with the blue and green slots')}
[Unit]
Description=Voyage edge (HAProxy)
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
ExecStartPre=${o.haproxy} -c -q -f ${o.stateDir}/haproxy/haproxy.cfg
ExecStart=${o.haproxy} -Ws -f ${o.stateDir}/haproxy/haproxy.cfg
# Releases never reload: they use the runtime API. A reload is only for an operator's own change.
ExecReload=/bin/kill -USR2 $MAINPID
KillMode=mixed
KillSignal=SIGUSR1
Restart=always
RestartSec=1s

[Install]
WantedBy=multi-user.target
`,
    'voyage-release-agent.service': `${header('Release metrics for Prometheus, and the timer that retires the old slot')}
[Unit]
Description=Voyage release agent
After=voyage-haproxy.service

[Service]
Type=simple
User=${o.user}
ExecStart=${o.node} ${o.installDir}/bin/voyage.js release agent --state-dir ${o.stateDir}
Restart=always
RestartSec=2s

[Install]
WantedBy=multi-user.target
`,
  };
}

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
