import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { request } from 'undici';
import { createScenario, type LoadUser, type ScenarioName, type StepStats } from './scenarios.js';

/**
 * Runs a load scenario with autocannon and measures every response: latency percentiles from the
 * raw response times (not autocannon's 2xx-only histogram), statuses per step, transport errors.
 */
export interface LoadOptions {
  url: string;
  scenario: ScenarioName;
  connections: number;
  durationSeconds: number;
  /** Requests per second across all connections; unlimited when undefined. */
  rate?: number;
  users: number;
  timeoutSeconds: number;
  /** The result reports the share of responses slower than each of these. */
  thresholdsSeconds: number[];
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadProgress {
  elapsedSeconds: number;
  requests: number;
  /** Responses in the last second. */
  perSecond: number;
  p95Ms: number;
  errors: number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  url: string;
  scenario: ScenarioName;
  connections: number;
  durationSeconds: number;
  rate: number | null;
  users: number;
  /** Responses received plus requests that failed without one. */
  requests: number;
  responses: number;
  requestsPerSecond: number;
  statuses: Record<string, number>;
  /** 5xx responses plus transport errors and timeouts: what the availability SLO counts. */
  errors: number;
  transportErrors: number;
  timeouts: number;
  /** Responses a step did not expect (e.g. 401, 429): the run did not go as designed. */
  unexpected: number;
  latencyMs: LatencySummary;
  /** Share of responses that took longer than each threshold, keyed by seconds. */
  slowerThan: Record<string, number>;
  steps: StepStats[];
}

export class LoadSetupError extends Error {}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Nearest-rank percentile of sorted values, in milliseconds to 0.01. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return round2(sorted[rank]!);
}

/** A growable list of latencies in milliseconds. */
function latencyLog() {
  let values = new Float64Array(1 << 16);
  let length = 0;
  return {
    push(v: number) {
      if (length === values.length) {
        const bigger = new Float64Array(values.length * 2);
        bigger.set(values);
        values = bigger;
      }
      values[length++] = v;
    },
    get length() {
      return length;
    },
    sortedSince(from = 0): Float64Array {
      return values.slice(from, length).sort();
    },
  };
}

async function call(url: string, method: 'GET' | 'POST', body: unknown, timeoutMs: number) {
  const res = await request(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Generated travellers, each with its own account. Signups are rate limited per client: few. */
async function createUsers(baseUrl: string, count: number, timeoutMs: number): Promise<LoadUser[]> {
  const run = randomUUID().slice(0, 8);
  const users: LoadUser[] = [];
  for (let i = 0; i < count; i++) {
    const user = { email: `load+${run}-${i}@voyage.example`, password: `load-${randomUUID()}` };
    const res = await call(
      `${baseUrl}/auth/signup`,
      'POST',
      { ...user, name: `Load Traveller ${i + 1}` },
      timeoutMs,
    );
    if (res.status !== 201) {
      throw new LoadSetupError(`creating load users: POST /auth/signup answered ${res.status}`);
    }
    users.push({ ...user, accessToken: String(res.json.accessToken) });
  }
  return users;
}

/** Access tokens expire (15 minutes by default); long runs log in again in the background. */
function keepTokensFresh(baseUrl: string, users: LoadUser[], timeoutMs: number): () => void {
  const timer = setInterval(() => {
    for (const user of users) {
      call(`${baseUrl}/auth/login`, 'POST', { email: user.email, password: user.password }, timeoutMs)
        .then((res) => {
          if (res.status === 200) user.accessToken = String(res.json.accessToken);
        })
        .catch(() => undefined);
    }
  }, 10 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const baseUrl = opts.url.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutSeconds * 1000;
  const ready = await call(`${baseUrl}/health/ready`, 'GET', undefined, timeoutMs).catch((err: Error) => {
    throw new LoadSetupError(`${baseUrl} is not reachable: ${err.message}`);
  });
  if (ready.status !== 200) throw new LoadSetupError(`${baseUrl}/health/ready answered ${ready.status}`);

  const probe = createScenario(opts.scenario, { users: [] });
  const users = probe.needsUsers ? await createUsers(baseUrl, opts.users, timeoutMs) : [];
  const scenario = createScenario(opts.scenario, { users });
  const stopRefreshing = keepTokensFresh(baseUrl, users, timeoutMs);

  const latencies = latencyLog();
  const statuses: Record<string, number> = {};
  let transportErrors = 0;
  let timeouts = 0;
  let lastTick = 0;
  let elapsed = 0;

  let settle: (result: autocannon.Result) => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: baseUrl,
      connections: opts.connections,
      duration: opts.durationSeconds,
      timeout: opts.timeoutSeconds,
      ...(opts.rate ? { overallRate: opts.rate } : {}),
      requests: scenario.requests,
    },
    (err, result) => (err ? fail(err as Error) : settle(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    latencies.push(responseTime);
  });
  // Requests still in flight when the duration ends are cut off by autocannon itself; they are not
  // failures of the service under test.
  const stopsAt = Date.now() + opts.durationSeconds * 1000;
  instance.on('reqError', (err: Error) => {
    if (Date.now() >= stopsAt) return;
    transportErrors++;
    if (/timed out/.test(err?.message ?? '')) timeouts++;
  });
  instance.on('tick', () => {
    elapsed++;
    const window = latencies.sortedSince(lastTick);
    opts.onProgress?.({
      elapsedSeconds: elapsed,
      requests: latencies.length + transportErrors,
      perSecond: window.length,
      p95Ms: percentile(window, 0.95),
      errors: transportErrors + count5xx(statuses),
    });
    lastTick = latencies.length;
  });

  const done = await finished.finally(stopRefreshing);

  const sorted = latencies.sortedSince(0);
  const responses = sorted.length;
  const total = responses + transportErrors;
  const sum = sorted.reduce((a, b) => a + b, 0);
  const unexpected = scenario.steps.reduce(
    (n, s) =>
      n +
      Object.entries(s.statuses)
        .filter(([code]) => !s.expected.includes(Number(code)) && !code.startsWith('5'))
        .reduce((m, [, c]) => m + c, 0),
    0,
  );
  const slowerThan = (seconds: number) => {
    let slow = 0;
    for (const v of sorted) if (v > seconds * 1000) slow++;
    return responses ? slow / responses : 0;
  };
  const seconds = Math.max(1, done.duration || opts.durationSeconds);
  return {
    url: baseUrl,
    scenario: opts.scenario,
    connections: opts.connections,
    durationSeconds: opts.durationSeconds,
    rate: opts.rate ?? null,
    users: users.length,
    requests: total,
    responses,
    requestsPerSecond: Math.round((total / seconds) * 10) / 10,
    statuses,
    errors: count5xx(statuses) + transportErrors,
    transportErrors,
    timeouts,
    unexpected,
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: responses ? round2(sorted[responses - 1]!) : 0,
      mean: responses ? round2(sum / responses) : 0,
    },
    slowerThan: Object.fromEntries(opts.thresholdsSeconds.map((s) => [String(s), slowerThan(s)])),
    steps: scenario.steps,
  };
}

function count5xx(statuses: Record<string, number>): number {
  return Object.entries(statuses)
    .filter(([code]) => code.startsWith('5'))
    .reduce((n, [, c]) => n + c, 0);
}
