import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Creates `migrations/<UTC timestamp>_<name>.ts` from a template and lists it last in
 * migrations/index.ts, so that the index stays the one ordered list of migrations.
 */
export interface NewMigration {
  name: string;
  file: string;
}

const NAME = /^[a-z][a-z0-9_]{2,60}$/;

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const TEMPLATE = `import { defineMigration } from '../src/platform/db/migrator.js';

// Why this migration exists, in a line or two. Keep it compatible with the release still running
// (expand now, contract in a later release); \`voyage migrate lint\` checks the risky statements.
export default defineMigration({
  up: \`
  \`,
  down: \`
  \`,
});
`;

export async function createMigration(dir: string, name: string, now = new Date()): Promise<NewMigration> {
  if (!NAME.test(name))
    throw new Error(`migration name "${name}": use 3–61 lower-case letters, digits and _`);
  const indexFile = path.join(dir, 'index.ts');
  const index = await readFile(indexFile, 'utf8');
  const full = `${timestamp(now)}_${name}`;
  const names = [...index.matchAll(/^\s+'(\d{14}_[a-z0-9_]+)':/gm)].map((m) => m[1]!);
  const last = names.at(-1);
  if (last && last >= full) throw new Error(`${full} would not sort after the newest migration ${last}`);
  const lastImport = [...index.matchAll(/^import [^\n]+\n/gm)].at(-1);
  const recordEnd = index.lastIndexOf('};');
  if (!lastImport || recordEnd < 0) throw new Error(`${indexFile} does not have the expected shape`);
  let variable = camel(name);
  while (new RegExp(`\\b${variable}\\b`).test(index)) variable = `${variable}Next`;

  const importLine = `import ${variable} from './${full}.js';\n`;
  const entry = `  '${full}': ${variable},\n`;
  const afterImports = lastImport.index! + lastImport[0].length;
  const updated =
    index.slice(0, afterImports) +
    importLine +
    index.slice(afterImports, recordEnd) +
    entry +
    index.slice(recordEnd);
  const file = path.join(dir, `${full}.ts`);
  await writeFile(file, TEMPLATE, { flag: 'wx' });
  await writeFile(indexFile, updated);
  return { name: full, file };
}
