import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';

/**
 * Where a job's payload carries its sender's trace context, so that the run continues the trace of
 * the request that sent it. Handlers never see it.
 */
export const TRACE_FIELD = '_trace';
export const tracer = trace.getTracer('voyage-jobs');

export function withTraceContext(data: unknown): unknown {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent || typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  return { ...data, [TRACE_FIELD]: carrier };
}

export function splitTraceContext(data: unknown): {
  data: unknown;
  parent: ReturnType<typeof context.active>;
} {
  if (typeof data !== 'object' || data === null || !(TRACE_FIELD in data)) {
    return { data, parent: ROOT_CONTEXT };
  }
  const { [TRACE_FIELD]: carrier, ...rest } = data as Record<string, unknown>;
  const parent =
    typeof carrier === 'object' && carrier !== null
      ? propagation.extract(ROOT_CONTEXT, carrier as Record<string, string>)
      : ROOT_CONTEXT;
  return { data: rest, parent };
}
