import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  SPAN_KIND,
  startOtlpReceiver,
} from '../helpers/otlp-receiver.js';
import {
  createServerDatabase,
  SECRETS,
  startVoyage,
  tempDir,
  type VoyageProcess,
  waitFor,
} from './helpers/processes.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('voyage serve with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  let receiver: OtlpReceiver;
  let proc: VoyageProcess;
  let data: Awaited<ReturnType<typeof tempDir>>;
  // What a gateway in front of this process sends.
  const callerTraceId = hex(16);
  const callerSpanId = hex(8);
  const requestId = `trace-sys-${randomUUID()}`;
  let search: Response;
  let notFound: Response;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    data = await tempDir();
    proc = await startVoyage({
      DATA_DIR: data.dir,
      DEMO_DATA: 'false',
      SHUTDOWN_DRAIN_DELAY: '0s',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // Car search runs its SQL statement here (not the in-memory model), so that it has Postgres spans.
      SEARCH_MODEL: 'false',
    });
    await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
    // All requests first, so that one export batch carries every span the tests look at.
    search = await fetch(`${proc.url}/search?lat=48.8566&lng=2.3522`, {
      headers: { traceparent: `00-${callerTraceId}-${callerSpanId}-01` },
    });
    notFound = await fetch(`${proc.url}/cars/${randomUUID()}`, { headers: { 'x-request-id': requestId } });
    for (const path of ['/health', '/health/ready', '/metrics']) await fetch(`${proc.url}${path}`);
    expect((await fetch(`${proc.url}/locations`)).status).toBe(200);
  });

  afterAll(async () => {
    await proc?.stop();
    await data?.remove();
    await receiver?.close();
  });

  it('continues the caller’s trace: HTTP server span → child Postgres spans, one trace id', async () => {
    const traceId = callerTraceId;
    expect(search.status).toBe(200);

    const spans = await receiver.waitForSpans((all) =>
      all.some((s) => s.traceId === traceId && s.kind === SPAN_KIND.SERVER),
    );
    const trace = spans.filter((s) => s.traceId === traceId);
    const server = trace.find((s) => s.kind === SPAN_KIND.SERVER)!;
    expect(server).toMatchObject({ name: 'GET /search', parentSpanId: callerSpanId });
    expect(server.attributes).toMatchObject({ 'http.route': '/search', 'http.response.status_code': 200 });
    expect(server.resource).toMatchObject({ 'service.name': 'voyage', 'voyage.role': 'all' });

    const queries = trace.filter((s) => s.kind === SPAN_KIND.CLIENT && s.name.startsWith('pg.query'));
    expect(queries.length, JSON.stringify(trace.map((s) => s.name))).toBeGreaterThan(0);
    for (const q of queries) {
      expect(q.parentSpanId).toBe(server.spanId);
      expect(q.attributes['db.system.name']).toBe('postgresql');
    }
    expect(queries.some((q) => String(q.attributes['db.query.text']).includes('FROM cars'))).toBe(true);
    expect(receiver.rejected).toEqual([]);
  });

  it('puts the trace id in error bodies and on the request’s log lines', async () => {
    expect(notFound.status).toBe(404);
    const body = (await notFound.json()) as { error: { code: string; traceId?: string } };
    expect(body.error.traceId).toMatch(/^[0-9a-f]{32}$/);
    const traceId = body.error.traceId!;

    const spans = await receiver.waitForSpans((all) =>
      all.some((s) => s.traceId === traceId && s.kind === SPAN_KIND.SERVER),
    );
    const server = spans.find((s) => s.traceId === traceId && s.kind === SPAN_KIND.SERVER)!;
    expect(server.name).toBe('GET /cars/:id');
    expect(server.parentSpanId).toBeUndefined();
    const child = spans.find((s: ReceivedSpan) => s.traceId === traceId && s.parentSpanId === server.spanId);
    expect(child?.attributes['db.system.name']).toBe('postgresql');

    const lines = logLines(proc.output()).filter((l) => l.requestId === requestId);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.trace_id === traceId)).toBe(true);
  });

  it('leaves probes and scrapes untraced', async () => {
    // The probes were sent before /locations, so their spans would have been exported by now.
    const spans = await receiver.waitForSpans((all) => all.some((s) => s.name === 'GET /locations'));
    const servers = spans.filter((s) => s.kind === SPAN_KIND.SERVER).map((s) => s.name);
    expect(servers).toEqual(expect.arrayContaining(['GET /search', 'GET /cars/:id', 'GET /locations']));
    expect(servers.filter((n) => /health|metrics/.test(n))).toEqual([]);
  });
});

describe('voyage serve on a Postgres server with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('traces node-postgres queries as children of the request', async () => {
    const receiver = await startOtlpReceiver();
    const db = await createServerDatabase();
    const proc = await startVoyage({
      DATABASE_URL: db.url,
      ...SECRETS,
      MIGRATE_ON_START: 'true',
      SHUTDOWN_DRAIN_DELAY: '0s',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    try {
      await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
      const res = await fetch(`${proc.url}/locations`);
      expect(res.status).toBe(200);
      const spans = await receiver.waitForSpans((all) => all.some((s) => s.name === 'GET /locations'));
      const server = spans.find((s) => s.name === 'GET /locations')!;
      const queries = spans.filter((s) => s.parentSpanId === server.spanId && s.name.startsWith('pg.query'));
      expect(queries.length, JSON.stringify(spans.map((s) => s.name))).toBeGreaterThan(0);
      expect(queries[0]!.traceId).toBe(server.traceId);
      expect(queries[0]!.attributes).toMatchObject({
        'db.system.name': 'postgresql',
        'server.address': new URL(db.url).hostname,
      });
    } finally {
      await proc.stop();
      await db.drop();
      await receiver.close();
    }
  });
});
