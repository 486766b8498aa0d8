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

// W3C Trace Context: version-traceid-parentid-flags, lower-case hex.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** The trace id of a valid `traceparent` header, else undefined. */
export function traceIdFromTraceparent(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId] = match;
  // Version ff is invalid; version 00 allows nothing after the flags.
  if (version === 'ff' || (version === '00' && match[5])) return undefined;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return undefined;
  return traceId;
}
