import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { freePort, ROOT } from './processes.js';

/** Helpers for the monitoring system tests: Debian's Prometheus, Alertmanager and HAProxy. */

const run = promisify(execFile);

/** Runs a tool to completion; never throws on a non-zero exit. */
export async function tool(cmd: string, args: string[], cwd?: string) {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export interface Daemon {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts a long-running process, collecting its output for failure messages. */
export function daemon(cmd: string, args: string[]): Daemon {
  let out = '';
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Polls until `check` returns a value, or fails with `describe()`'s explanation. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  describe: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(
    `not reached within ${timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ''}\n${describe()}`,
  );
}

export interface Delivery {
  path: string;
  body: {
    receiver: string;
    status: string;
    groupLabels: Record<string, string>;
    alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
  };
}

/** A webhook receiver standing in for the paging service and the chat bridge. */
export async function webhookReceiver(): Promise<{
  url: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** HAProxy in front of one Voyage (server `blue`), with its Prometheus exporter on a stats port. */
export async function startHaproxyEdge(
  dir: string,
  backendPort: number,
): Promise<Daemon & { url: string; statsPort: number }> {
  const [edgePort, statsPort] = [await freePort(), await freePort()];
  const file = path.join(dir, 'haproxy.cfg');
  await writeFile(
    file,
    [
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      'frontend public',
      `  bind 127.0.0.1:${edgePort}`,
      '  default_backend voyage',
      'backend voyage',
      `  server blue 127.0.0.1:${backendPort} weight 100`,
      'frontend stats',
      `  bind 127.0.0.1:${statsPort}`,
      '  http-request use-service prometheus-exporter if { path /metrics }',
      '',
    ].join('\n'),
  );
  return { ...daemon('haproxy', ['-f', file, '-db']), url: `http://127.0.0.1:${edgePort}`, statsPort };
}

/** prometheus-node-exporter with only the collectors the host alerts and panels read. */
export async function startNodeExporter(): Promise<Daemon & { port: number }> {
  const port = await freePort();
  const d = daemon('prometheus-node-exporter', [
    `--web.listen-address=127.0.0.1:${port}`,
    '--collector.disable-defaults',
    '--collector.filesystem',
    '--collector.meminfo',
    '--collector.cpu',
  ]);
  return { ...d, port };
}

export interface ScrapeTarget {
  /** A file name under targets/, which picks the job (see deploy/prometheus/targets/README.md). */
  file: string;
  address: string;
  labels?: Record<string, string>;
}

/**
 * Prometheus with the repository's config and rules, scraping and evaluating every second instead
 * of every 15 s, with target files written as a deployment writes them. Alert delivery is left out.
 */
export async function startPrometheus(
  dir: string,
  targets: ScrapeTarget[],
): Promise<Daemon & { url: string }> {
  await mkdir(path.join(dir, 'targets'), { recursive: true });
  await cp(path.join(ROOT, 'deploy/prometheus/rules'), path.join(dir, 'rules'), { recursive: true });
  const config = YAML.parse(await readFile(path.join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8'));
  config.global = {
    ...config.global,
    scrape_interval: '1s',
    scrape_timeout: '1s',
    evaluation_interval: '1s',
  };
  delete config.alerting;
  await writeFile(path.join(dir, 'prometheus.yml'), YAML.stringify(config));
  for (const t of targets) {
    await writeFile(
      path.join(dir, 'targets', t.file),
      JSON.stringify([{ targets: [t.address], labels: t.labels ?? {} }]),
    );
  }
  const port = await freePort();
  const d = daemon('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  return { ...d, url: `http://127.0.0.1:${port}` };
}
