import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, trace } from '@opentelemetry/api';
import pino from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test/helpers/database.js';
import { type OtlpReceiver, SPAN_KIND, startOtlpReceiver } from '../../../test/helpers/otlp-receiver.js';
import { openDatabaseForTest } from '../../../test/helpers/test-app.js';
import { createJobs, type Jobs } from '../jobs.js';
import { loggerOptions } from './logger.js';
import { createMetrics } from './metrics.js';
import { activeTracing, serviceNameFor, startTracing } from './tracing.js';

declare module '../jobs.js' {
  interface JobCatalogue {
    'test.traced': { n: number };
  }
}

// The SDK registers itself globally: this file runs in its own process (vitest forks pool).
describe('tracing (OTLP/HTTP to a local receiver)', () => {
  let receiver: OtlpReceiver;
  let upstream: Server;
  let upstreamUrl: string;
  const upstreamTraceparents: string[] = [];
  let db: TestDatabase;
  let jobs: Jobs;
  const handled: unknown[] = [];
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    loggerOptions('info'),
    new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    }),
  );

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    await startTracing(
      { tracesUrl: `${receiver.url}/v1/traces`, serviceName: undefined, sampleRatio: 1 },
      { role: 'worker', version: '1.2.3' },
    );
    upstream = createServer((req, res) => {
      upstreamTraceparents.push(String(req.headers.traceparent ?? ''));
      res.end('ok');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    db = await openDatabaseForTest();
    jobs = createJobs({
      pool: db.database.pool,
      log,
      metrics: createMetrics(),
      work: true,
      pollingIntervalSeconds: 0.5,
    });
    jobs.define({
      name: 'test.traced',
      concurrency: 1,
      handler: async (data) => {
        handled.push(data);
        log.info({ n: data.n }, 'traced job ran');
      },
    });
    await jobs.start();
  });

  afterAll(async () => {
    await jobs?.stop();
    await db?.drop();
    await activeTracing()?.shutdown();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
    await receiver?.close();
  });

  it('names the service after the role unless a name is configured', () => {
    const config = { tracesUrl: undefined, serviceName: undefined, sampleRatio: 1 };
    expect(serviceNameFor(config, 'all')).toBe('voyage');
    expect(serviceNameFor(config, 'api')).toBe('voyage-api');
    expect(serviceNameFor({ ...config, serviceName: 'voyage-eu' }, 'api')).toBe('voyage-eu');
  });

  it('traces outgoing HTTP, propagates traceparent, continues the trace into a job, and logs the trace id', async () => {
    const tracer = trace.getTracer('test');
    const root = await tracer.startActiveSpan('test operation', { kind: SpanKind.SERVER }, async (span) => {
      const res = await request(`${upstreamUrl}/rates?city=paris`);
      expect(res.statusCode).toBe(200);
      await res.body.text();
      await jobs.send('test.traced', { n: 42 });
      log.info('inside the operation');
      span.end();
      return span.spanContext();
    });

    const deadline = Date.now() + 20_000;
    while (handled.length === 0 && Date.now() < deadline) await sleep(100);
    // The handler sees its payload without the trace context that travelled with it.
    expect(handled).toEqual([{ n: 42 }]);

    // The upstream saw W3C trace context naming this trace.
    expect(upstreamTraceparents).toHaveLength(1);
    expect(upstreamTraceparents[0]).toMatch(new RegExp(`^00-${root.traceId}-[0-9a-f]{16}-01$`));

    // Flush and read what was exported over OTLP/HTTP.
    await activeTracing()!.shutdown();
    expect(receiver.rejected).toEqual([]);
    const inTrace = receiver.spans.filter((s) => s.traceId === root.traceId);
    const byName = (name: string) => inTrace.find((s) => s.name === name);

    const client = inTrace.find((s) => s.kind === SPAN_KIND.CLIENT);
    expect(client, JSON.stringify(inTrace.map((s) => s.name))).toBeDefined();
    expect(client!.parentSpanId).toBe(root.spanId);
    expect(upstreamTraceparents[0]).toContain(client!.spanId);

    const producer = byName('send test.traced');
    expect(producer).toMatchObject({ kind: SPAN_KIND.PRODUCER, parentSpanId: root.spanId });
    const consumer = byName('process test.traced');
    expect(consumer).toMatchObject({ kind: SPAN_KIND.CONSUMER, parentSpanId: producer!.spanId });
    expect(consumer!.attributes).toMatchObject({ 'messaging.destination.name': 'test.traced' });
    expect(consumer!.resource).toMatchObject({
      'service.name': 'voyage-worker',
      'service.version': '1.2.3',
      'voyage.role': 'worker',
    });

    const inside = lines.find((l) => l.msg === 'inside the operation');
    expect(inside).toMatchObject({ trace_id: root.traceId, span_id: root.spanId });
    const jobLine = lines.find((l) => l.msg === 'traced job ran');
    expect(jobLine).toMatchObject({ trace_id: root.traceId, span_id: consumer!.spanId });
  });
});
