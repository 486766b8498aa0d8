import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from './errors.js';

export interface FaultInjection {
  /** Share of requests answered with 500, 0–1. */
  errorRate: number;
  /** Added latency per request. */
  latencyMs: number;
  /** Only requests whose path starts with one of these; all but health and metrics when empty. */
  paths: string[];
}

/** "error_rate=0.3,latency_ms=800,paths=/search|/bookings" */
export function parseFaultInjection(spec: string): FaultInjection | string {
  const out: FaultInjection = { errorRate: 0, latencyMs: 0, paths: [] };
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
    } else if (key === 'paths') {
      out.paths = value.split('|').filter(Boolean);
    } else {
      return `unknown key "${key}"; expected error_rate, latency_ms or paths`;
    }
  }
  return out;
}

/**
 * Deliberate failures and latency, for proving that releases roll back. Health and metrics are
 * never touched, so a faulty process still looks alive and can be measured.
 */
export const faultInjectionPlugin = fp<{ faults: FaultInjection; random?: () => number }>(
  async (app: FastifyInstance, { faults, random = Math.random }) => {
    app.log.warn({ faults }, 'FAULT INJECTION IS ON: this process fails and slows requests on purpose');
    const applies = (url: string) => {
      if (url.startsWith('/health') || url.startsWith('/metrics')) return false;
      return faults.paths.length === 0 || faults.paths.some((p) => url.startsWith(p));
    };
    app.addHook('onRequest', async (request) => {
      if (!applies(request.url)) return;
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        throw new AppError(500, 'injected_fault', 'Injected fault (VOYAGE_FAULT_INJECTION)');
      }
    });
  },
  { name: 'voyage-fault-injection' },
);
