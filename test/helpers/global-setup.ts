import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropServerDatabase, makePgliteTemplate, makeServerTemplate, TEST_DATABASE_URL } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplateFile: string;
    serverTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-test-'));
  let serverTemplate = '';
  if (TEST_DATABASE_URL) {
    serverTemplate = await makeServerTemplate(TEST_DATABASE_URL);
    project.provide('pgliteTemplateFile', '');
  } else {
    const file = path.join(dir, 'template.tar.gz');
    await writeFile(file, Buffer.from(await (await makePgliteTemplate()).arrayBuffer()));
    project.provide('pgliteTemplateFile', file);
  }
  project.provide('serverTemplate', serverTemplate);
  return async () => {
    if (serverTemplate) await dropServerDatabase(TEST_DATABASE_URL!, serverTemplate);
    await rm(dir, { recursive: true, force: true });
  };
}
