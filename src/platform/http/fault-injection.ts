import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { FaultInjection } from '../../config/index.js';
import { AppError } from './errors.js';

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
