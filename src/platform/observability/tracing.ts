import { register } from 'node:module';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** OpenTelemetry tracing; off (and never loaded) unless an OTLP endpoint is configured. */
export interface TracingConfig {
  /** Where spans go, e.g. http://127.0.0.1:4318/v1/traces; undefined = tracing off. */
  tracesUrl: string | undefined;
  /** undefined: `voyage` for the all-in-one role, `voyage-<role>` for split roles. */
  serviceName: string | undefined;
  /** Share of new traces sampled; a sampled incoming `traceparent` is always followed. */
  sampleRatio: number;
}

/**
 * OpenTelemetry tracing: spans for incoming HTTP, Postgres queries (pg), outgoing HTTP (undici and
 * fetch), exported over OTLP/HTTP. The SDK is imported only when tracing is on, so a process
 * without an endpoint loads none of it.
 *
 * Instrumentation patches modules as they load: start this before anything imports http, pg or
 * undici (src/main.ts does, before it imports the CLI).
 */
export interface Tracing {
  /** Flushes buffered spans and stops exporting. */
  shutdown(): Promise<void>;
}

export interface TracingResource {
  role: string;
  version: string;
}

/** Requests that would only add noise: probes and scrapes arrive every few seconds. */
const UNTRACED_PATHS = new Set(['/health', '/health/ready', '/metrics']);

let active: Tracing | undefined;

/** The tracing this process started, if any. */
export function activeTracing(): Tracing | undefined {
  return active;
}

export function serviceNameFor(config: TracingConfig, role: string): string {
  return config.serviceName ?? (role === 'all' ? 'voyage' : `voyage-${role}`);
}

export async function startTracing(
  config: TracingConfig & { tracesUrl: string },
  resource: TracingResource,
  /** Tests read spans in-process instead of (or beside) exporting them. */
  extraSpanProcessors: SpanProcessor[] = [],
): Promise<Tracing> {
  if (active) return active;
  // pg is imported as ESM by Voyage's own code, which only an ESM loader hook can intercept; the
  // include list keeps every other import off the hook's slow path.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ['pg'] } });

  const [
    { NodeSDK },
    { OTLPTraceExporter },
    { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler },
    { resourceFromAttributes },
    { W3CTraceContextPropagator },
    { HttpInstrumentation },
    { PgInstrumentation },
    { UndiciInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-undici'),
  ]);

  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': serviceNameFor(config, resource.role),
      'service.version': resource.version,
      'service.instance.id': `${process.pid}`,
      'voyage.role': resource.role,
    }),
    autoDetectResources: false,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl })),
      ...extraSpanProcessors,
    ],
    textMapPropagator: new W3CTraceContextPropagator(),
    // Metrics stay with prom-client and logs with pino: no OTLP metric or log pipelines.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
        requireParentforOutgoingSpans: true,
      }),
      // Only queries made on behalf of a traced operation; job-queue polling would drown the rest.
      // Parameter values stay out of spans: they carry personal data.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  sdk.start();
  active = {
    async shutdown() {
      active = undefined;
      await sdk.shutdown();
    },
  };
  return active;
}
