import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ReleaseSpec, ReleaseState, StatePaths } from './state-file.js';

/**
 * The release host's shared store of the web app's hashed files. Every replica serves its own
 * release's files first and this store's next, so while two releases serve side by side a page
 * loaded from one slot finds its files on the other. A release's files go in before its slot
 * starts; after a deploy, only the files of the releases the slots still hold are kept.
 */
export function releaseAssetsDir(release: Pick<ReleaseSpec, 'dir' | 'env'>): string {
  const webDir = release.env.WEB_DIR
    ? path.resolve(release.dir, release.env.WEB_DIR)
    : path.join(release.dir, 'web', 'dist');
  return path.join(webDir, 'assets');
}

async function files(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Copies a release's hashed files into the store (each through a temp name: never half a file). */
export async function publishAssets(paths: StatePaths, release: Pick<ReleaseSpec, 'dir' | 'env'>) {
  const from = releaseAssetsDir(release);
  await mkdir(paths.webAssetsDir, { recursive: true });
  const present = new Set(await files(paths.webAssetsDir));
  let copied = 0;
  for (const name of await files(from)) {
    // A hashed name changes with the content, so a file already there is the same file.
    if (present.has(name)) continue;
    const tmp = path.join(paths.webAssetsDir, `.${name}.${process.pid}.tmp`);
    await copyFile(path.join(from, name), tmp);
    await rename(tmp, path.join(paths.webAssetsDir, name));
    copied++;
  }
  return { copied };
}

/** Removes the files that no release in a slot has; returns how many went. */
export async function pruneAssets(paths: StatePaths, state: ReleaseState) {
  const keep = new Set<string>();
  for (const slot of Object.values(state.slots)) {
    if (slot.release) for (const name of await files(releaseAssetsDir(slot.release))) keep.add(name);
  }
  let removed = 0;
  for (const name of await files(paths.webAssetsDir)) {
    if (keep.has(name)) continue;
    await rm(path.join(paths.webAssetsDir, name), { force: true });
    removed++;
  }
  return { removed };
}
