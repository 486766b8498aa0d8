import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandExists, kustomize, ROOT, runTool } from '../../helpers/deploy.js';

/**
 * deploy/terraform/aws cannot be applied here; it is parsed with HashiCorp's HCL parser (compiled
 * to WebAssembly in @cdktf/hcl2json) and its modules checked against each other and against Voyage.
 */

const TF = path.join(ROOT, 'deploy/terraform/aws');
// biome-ignore lint/suspicious/noExplicitAny: HCL as JSON, checked field by field
type Hcl = Record<string, any>;

interface Module {
  dir: string;
  /** Every block type merged over the module's files. */
  blocks: Hcl;
  text: string;
}

async function readModule(dir: string): Promise<Module> {
  const blocks: Hcl = {};
  let text = '';
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.tf')).sort()) {
    const source = await readFile(path.join(dir, file), 'utf8');
    text += `${source}\n`;
    const json = await parse(file, source);
    for (const [type, body] of Object.entries(json)) {
      if (Array.isArray(body)) blocks[type] = [...(blocks[type] ?? []), ...body];
      else blocks[type] = { ...(blocks[type] ?? {}), ...(body as object) };
    }
  }
  return { dir, blocks, text };
}

const modules: Record<string, Module> = {};
beforeAll(async () => {
  modules.root = await readModule(TF);
  for (const name of await readdir(path.join(TF, 'modules')))
    modules[name] = await readModule(path.join(TF, 'modules', name));
});

const declared = (m: Module, kind: 'variable' | 'output') => Object.keys(m.blocks[kind] ?? {});
/** An HCL expression as hcl2json writes it: `${…}`. */
const expr = (e: string) => `$${'{'}${e}}`;
const resource = (m: Module, type: string) => m.blocks.resource?.[type]?.this?.[0] ?? {};

/** IPv4 cidrsubnet() as Terraform computes it. */
function cidrsubnet(prefix: string, newbits: number, netnum: number): string {
  const [ip, bits] = prefix.split('/');
  const base = ip!.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const length = Number(bits) + newbits;
  const value = base + netnum * 2 ** (32 - length);
  return `${[24, 16, 8, 0].map((s) => Math.floor(value / 2 ** s) % 256).join('.')}/${length}`;
}

