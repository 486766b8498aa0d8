import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { readConfig } from '../../config/index.js';
import { DEFAULT_UNIT_OPTIONS, renderSystemdUnits } from '../../release/single-host/systemd-units.js';
import { createOutput, type Output, table } from '../output.js';
import { wholeNumber } from './types.js';

/**
 * The single-host release controller's subcommands of `voyage release`: deploy, status, history,
 * promote, abort, rollback, down, and the supervised agent; render-systemd writes the units.
 * Implementations are imported when a subcommand runs, so that each loads only what it needs.
 */
interface Common {
  stateDir?: string;
  policy?: string;
  json?: boolean;
}

function common(cmd: Command): Command {
  return cmd
    .option('--state-dir <dir>', 'release state directory (default: RELEASE_STATE_DIR or DATA_DIR/release)')
    .option('--policy <file>', 'release policy (default: RELEASE_POLICY_FILE or deploy/release-policy.yaml)')
    .option('--json', 'machine-readable output');
}

async function open(o: Common, out: Output) {
  const { config } = readConfig();
  const { openRelease } = await import('../../release/single-host/release-env.js');
  return openRelease({
    config,
    stateDir: o.stateDir,
    policyFile: o.policy,
    progress: (m) => out.progress(m),
  });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function addDeploy(release: Command) {
  common(release.command('deploy'))
    .description(
      'Deploy a built release directory: hooks, migrate, start the idle slot, smoke, then canary or blue-green with analysis',
    )
    .argument('<dir>', 'a built checkout of Voyage (bin/voyage.js, dist/, node_modules/)')
    .option('--env-file <file>', "the release's environment (KEY=value lines); repeatable", collect)
    .option('--env <KEY=value>', 'one more variable for the release; repeatable', collect)
    .option('--strategy <name>', 'canary | blueGreen (default: the policy’s)')
    .option(
      '--edge-port <port>',
      'public port, on the first deploy (default: RELEASE_EDGE_PORT)',
      wholeNumber('--edge-port'),
    )
    .option(
      '--agent-port <port>',
      'release agent metrics port, on the first deploy (default: a free one)',
      wholeNumber('--agent-port'),
    )
    .action(
      async (
        dir: string,
        o: Common & {
          envFile?: string[];
          env?: string[];
          strategy?: string;
          edgePort?: number;
          agentPort?: number;
        },
      ) => {
        const out = createOutput(!!o.json);
        if (o.strategy && o.strategy !== 'canary' && o.strategy !== 'blueGreen')
          throw new Error('--strategy must be canary or blueGreen');
        const { parseEnvText } = await import('../../release/single-host/release-dir.js');
        const { deploy } = await import('../../release/single-host/deploy.js');
        const { summary } = await import('../../release/single-host/status.js');
        const env: Record<string, string> = {};
        for (const file of o.envFile ?? [])
          Object.assign(env, parseEnvText(await readFile(file, 'utf8'), file));
        Object.assign(env, parseEnvText((o.env ?? []).join('\n'), '--env'));
        const r = await open(o, out);
        const record = await deploy(r, {
          dir: path.resolve(dir),
          env,
          ...(o.strategy ? { strategy: o.strategy as 'canary' } : {}),
          ...(o.edgePort ? { edgePort: o.edgePort } : {}),
          ...(o.agentPort ? { agentPort: o.agentPort } : {}),
        });
        out.result(summary(record), record);
        if (record.outcome !== 'promoted') process.exitCode = 1;
      },
    );
}

function addStatus(release: Command) {
  common(release.command('status'))
    .description('Weights, slots, processes, the deploy in progress with its last analysis, the hold')
    .action(async (o: Common) => {
      const out = createOutput(!!o.json);
      const { formatStatus, releaseStatus } = await import('../../release/single-host/status.js');
      const st = await releaseStatus(await open(o, out));
      out.result(formatStatus(st), st);
    });
}

function addHistory(release: Command) {
  common(release.command('history'))
    .description('Past deploys and rollbacks, newest first')
    .option('--limit <n>', 'how many', wholeNumber('--limit'), 20)
    .action(async (o: Common & { limit: number }) => {
      const out = createOutput(!!o.json);
      const r = await open(o, out);
      const { requireState } = await import('../../release/single-host/state-file.js');
      const records = (await requireState(r.stateDir)).history.slice(-o.limit).reverse();
      const rows = [
        ['ID', 'KIND', 'VERSION', 'STRATEGY', 'OUTCOME', 'STARTED', 'SECONDS', 'REASON'],
        ...records.map((h) => [
          h.id,
          h.kind,
          h.version,
          h.strategy,
          h.outcome,
          h.startedAt.replace('T', ' ').slice(0, 19),
          h.timings.totalMs !== undefined ? (h.timings.totalMs / 1000).toFixed(1) : '',
          (h.reason ?? '').slice(0, 80),
        ]),
      ];
      out.result(table(rows), records);
    });
}

function addPromote(release: Command) {
  common(release.command('promote'))
    .description('Skip the remaining canary steps (or switch a blue-green preview) now')
    .action(async (o: Common) => {
      const out = createOutput(!!o.json);
      const { requestPromote } = await import('../../release/single-host/operations.js');
      const version = await requestPromote(await open(o, out));
      out.result(`Asked the deploy of ${version} to promote`, { requested: 'promote', version });
    });
}

function addAbort(release: Command) {
  common(release.command('abort'))
    .description('Stop the deploy in progress: all traffic back to the live slot, the new slot stopped')
    .action(async (o: Common) => {
      const out = createOutput(!!o.json);
      const { abort } = await import('../../release/single-host/operations.js');
      const result = await abort(await open(o, out));
      out.result(`Aborted the deploy of ${result.version}`, { aborted: true, ...result });
    });
}

function addRollback(release: Command) {
  common(release.command('rollback'))
    .description('Back to the previous release: instant while its slot is held, otherwise restarted first')
    .action(async (o: Common) => {
      const out = createOutput(!!o.json);
      const { rollback } = await import('../../release/single-host/operations.js');
      const record = await rollback(await open(o, out));
      out.result(
        `Rolled back to ${record.version} (slot ${record.slot}); traffic switched in ${record.timings.switchMs} ms`,
        record,
      );
    });
}

function addDown(release: Command) {
  common(release.command('down'))
    .description('Stop every slot, HAProxy, the agent and the supervisor (the history is kept)')
    .action(async (o: Common) => {
      const out = createOutput(!!o.json);
      const { down } = await import('../../release/single-host/operations.js');
      await down(await open(o, out));
      out.result('Stopped', { stopped: true });
    });
}

function addAgent(release: Command) {
  common(release.command('agent'))
    .description(
      'Run the release agent (started by the supervisor): release metrics, and the end of the hold period',
    )
    .option('--host <host>', 'address for the metrics endpoint', '127.0.0.1')
    .action(async (o: Common & { host: string }) => {
      const { config } = readConfig();
      const { openRelease } = await import('../../release/single-host/release-env.js');
      const { runAgent } = await import('../../release/single-host/agent.js');
      const { createLogger } = await import('../../platform/observability/logger.js');
      const env = await openRelease({ config, stateDir: o.stateDir, policyFile: o.policy });
      await runAgent(env, createLogger(config.logLevel, { role: 'release-agent' }), o.host);
    });
}

function addRenderSystemd(release: Command) {
  release
    .command('render-systemd')
    .description('Write systemd units for the edge, the agent and the slot replicas (for hosts with systemd)')
    .option('--out <dir>', 'where to write them', 'deploy/systemd')
    .option('--state-dir <dir>', 'release state directory on the host', DEFAULT_UNIT_OPTIONS.stateDir)
    .option('--install-dir <dir>', 'where Voyage is installed on the host', DEFAULT_UNIT_OPTIONS.installDir)
    .option('--node <path>', 'node binary', DEFAULT_UNIT_OPTIONS.node)
    .option('--haproxy <path>', 'haproxy binary', DEFAULT_UNIT_OPTIONS.haproxy)
    .option('--user <name>', 'user the slots and agent run as', DEFAULT_UNIT_OPTIONS.user)
    .option('--check', 'exit 1 if the files in --out differ from what would be written')
    .action(
      async (o: {
        out: string;
        stateDir: string;
        installDir: string;
        node: string;
        haproxy: string;
        user: string;
        check?: boolean;
      }) => {
        const units = renderSystemdUnits({
          stateDir: o.stateDir,
          installDir: o.installDir,
          node: o.node,
          haproxy: o.haproxy,
          user: o.user,
        });
        const stale: string[] = [];
        if (!o.check) await mkdir(o.out, { recursive: true });
        for (const [name, text] of Object.entries(units)) {
          const file = path.join(o.out, name);
          if (o.check) {
            const current = await readFile(file, 'utf8').catch(() => null);
            if (current !== text) stale.push(file);
          } else await writeFile(file, text);
        }
        if (o.check && stale.length) {
          process.stderr.write(`out of date (run voyage release render-systemd): ${stale.join(', ')}\n`);
          process.exitCode = 1;
        } else
          process.stdout.write(
            `${Object.keys(units)
              .map((n) => path.join(o.out, n))
              .join('\n')}\n`,
          );
      },
    );
}

/** Registered in ./release.ts. */
export const SINGLE_HOST_SUBCOMMANDS = [
  addDeploy,
  addStatus,
  addHistory,
  addPromote,
  addAbort,
  addRollback,
  addDown,
  addAgent,
  addRenderSystemd,
];
