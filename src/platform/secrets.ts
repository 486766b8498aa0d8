import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from './observability/logger.js';

export interface ResolvedSecrets {
  jwtAccessSecret: string;
  jwtRefreshSecret: string;
}

const generate = () => randomBytes(48).toString('base64url');

/**
 * Embedded mode may run without configured secrets: they are generated once and kept in the data
 * directory (mode 0600), or only in memory for an in-memory database.
 */
export async function resolveSecrets(
  given: { jwtAccessSecret?: string | undefined; jwtRefreshSecret?: string | undefined },
  storeDir: string | null,
  log: Logger,
): Promise<ResolvedSecrets> {
  if (given.jwtAccessSecret && given.jwtRefreshSecret) {
    return { jwtAccessSecret: given.jwtAccessSecret, jwtRefreshSecret: given.jwtRefreshSecret };
  }
  if (!storeDir) {
    return {
      jwtAccessSecret: given.jwtAccessSecret ?? generate(),
      jwtRefreshSecret: given.jwtRefreshSecret ?? generate(),
    };
  }
  const file = path.join(storeDir, 'secrets.json');
  let stored: Partial<ResolvedSecrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const resolved: ResolvedSecrets = {
    jwtAccessSecret: given.jwtAccessSecret ?? stored.jwtAccessSecret ?? generate(),
    jwtRefreshSecret: given.jwtRefreshSecret ?? stored.jwtRefreshSecret ?? generate(),
  };
  if (
    resolved.jwtAccessSecret !== stored.jwtAccessSecret ||
    resolved.jwtRefreshSecret !== stored.jwtRefreshSecret
  ) {
    await mkdir(storeDir, { recursive: true });
    await writeFile(file, JSON.stringify(resolved, null, 2), { mode: 0o600 });
  }
  log.warn(
    { file },
    'JWT secrets are not configured; using secrets generated for this data directory. Set JWT_ACCESS_SECRET and JWT_REFRESH_SECRET in production.',
  );
  return resolved;
}
