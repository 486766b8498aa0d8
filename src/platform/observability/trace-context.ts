import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * Trace ids for logs and error bodies. Only the OpenTelemetry API is used here: without the SDK
 * (tracing off) it answers "no active span" at almost no cost.
 */
export interface TraceIds {
  trace_id: string;
  span_id: string;
}

/** The ids of the span this code runs in, when tracing is on and something is traced. */
export function activeTraceIds(): TraceIds | undefined {
  const span = trace.getSpanContext(context.active());
  if (!span || !isSpanContextValid(span)) return undefined;
  return { trace_id: span.traceId, span_id: span.spanId };
}
