import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

/** deploy/docker/Dockerfile read into stages, with build arguments substituted. */

export interface Copy {
  /** Stage name for `--from`, else copied from the build context. */
  from?: string;
  sources: string[];
  /** Absolute path in the image; ends with `/` when the sources go into that folder. */
  dest: string;
}

export interface Stage {
  name: string;
  /** Base image with build arguments filled in. */
  base: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  copies: Copy[];
  runs: string[];
  expose: number[];
  volumes: string[];
  healthcheck?: { flags: Record<string, string>; command: string[] };
  entrypoint?: string[];
  cmd?: string[];
}

/** Exec form (JSON array) only: the shell form would need a shell the process does not need. */
function execForm(text: string, where: string): string[] {
  const parsed = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string'))
    throw new Error(`${where} must use the exec form ["cmd", "arg"]`);
  return parsed;
}

type Flagged = { getFlags(): { getName(): string; getValue(): string | null }[] };
const flagsOf = (i: Instruction) =>
  Object.fromEntries(
    (i as unknown as Flagged).getFlags().map((f) => [f.getName(), f.getValue() ?? ''] as [string, string]),
  );

const fill = (text: string, args: Record<string, string>) =>
  text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? `\${${a ?? b}}`);

export async function readDockerfile(
  file: string,
): Promise<{ args: Record<string, string>; stages: Stage[] }> {
  const df = DockerfileParser.parse(await readFile(file, 'utf8'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  for (const i of df.getInstructions() as Instruction[]) {
    const keyword = i.getKeyword();
    const content = i.getArgumentsContent() ?? '';
    if (keyword === 'ARG' && !stage) {
      const [name, value = ''] = content.split('=', 2);
      args[name!.trim()] = value.trim();
      continue;
    }
    if (keyword === 'FROM') {
      const [image, as, name] = fill(content, args).split(/\s+/);
      stage = {
        name: as?.toUpperCase() === 'AS' ? name! : String(stages.length),
        base: image!,
        workdir: '/',
        env: {},
        copies: [],
        runs: [],
        expose: [],
        volumes: [],
      };
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`${keyword} before FROM`);
    switch (keyword) {
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, content);
        break;
      case 'ENV':
        for (const m of content.matchAll(/(\w+)=("[^"]*"|\S+)/g))
          stage.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        break;
      case 'USER':
        stage.user = content;
        break;
      case 'RUN':
        stage.runs.push(content);
        break;
      case 'EXPOSE':
        stage.expose.push(...content.split(/\s+/).map((p) => Number.parseInt(p, 10)));
        break;
      case 'VOLUME':
        stage.volumes.push(...execForm(content, 'VOLUME'));
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = execForm(content, 'ENTRYPOINT');
        break;
      case 'CMD':
        stage.cmd = execForm(content, 'CMD');
        break;
      case 'HEALTHCHECK': {
        const flags = flagsOf(i);
        const command = /\bCMD\s+(.*)$/s.exec(content)?.[1];
        if (!command) throw new Error('HEALTHCHECK without CMD');
        stage.healthcheck = { flags, command: execForm(command, 'HEALTHCHECK CMD') };
        break;
      }
      case 'COPY': {
        const from = flagsOf(i).from;
        const paths = content.split(/\s+/).filter((w) => !w.startsWith('--'));
        const raw = paths.pop()!;
        // A trailing slash (or `.`) means "into this folder".
        const dest = path.posix.resolve(stage.workdir, raw) + (raw.endsWith('/') || raw === '.' ? '/' : '');
        stage.copies.push({ ...(from ? { from } : {}), sources: paths, dest });
        break;
      }
      default:
        break;
    }
  }
  return { args, stages };
}
