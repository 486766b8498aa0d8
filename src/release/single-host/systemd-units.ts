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
