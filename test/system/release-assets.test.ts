import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/processes.js';
import { type ReleaseHost, releaseHost } from './helpers/release.js';

const MANUAL_POLICY = path.join(ROOT, 'test/system/fixtures/release-policy-manual.yaml');
const HTML = { accept: 'text/html' };

/** The hashed files a page's index.html loads first (its entry script and stylesheet). */
async function pageAssets(origin: string): Promise<string[]> {
  const html = await (await fetch(`${origin}/`, { headers: HTML })).text();
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
}

/**
 * Gives a release's web app entry files new hashed names and contents, as a real change to the app
 * would: the two releases then load different files at first.
 */
async function changeWebApp(releaseDir: string) {
  const web = path.join(releaseDir, 'web', 'dist');
  let html = await readFile(path.join(web, 'index.html'), 'utf8');
  for (const [, file] of html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)) {
    const renamed = file!.replace(/-([\w-]+)\.(js|css)$/, '-next$1.$2');
    const from = path.join(web, 'assets', file!);
    await writeFile(from, `${await readFile(from, 'utf8')}\n/* next release */\n`);
    await rename(from, path.join(web, 'assets', renamed));
    await rm(`${from}.gz`, { force: true });
    await rm(`${from}.br`, { force: true });
    html = html.replace(`/assets/${file}`, `/assets/${renamed}`);
  }
  await writeFile(path.join(web, 'index.html'), html);
}

/**
 * During a canary both slots serve, and a page loaded from one slot may send its next request to
 * the other. Each slot finds the other release's hashed files in the host's shared store, so every
 * file of both pages loads from either slot and through the edge.
 */
describe('web app files across slots during a canary', () => {
  let host: ReleaseHost;
  beforeAll(async () => {
    host = await releaseHost(['1.0.0', '1.1.0']);
    await changeWebApp(host.releases['1.1.0']!);
    const first = await host.deploy('1.0.0');
    expect(first.code, first.stderr).toBe(0);
  });
  afterAll(() => host?.close());

  it("a page from either slot loads all its files from the other slot and through the edge; after promotion the store keeps both releases' files", async () => {
    const manual = { RELEASE_POLICY_FILE: MANUAL_POLICY };
    const deploying = host.cli.run(['release', 'deploy', host.releases['1.1.0']!, ...host.appEnv], manual);
    let st = await host.status();
    for (let i = 0; i < 120 && !(st.current?.phase === 'canary' && st.current.weight === 10); i++) {
      await sleep(500);
      st = await host.status();
    }
    expect(st.current).toMatchObject({ version: '1.1.0', phase: 'canary', weight: 10 });
    const origin = (version: string) =>
      `http://127.0.0.1:${st.slots.find((s) => s.version === version)!.ports[0]}`;
    const oldPage = await pageAssets(origin('1.0.0'));
    const newPage = await pageAssets(origin('1.1.0'));
    expect(oldPage.length).toBeGreaterThanOrEqual(2);
    expect(newPage.length).toBe(oldPage.length);
    expect(newPage.filter((a) => oldPage.includes(a))).toEqual([]);
    // The old release does not have the new files itself: the shared store serves them.
    const oldOwn = await readdir(path.join(host.releases['1.0.0']!, 'web', 'dist', 'assets'));
    expect(newPage.filter((a) => oldOwn.includes(path.basename(a)))).toEqual([]);

    const statuses: string[] = [];
    for (const asset of [...oldPage, ...newPage]) {
      for (const where of [origin('1.0.0'), origin('1.1.0')]) {
        const res = await fetch(`${where}${asset}`);
        statuses.push(`${asset} from ${where}: ${res.status} ${res.headers.get('content-type')}`);
        expect(res.status, asset).toBe(200);
        expect(res.headers.get('content-type'), asset).toMatch(/javascript|css/);
      }
      // Through the edge, whichever slot each request lands on.
      for (let i = 0; i < 20; i++) expect((await fetch(`${host.edge}${asset}`)).status, asset).toBe(200);
    }
    console.log(`assets across slots:\n  ${statuses.join('\n  ')}`);

    expect((await host.cli.run(['release', 'promote'], manual)).code).toBe(0);
    const done = await deploying;
    expect(done.code, done.stderr).toBe(0);
    // Promoted, with the old slot held for rollback: both releases' files stay in the store.
    const store = await readdir(path.join(host.tmp.dir, 'state', 'web-assets'));
    for (const asset of [...oldPage, ...newPage]) expect(store).toContain(path.basename(asset));
  });
});
