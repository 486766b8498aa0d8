/**
 * Readiness checks, each time-boxed. Liveness never consults them: a slow database must not get a
 * process restarted, only taken out of rotation.
 */
export type CheckResult = boolean | { ok: boolean; detail?: unknown };

export interface HealthCheck {
  name: string;
  check: () => Promise<CheckResult>;
  /** A non-critical check is reported but does not make the process unready. */
  critical: boolean;
}

/** A Redis check that answers at once while the client is disconnected (no queued PING). */
export function redisCheck(redis: { status: string; ping(): Promise<string> }): HealthCheck['check'] {
  return async () => {
    if (redis.status !== 'ready') return { ok: false, detail: `redis is ${redis.status}` };
    return (await redis.ping()) === 'PONG';
  };
}

export interface Readiness {
  ready: boolean;
  /** A non-critical check failed: still serving, with less (per-process limits, no shared cache). */
  degraded: boolean;
  checks: Record<string, boolean>;
  details: Record<string, unknown>;
}

export function createHealth(timeoutMs: number) {
  const checks: HealthCheck[] = [];
  let shuttingDown = false;
  const startedAt = Date.now();

  async function run(c: HealthCheck): Promise<{ ok: boolean; detail?: unknown }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ ok: boolean; detail: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `timed out after ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      const result = await Promise.race([
        c.check().then((r) => (typeof r === 'boolean' ? { ok: r } : r)),
        timeout,
      ]);
      return result;
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    register(name: string, check: HealthCheck['check'], opts: { critical?: boolean } = {}) {
      checks.push({ name, check, critical: opts.critical ?? true });
    },

    startShutdown() {
      shuttingDown = true;
    },

    get shuttingDown() {
      return shuttingDown;
    },

    uptimeSeconds() {
      return (Date.now() - startedAt) / 1000;
    },

    async readiness(): Promise<Readiness> {
      const results = await Promise.all(checks.map(async (c) => ({ c, r: await run(c) })));
      const out: Readiness = { ready: !shuttingDown, degraded: false, checks: {}, details: {} };
      if (shuttingDown) out.details.shutdown = 'shutting down';
      for (const { c, r } of results) {
        out.checks[c.name] = r.ok;
        if (r.detail !== undefined) out.details[c.name] = r.detail;
        if (!r.ok && c.critical) out.ready = false;
        if (!r.ok && !c.critical) out.degraded = true;
      }
      return out;
    },
  };
}

export type Health = ReturnType<typeof createHealth>;
