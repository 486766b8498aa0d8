import type { Config } from '../config/index.js';

/**
 * One build, several roles: `all` (everything in one process), `gateway` (the edge, forwarding by
 * path prefix to api processes), `api` (module routes, optionally a subset), `worker` (job handlers
 * and schedules, with health and metrics).
 */
export const ROLES = ['all', 'gateway', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/** Split roles run as several processes; refuse set-ups that are only correct in one process. */
export function splitRoleProblems(role: Role, config: Config): string[] {
  // The gateway has no database; its own checks live in gateway/context.ts.
  if (role === 'all' || role === 'gateway') return [];
  const problems: string[] = [];
  if (config.database.kind === 'pglite') {
    problems.push(
      `--role ${role} runs beside other processes: set DATABASE_URL to a Postgres server (the embedded database serves one process)`,
    );
  }
  if (role === 'api' && config.http.rateLimitMax > 0 && !config.redisUrl) {
    problems.push(
      '--role api keeps rate-limit counters per process without Redis: set REDIS_URL, or RATE_LIMIT_MAX=0 if the gateway limits',
    );
  }
  return problems;
}