describe('deploy/terraform/aws', () => {
  it('parses, and is small and modular: network, database, cache, cluster, secrets, alarms', () => {
    expect(Object.keys(modules).sort()).toEqual([
      'alarms',
      'cache',
      'cluster',
      'database',
      'network',
      'root',
      'secrets',
    ]);
    const calls = modules.root!.blocks.module;
    expect(Object.keys(calls).sort()).toEqual([
      'alarms',
      'cache',
      'cluster',
      'database',
      'network',
      'secrets',
    ]);
    for (const m of Object.values(modules)) expect(m.text.split('\n').length, m.dir).toBeLessThan(250);
  });

  it('passes every module exactly its variables and reads only outputs that exist', () => {
    for (const [name, [call]] of Object.entries(modules.root!.blocks.module as Record<string, Hcl[]>)) {
      const target = modules[path.basename(call!.source)]!;
      expect(call!.source).toBe(`./modules/${name}`);
      const args = Object.keys(call!).filter(
        (k) => !['source', 'depends_on', 'count', 'for_each'].includes(k),
      );
      const variables = target.blocks.variable ?? {};
      expect(args.sort(), `module ${name}`).toEqual(Object.keys(variables).sort());
    }
    for (const m of Object.values(modules))
      for (const [, mod, out] of m.text.matchAll(/\bmodule\.(\w+)\.(\w+)/g))
        expect(declared(modules[mod!]!, 'output'), `module.${mod}.${out} in ${m.dir}`).toContain(out);
  });

  it('declares every var.X it reads and reads every variable it declares', () => {
    for (const m of Object.values(modules)) {
      const used = new Set([...m.text.matchAll(/\bvar\.(\w+)/g)].map((x) => x[1]!));
      expect([...used].sort(), m.dir).toEqual(declared(m, 'variable').sort());
      const locals = Object.assign({}, ...(m.blocks.locals ?? []));
      for (const [, name] of m.text.matchAll(/\blocal\.(\w+)/g))
        expect(locals, `${m.dir}: local.${name}`).toHaveProperty(name!);
    }
  });

  it('runs Postgres 15 Multi-AZ with point-in-time recovery and the extensions the migrations create', async () => {
    const db = resource(modules.database!, 'aws_db_instance');
    expect(db).toMatchObject({
      engine: 'postgres',
      engine_version: '15',
      multi_az: true,
      storage_encrypted: true,
    });
    expect(db.backup_retention_period).toBe(expr('var.backup_retention_days'));
    expect(modules.root!.blocks.variable.backup_retention_days[0].default).toBeGreaterThanOrEqual(7);
    const params = resource(modules.database!, 'aws_db_parameter_group');
    expect(params.family).toBe('postgres15');
    const allowed = params.parameter.find((p: Hcl) => p.name === 'rds.allowed_extensions');
    expect(allowed.value).toBe(expr('join(",", local.extensions)'));
    const extensions: string[] = modules.database!.blocks.locals.find((l: Hcl) => l.extensions).extensions;
    const created = new Set<string>();
    for (const file of await readdir(path.join(ROOT, 'migrations')))
      for (const [, ext] of (await readFile(path.join(ROOT, 'migrations', file), 'utf8')).matchAll(
        /CREATE EXTENSION(?: IF NOT EXISTS)? (\w+)/gi,
      ))
        created.add(ext!);
    expect(created.size).toBeGreaterThan(0);
    for (const ext of created) expect(extensions, `extension ${ext}`).toContain(ext);
  });

  it('runs Redis 7 with failover and TLS, and stores the secrets Kubernetes reads', async () => {
    const redis = resource(modules.cache!, 'aws_elasticache_replication_group');
    expect(redis).toMatchObject({
      engine: 'redis',
      automatic_failover_enabled: true,
      transit_encryption_enabled: true,
    });
    expect(redis.engine_version).toMatch(/^7\./);
    expect(modules.cache!.blocks.output.url[0].value).toMatch(/^rediss:\/\//);
    // The secret holds exactly the keys of the Kubernetes Secret template.
    const version = modules.secrets!.text;
    const template = await readFile(path.join(ROOT, 'deploy/k8s/base/secret.template.yaml'), 'utf8');
    const keys = [...template.matchAll(/^ {2}(\w+): ""$/gm)].map((m) => m[1]!).sort();
    const stored = [...version.matchAll(/^ {4}(\w+) += /gm)].map((m) => m[1]!).sort();
    expect(stored).toEqual(keys);
  });

  it('runs EKS with the roles it needs and alarms on the database and cache', () => {
    const cluster = modules.cluster!.blocks.resource;
    for (const type of [
      'aws_eks_cluster',
      'aws_eks_node_group',
      'aws_eks_pod_identity_association',
      'aws_iam_openid_connect_provider',
      'aws_eks_access_entry',
    ])
      expect(cluster, type).toHaveProperty(type);
    const alarms = modules.alarms!.blocks.resource.aws_cloudwatch_metric_alarm;
    expect(Object.keys(alarms).sort()).toEqual(['cache', 'database']);
  });

  it('gives each overlay’s datastore NetworkPolicy the subnets its environment’s VPC has', async () => {
    const network = modules.network!.blocks.locals.find((l: Hcl) => l.database_block);
    expect(network).toMatchObject({
      database_block: expr('cidrsubnet(var.cidr, 4, 5)'),
      cache_block: expr('cidrsubnet(var.cidr, 4, 6)'),
    });
    for (const env of ['staging', 'production']) {
      const vars = await parse(`${env}.tfvars`, await readFile(path.join(TF, `${env}.tfvars`), 'utf8'));
      expect(vars.environment).toBe(env);
      const objs = await kustomize(path.join(ROOT, 'deploy/k8s/overlays', env));
      const policy = objs.find(
        (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'egress-to-datastores',
      )!;
      const cidr = (port: number) =>
        policy.spec.egress.find((r: Hcl) => r.ports[0].port === port).to[0].ipBlock.cidr as string;
      expect(cidr(5432), env).toBe(cidrsubnet(vars.vpc_cidr, 4, 5));
      expect(cidr(6379), env).toBe(cidrsubnet(vars.vpc_cidr, 4, 6));
    }
  });

  it('rejects broken HCL (the parser is real)', async () => {
    await expect(parse('broken.tf', 'resource "aws_vpc" "x" {\n  cidr_block = \n}\n')).rejects.toThrow(
      /Invalid expression/,
    );
  });

  it.runIf(commandExists('terraform'))('is formatted as `terraform fmt` writes it', async () => {
    const r = await runTool('terraform', ['fmt', '-check', '-recursive', TF]);
    expect(r.stdout, 'files terraform fmt would change').toBe('');
    expect(r.code).toBe(0);
  });
});
