import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from './errors.js';

export interface FaultInjection {
  /** Share of requests answered with 500, 0–1. */
  errorRate: number;
  /** Added latency per request. */
  latencyMs: number;
  /** Each request takes this many times as long as it would (1: unchanged). */
  latencyFactor: number;
  /** The status of an injected failure: 500, or a 4xx such as 422 for a logic regression. */
  errorStatus: number;
  /** Only requests whose path starts with one of these; all but health and metrics when empty. */
  paths: string[];
  /** The first this many matching requests of the process are left alone (a fault that shows under traffic only). */
  startAfter: number;
  /** Readiness always fails: a release that starts and serves but never reports ready. */
  notReady: boolean;
}

/** "error_rate=0.3,error_status=422,latency_ms=800,latency_factor=1.4,paths=/search|/bookings,start_after=10,not_ready=true" */
export function parseFaultInjection(spec: string): FaultInjection | string {
  const out: FaultInjection = {
    errorRate: 0,
    latencyMs: 0,
    latencyFactor: 1,
    errorStatus: 500,
    paths: [],
    startAfter: 0,
    notReady: false,
  };
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value = ''] = part.split('=').map((s) => s.trim());
    if (key === 'error_rate') {
      const n = Number(value);
      if (!(n >= 0 && n <= 1)) return `error_rate must be between 0 and 1 (got "${value}")`;
      out.errorRate = n;
    } else if (key === 'latency_ms') {
      const n = Number(value);
      if (!(Number.isInteger(n) && n >= 0 && n <= 600_000))
        return `latency_ms must be a whole number of ms (got "${value}")`;
      out.latencyMs = n;
    } else if (key === 'latency_factor') {
      const n = Number(value);
      if (!(n >= 1 && n <= 100)) return `latency_factor must be between 1 and 100 (got "${value}")`;
      out.latencyFactor = n;
    } else if (key === 'error_status') {
      const n = Number(value);
      if (!(Number.isInteger(n) && n >= 400 && n <= 599))
        return `error_status must be a 4xx or 5xx status (got "${value}")`;
      out.errorStatus = n;
    } else if (key === 'start_after') {
      const n = Number(value);
      if (!(Number.isInteger(n) && n >= 0))
        return `start_after must be a whole number of requests (got "${value}")`;
      out.startAfter = n;
    } else if (key === 'not_ready') {
      if (value !== 'true' && value !== 'false') return `not_ready must be true or false (got "${value}")`;
      out.notReady = value === 'true';
    } else if (key === 'paths') {
      out.paths = value.split('|').filter(Boolean);
    } else {
      return `unknown key "${key}"; expected error_rate, error_status, latency_ms, latency_factor, paths, start_after or not_ready`;
    }
  }
  return out;
}

/**
 * Deliberate failures and latency, for proving that releases roll back. Health and metrics are
 * never touched, so a faulty process still looks alive and can be measured; only `not_ready` acts
 * on readiness, through a failing check of its own (see the server's app).
 */
export const faultInjectionPlugin = fp<{ faults: FaultInjection; random?: () => number }>(
  async (app: FastifyInstance, { faults, random = Math.random }) => {
    app.log.warn({ faults }, 'FAULT INJECTION IS ON: this process fails and slows requests on purpose');
    const applies = (url: string) => {
      if (url.startsWith('/health') || url.startsWith('/metrics')) return false;
      return faults.paths.length === 0 || faults.paths.some((p) => url.startsWith(p));
    };
    const started = new WeakMap<object, bigint>();
    let seen = 0;
    app.addHook('onRequest', async (request) => {
      if (!applies(request.url) || ++seen <= faults.startAfter) return;
      started.set(request, process.hrtime.bigint());
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        throw new AppError(faults.errorStatus, 'injected_fault', 'Injected fault (VOYAGE_FAULT_INJECTION)');
      }
    });
    if (faults.latencyFactor > 1) {
      // Stretches the whole request, whatever it took, so every percentile moves by the factor.
      app.addHook('onSend', async (request) => {
        const at = started.get(request);
        if (at === undefined) return;
        const tookMs = Number(process.hrtime.bigint() - at) / 1e6;
        await sleep(tookMs * (faults.latencyFactor - 1));
      });
    }
  },
  { name: 'voyage-fault-injection' },
);
