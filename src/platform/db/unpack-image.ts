import { once } from 'node:events';
import { mkdir, rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import { x as extract } from 'tar';

/**
 * Writes a gzipped data-directory image (PGlite's dumpDataDir format) out as files, so PGlite then
 * opens the directory as an existing one. Handing the image to PGlite's loadDataDir instead keeps
 * the unpacked archive in memory for the life of the process (about 85 MB for Voyage's image).
 *
 * The files go to a sibling directory first and are renamed into place at the end: an unpack cut
 * short leaves no half-made directory that would later pass for a database.
 */
export async function unpackImage(image: Blob, dataDir: string): Promise<void> {
  const staging = `${dataDir}.unpacking`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  // The image's paths start at '/', which tar strips (an info, not a problem); anything else is.
  const problems: string[] = [];
  const onwarn = (code: string, message: string | Error) => {
    if (code !== 'TAR_ENTRY_INFO') problems.push(`${code}: ${String(message)}`);
  };
  const unpacker = extract({ cwd: staging, onwarn });
  const closed = once(unpacker, 'close').catch(() => {});
  try {
    await pipeline(Readable.fromWeb(image.stream() as WebReadableStream<Uint8Array>), unpacker);
    if (problems.length > 0) throw new Error(`The database image did not unpack: ${problems.join('; ')}`);
    await rm(dataDir, { recursive: true, force: true });
    await rename(staging, dataDir);
  } catch (err) {
    // Files already queued are still being written: let them land, then remove them all.
    await Promise.race([closed, sleep(1000)]);
    await rm(staging, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    throw err;
  }
}
