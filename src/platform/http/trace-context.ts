import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { activeTraceIds } from '../observability/trace-context.js';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) for every request: with tracing on, the
 * request's own span; otherwise the trace of an incoming `traceparent`, continued with a new span
 * id. Its trace id goes on every log line and error body. The edge (gateway) starts a trace when
 * none arrives and hands upstreams a traceparent naming its own hop as the parent.
 */
export interface TraceContext {
  traceId: string;
  /** The span id this process presents as the parent of the calls it makes. */
  spanId: string;
  flags: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    traceId: string | undefined;
    trace: TraceContext | undefined;
  }
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

const newSpanId = () => randomBytes(8).toString('hex');

/** Parses a traceparent header; undefined when it is absent or not valid. */
export function parseTraceparent(value: string | string[] | undefined): TraceContext | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  const m = header ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m as unknown as string[];
  // Version ff is forbidden; version 00 has exactly four fields.
  if (version === 'ff' || (version === '00' && rest)) return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId: traceId!, spanId: parentId!, flags: flags! };
}

/** A context for this hop: the incoming trace continued with a new span, or a new sampled trace. */
export function continueTrace(incoming: TraceContext | undefined): TraceContext {
  if (incoming) return { traceId: incoming.traceId, spanId: newSpanId(), flags: incoming.flags };
  return { traceId: randomBytes(16).toString('hex'), spanId: newSpanId(), flags: '01' };
}

export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

/** `start: true` (the edge) begins a trace for requests that carry none. */
export const traceContextPlugin = fp<{ start?: boolean }>(
  async (app: FastifyInstance, { start = false }) => {
    app.decorateRequest('traceId', undefined);
    app.decorateRequest('trace', undefined);
    app.addHook('onRequest', async (request) => {
      const traced = activeTraceIds();
      if (traced) {
        // Tracing on: the logger's mixin already puts these ids on every line.
        request.trace = { traceId: traced.trace_id, spanId: traced.span_id, flags: '01' };
        request.traceId = traced.trace_id;
        return;
      }
      const incoming = parseTraceparent(request.headers.traceparent);
      if (!incoming && !start) return;
      const trace = continueTrace(incoming);
      request.trace = trace;
      request.traceId = trace.traceId;
      request.log = request.log.child({ trace_id: trace.traceId });
    });
  },
  { name: 'voyage-trace-context' },
);
