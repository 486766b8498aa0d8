import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import YAML from 'yaml';
import { commands } from '../../src/cli/commands/index.js';
import { CONFIG_VARIABLES } from '../../src/config/index.js';
import { ROLES } from '../../src/server/roles.js';
import { PROJECT_ROOT } from '../../src/version.js';

/** Helpers for the tests that check deployment artifacts against the code they deploy. */

export const ROOT = PROJECT_ROOT;
const run = promisify(execFile);

export const KNOWN_VARIABLES = new Set(CONFIG_VARIABLES);
export const KNOWN_ROLES = new Set<string>(ROLES);

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field
  [key: string]: any;
};

export function parseYamlDocuments(text: string): K8sObject[] {
  return YAML.parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(d.errors.map((e) => e.message).join('\n'));
      return d.toJS() as K8sObject;
    })
    .filter(Boolean);
}

/** `kubectl kustomize DIR` (kustomize built into kubectl). */
export async function kustomize(dir: string): Promise<K8sObject[]> {
  if (!commandExists('kubectl'))
    throw new Error('kubectl is needed to render the kustomize overlays (it carries kustomize)');
  const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 32 * 1024 * 1024 });
  return parseYamlDocuments(stdout);
}

export function commandExists(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => existsSync(path.join(dir, cmd)));
}

export async function runTool(cmd: string, args: string[], cwd?: string) {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const registered = await Promise.all(Object.values(commands).map((load) => load()));

function program(): Command {
  const p = new Command('voyage');
  for (const c of registered) c.register(p);
  return p;
}

/**
 * Problems with a `voyage` argument list as a manifest would run it: unknown (sub)commands,
 * unknown options, an unknown --role, or too many positional arguments.
 */
export function voyageArgsProblems(args: string[]): string[] {
  const problems: string[] = [];
  let cmd = program();
  let i = 0;
  while (i < args.length) {
    const sub = cmd.commands.find((c) => c.name() === args[i]);
    if (!sub) break;
    cmd = sub;
    i++;
  }
  if (cmd.commands.length && cmd.name() !== 'voyage' && !cmd.registeredArguments.length) {
    // A group (`migrate`, `release`) needs a subcommand.
    problems.push(
      `"${args.join(' ')}": "${cmd.name()}" needs one of ${cmd.commands.map((c) => c.name()).join(', ')}`,
    );
    return problems;
  }
  if (cmd.name() === 'voyage') return [`"${args.join(' ')}": unknown command "${args[0]}"`];
  let positional = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const [flag, inline] = a.split('=', 2);
      const option = cmd.options.find((o) => o.long === flag);
      if (!option && flag !== '--help') {
        problems.push(`"${args.join(' ')}": ${cmd.name()} has no option ${flag}`);
        continue;
      }
      const value =
        option && (option.required || option.optional) && inline === undefined ? args[++i] : inline;
      if (flag === '--role' && (!value || !KNOWN_ROLES.has(value)))
        problems.push(`"${args.join(' ')}": unknown role ${value}; roles: ${[...KNOWN_ROLES].join(', ')}`);
    } else {
      positional++;
    }
  }
  if (positional > cmd.registeredArguments.length)
    problems.push(`"${args.join(' ')}": ${cmd.name()} takes ${cmd.registeredArguments.length} argument(s)`);
  const missing = cmd.registeredArguments.filter((a) => a.required).length - positional;
  if (missing > 0) problems.push(`"${args.join(' ')}": ${cmd.name()} misses ${missing} argument(s)`);
  return problems;
}

/** An image reference that names a version: not `latest`, not untagged. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.split('/').at(-1) ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':').at(-1) : undefined;
  return !!tag && tag !== 'latest' && !/\$\{/.test(tag);
}
