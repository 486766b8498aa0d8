import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../version.js';
import { writeHaproxyConfig } from './haproxy.js';
import {
  type ProcessManager,
  type ProgramStatus,
  programName,
  replicaEnvFile,
  writeReplicaEnvFiles,
} from './process-manager.js';
import type { ReleaseState, SlotName, SlotState, StatePaths } from './state-file.js';

const run = promisify(execFile);

/**
 * Debian's supervisor (supervisord + supervisorctl) as the process manager where there is no
 * systemd: it restarts a crashed replica (with backoff while one keeps failing to start) and keeps
 * each program's log under the state directory.
 */
export interface SupervisorOptions {
  paths: StatePaths;
  /** PATH for the supervisor and what it runs. */
  searchPath: string;
  haproxyBin?: string;
  supervisordBin?: string;
  supervisorctlBin?: string;
  /** How long a stopping replica may take before SIGKILL (its drain delay plus shutdown timeout). */
  stopWaitSeconds?: number;
}

// supervisor expands %(name)s in values; a literal % must be doubled.
const esc = (v: string) => v.replaceAll('%', '%%');

/** An executable on the search path or in the sbin directories (not on a user's PATH on Debian). */
export function findExecutable(name: string, searchPath: string): string {
  const dirs = [...searchPath.split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return name;
}

export function createSupervisor(opts: SupervisorOptions): ProcessManager {
  const { paths } = opts;
  const dir = paths.supervisorDir;
  const conf = path.join(dir, 'supervisord.conf');
  const socket = path.join(dir, 'supervisor.sock');
  const programsDir = path.join(dir, 'programs');
  const stopWait = opts.stopWaitSeconds ?? 60;

  async function ctl(...args: string[]): Promise<{ code: number; out: string }> {
    try {
      const { stdout, stderr } = await run(
        opts.supervisorctlBin ?? findExecutable('supervisorctl', opts.searchPath),
        ['-c', conf, ...args],
        {
          timeout: (stopWait + 30) * 1000,
        },
      );
      return { code: 0, out: `${stdout}${stderr}` };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
      return {
        code: typeof e.code === 'number' ? e.code : 1,
        out: `${e.stdout ?? ''}${e.stderr ?? e.message}`,
      };
    }
  }

  async function running(): Promise<boolean> {
    return (await ctl('pid')).out.trim().match(/^\d+$/) !== null;
  }

  function program(name: string, command: string, extra: string[] = []) {
    return [
      `[program:${name}]`,
      `command=${esc(command)}`,
      'autostart=true',
      'autorestart=true',
      'startsecs=2',
      'startretries=5',
      'redirect_stderr=true',
      `stdout_logfile=${esc(path.join(paths.logsDir, `${name}.log`))}`,
      'stdout_logfile_maxbytes=20MB',
      'stdout_logfile_backups=2',
      ...extra,
      '',
    ].join('\n');
  }

  async function writeMainConfig() {
    const voyage = path.join(PROJECT_ROOT, 'bin/voyage.js');
    const text = [
      '; Rendered by `voyage release`; the slots are in programs/*.conf.',
      '[unix_http_server]',
      `file=${esc(socket)}`,
      'chmod=0700',
      '',
      '[supervisord]',
      `logfile=${esc(path.join(paths.logsDir, 'supervisord.log'))}`,
      `pidfile=${esc(path.join(dir, 'supervisord.pid'))}`,
      `childlogdir=${esc(paths.logsDir)}`,
      `directory=${esc(paths.dir)}`,
      '',
      '[rpcinterface:supervisor]',
      'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      '',
      '[supervisorctl]',
      `serverurl=unix://${esc(socket)}`,
      '',
      // SIGUSR1 is HAProxy's soft stop: it finishes open connections before exiting.
      program(
        'haproxy',
        `${opts.haproxyBin ?? findExecutable('haproxy', opts.searchPath)} -db -f ${paths.haproxyConfig}`,
        ['stopsignal=USR1', 'stopwaitsecs=30'],
      ),
      program('release-agent', `${process.execPath} ${voyage} release agent --state-dir ${paths.dir}`, [
        'stopsignal=TERM',
        'stopwaitsecs=10',
      ]),
      '[include]',
      `files=${esc(path.join(programsDir, '*.conf'))}`,
      '',
    ].join('\n');
    await writeFile(conf, text, { mode: 0o600 });
  }

  async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await sleep(200);
    }
    throw new Error(`${what} did not come up within ${timeoutMs} ms; see ${paths.logsDir}`);
  }

  async function programRunning(name: string) {
    return /\bRUNNING\b/.test((await ctl('status', name)).out);
  }

  return {
    kind: 'supervisor',

    async ensureEdge(state: ReleaseState) {
      await mkdir(programsDir, { recursive: true, mode: 0o700 });
      await mkdir(paths.logsDir, { recursive: true });
      await mkdir(path.dirname(paths.haproxyConfig), { recursive: true, mode: 0o700 });
      await writeHaproxyConfig(state, paths);
      if (!(await running())) {
        await writeMainConfig();
        // A clean environment: the operator's shell (DATABASE_URL, secrets …) must not leak into
        // every program; each slot reads its own env file.
        const child = spawn(
          opts.supervisordBin ?? findExecutable('supervisord', opts.searchPath),
          ['-c', conf],
          {
            env: { PATH: opts.searchPath, LANG: 'C.UTF-8' },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let err = '';
        child.stderr.on('data', (d) => {
          err += d;
        });
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        if (code !== 0) throw new Error(`supervisord failed to start (exit ${code}): ${err.trim()}`);
        await waitFor('supervisord', running);
      }
      for (const name of ['haproxy', 'release-agent']) {
        if (!(await programRunning(name))) await ctl('start', name);
        await waitFor(name, () => programRunning(name));
      }
    },

    async startSlot(slot: SlotName, s: SlotState, replicas: number) {
      await writeReplicaEnvFiles(paths, slot, s, replicas);
      const release = s.release!;
      const names = Array.from({ length: replicas }, (_, i) => programName(slot, i));
      const text = [
        `; slot ${slot}: ${release.version} from ${release.dir}`,
        `[group:voyage-${slot}]`,
        `programs=${names.join(',')}`,
        '',
        ...names.map((name, i) =>
          program(
            name,
            `${process.execPath} --env-file=${replicaEnvFile(paths, slot, i)} ${path.join(release.dir, 'bin/voyage.js')} serve`,
            [
              `directory=${esc(release.dir)}`,
              'stopsignal=TERM',
              `stopwaitsecs=${stopWait}`,
              'stopasgroup=true',
              'killasgroup=true',
              // A new start id changes the config, so `update` restarts the group with it.
              `environment=VOYAGE_START_ID="${s.startId}"`,
            ],
          ),
        ),
      ].join('\n');
      await writeFile(path.join(programsDir, `voyage-${slot}.conf`), text, { mode: 0o600 });
      await ctl('reread');
      const res = await ctl('update', `voyage-${slot}`);
      if (res.code !== 0 && !/added|updated/.test(res.out))
        throw new Error(`supervisorctl update voyage-${slot} failed: ${res.out.trim()}`);
    },

    async stopSlot(slot: SlotName) {
      await rm(path.join(programsDir, `voyage-${slot}.conf`), { force: true });
      await ctl('reread');
      // `update` stops (SIGTERM, then SIGKILL after stopwaitsecs) and removes the group.
      await ctl('update', `voyage-${slot}`);
    },

    async status(): Promise<ProgramStatus[]> {
      const { out } = await ctl('status');
      return out
        .split('\n')
        .map((line) => /^(\S+)\s+(\S+)(?:\s+pid (\d+))?/.exec(line.trim()))
        .filter((m): m is RegExpExecArray => m !== null && !m[1]!.startsWith('unix:'))
        .map((m) => ({ name: m[1]!.replace(/^[^:]+:/, ''), state: m[2]!, pid: m[3] ? Number(m[3]) : null }));
    },

    async shutdown() {
      if (await running()) await ctl('shutdown');
      await waitFor('supervisord shutdown', async () => !(await running()), 90_000);
    },
  };
}
