import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/version.js';

const run = promisify(execFile);
const DEPCRUISE = path.join(PROJECT_ROOT, 'node_modules/.bin/depcruise');

interface Violation {
  rule: string;
  from: string;
}

/** Runs the project's layer check (as `npm run lint:deps` does) on a tree: exit code and violations. */
async function cruise(cwd: string): Promise<{ code: number; violations: Violation[] }> {
  const args = ['src', 'migrations', '--config', '.dependency-cruiser.cjs'];
  let code = 0;
  let stdout: string;
  try {
    ({ stdout } = await run(DEPCRUISE, args, { cwd, maxBuffer: 64 * 1024 * 1024 }));
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    code = typeof e.code === 'number' ? e.code : 1;
    stdout = e.stdout ?? '';
  }
  // Lines read "  error <rule>: <from> → <to>".
  const violations = [...stdout.matchAll(/^\s*error ([\w-]+): (\S+) →/gm)].map((m) => ({
    rule: m[1]!,
    from: m[2]!,
  }));
  return { code, violations };
}

// The layer check must be able to fail: plant one violation of each kind in a copy of the tree.
const PLANTED: Record<string, { file: string; text: string; append?: boolean }[]> = {
  'platform-knows-nothing-above': [
    { file: 'src/platform/planted.ts', text: "export { buildApp } from '../server/app.js';\n" },
  ],
  'modules-stay-below-the-server': [
    {
      file: 'src/modules/pois/planted.ts',
      text: "export type { Services } from '../../server/services.js';\n",
    },
  ],
  'gateway-reads-only-the-manifest': [
    {
      file: 'src/gateway/planted.ts',
      text: "export { rentalsModule } from '../modules/cars/rentals/module.js';\n",
    },
  ],
  'modules-meet-through-services': [
    {
      file: 'src/modules/itinerary/planted.ts',
      text: "export { createTripsRepository } from '../trips/repository.js';\n",
    },
  ],
  'gateway-role-loads-no-module-code': [
    { file: 'src/server/serve-gateway.ts', text: "\nexport { buildApp } from './app.js';\n", append: true },
  ],
  'no-cycles': [
    {
      file: 'src/ops/planted-a.ts',
      text: "import type { B } from './planted-b.js';\nexport type A = { b?: B };\n",
    },
    {
      file: 'src/ops/planted-b.ts',
      text: "import type { A } from './planted-a.js';\nexport type B = { a?: A };\n",
    },
  ],
};

describe('the import-boundary check', () => {
  let tree: string;
  beforeAll(async () => {
    tree = await mkdtemp(path.join(os.tmpdir(), 'voyage-layers-'));
    for (const entry of ['src', 'migrations', 'tsconfig.json', '.dependency-cruiser.cjs'])
      await cp(path.join(PROJECT_ROOT, entry), path.join(tree, entry), { recursive: true });
    for (const files of Object.values(PLANTED))
      for (const { file, text, append } of files)
        await writeFile(path.join(tree, file), text, append ? { flag: 'a' } : {});
  });
  afterAll(() => rm(tree, { recursive: true, force: true }));

  it('fails on each planted violation, naming its rule and file, and on nothing else', async () => {
    const { code, violations } = await cruise(tree);
    expect(code).not.toBe(0);
    const found = violations.map((v) => `${v.rule} ${v.from}`);
    const planted = Object.entries(PLANTED).map(([rule, files]) => `${rule} ${files[0]!.file}`);
    for (const p of planted) expect(found).toContain(p);
    // Only the planted files break a rule: the real tree is clean.
    const plantedFiles = new Set(Object.values(PLANTED).flatMap((f) => f.map((x) => x.file)));
    expect(violations.filter((v) => !plantedFiles.has(v.from))).toEqual([]);
  });
});

describe('source files', () => {
  it('stay under 300 lines, or say in their first lines why not', async () => {
    const files = (await readdir(path.join(PROJECT_ROOT, 'src'), { recursive: true })).filter((f) =>
      /\.tsx?$/.test(f),
    );
    const long: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(PROJECT_ROOT, 'src', file), 'utf8');
      const lines = text.replace(/\n$/, '').split('\n');
      if (lines.length > 300 && !/over 300 lines/i.test(lines.slice(0, 3).join('\n'))) long.push(file);
    }
    expect(files.length).toBeGreaterThan(100);
    expect(long).toEqual([]);
  });
});
