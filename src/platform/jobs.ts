import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type pg from 'pg';
import PgBoss from 'pg-boss';
import { serviceUnavailable } from './http/errors.js';
import { splitTraceContext, tracer, withTraceContext } from './job-trace.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';

/**
 * Background jobs on pg-boss, in the same Postgres (server or embedded). Jobs are typed by a
 * catalogue that modules extend, retried with exponential backoff by default, and moved to a
 * dead-letter queue (`<name>.dead`) when their retries run out.
 *
 * Modules add their jobs with declaration merging:
 *   declare module '../../platform/jobs.js' { interface JobCatalogue { 'x.y': { id: string } } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by modules through declaration merging
export interface JobCatalogue {}
export type JobName = keyof JobCatalogue & string;

export interface JobDefinition<N extends JobName = JobName> {
  name: N;
  /** Attempts after the first; default 5. */
  retryLimit?: number;
  /** First retry delay in seconds, doubled each time; default 10. */
  retryDelaySeconds?: number;
  expireInSeconds?: number;
  /** Cron expression (UTC unless tz is given) for jobs that run on a schedule. */
  cron?: string;
  tz?: string;
  /** Parallel jobs per worker process; default 2. */
  concurrency?: number;
  handler: (data: JobCatalogue[N], job: { id: string; name: string }) => Promise<void>;
}

/** Work that polls on a short interval (pg-boss schedules are per minute at best). */
export interface LoopDefinition {
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
}

export interface JobsOptions {
  pool: pg.Pool;
  log: Logger;
  metrics: Metrics;
  /** Run handlers and schedules in this process (worker and all-in-one roles). */
  work: boolean;
  pollingIntervalSeconds?: number;
}

const DEADLOCK = '40P01';

/**
 * pg-boss creates a queue as a partition of its job table; processes of a split deployment that
 * start together (api and worker) can deadlock doing so. Creating a queue is idempotent: try again.
 */
async function retryOnDeadlock(fn: () => Promise<void>, attempts = 8): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code !== DEADLOCK || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 50 * i + Math.random() * 100));
    }
  }
}

export function createJobs(opts: JobsOptions) {
  const { pool, log, metrics } = opts;
  const outcomes = metrics.counter('voyage_jobs_total', 'Background jobs by queue and outcome', [
    'queue',
    'outcome',
  ]);
  const duration = metrics.histogram(
    'voyage_job_duration_seconds',
    'Background job run time',
    ['queue'],
    [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
  );
  const definitions = new Map<string, JobDefinition>();
  const loops: LoopDefinition[] = [];
  const loopRuns = new Set<Promise<unknown>>();
  let loopTimers: NodeJS.Timeout[] = [];
  let boss: PgBoss | undefined;
  let started = false;

  function startLoop(l: LoopDefinition) {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || !started) return;
      busy = true;
      const run = l
        .run()
        .catch((err) => log.warn({ err, loop: l.name }, 'loop run failed; trying again next interval'))
        .finally(() => {
          busy = false;
          loopRuns.delete(run);
        });
      loopRuns.add(run);
    }, l.intervalMs);
    timer.unref();
    loopTimers.push(timer);
  }

  const db = { executeSql: (text: string, values: unknown[]) => pool.query(text, values as unknown[]) };

  async function setUpQueues(b: PgBoss) {
    for (const d of definitions.values()) {
      const queue = {
        name: d.name,
        retryLimit: d.retryLimit ?? 5,
        retryDelay: d.retryDelaySeconds ?? 10,
        retryBackoff: true,
        expireInSeconds: d.expireInSeconds ?? 15 * 60,
        deadLetter: `${d.name}.dead`,
      };
      await b.createQueue(`${d.name}.dead`).catch((err) => {
        if ((err as { code?: string }).code === DEADLOCK) throw err;
      });
      if (await b.getQueue(d.name)) await b.updateQueue(d.name, queue);
      else await b.createQueue(d.name, queue);
    }
  }

  /** Starts pg-boss, creates the queues and, in a working role, its workers and schedules. */
  async function startBoss(boss: PgBoss) {
    await boss.start();
    // Processes that start together on a new database (api and worker, replicas of a release) race
    // on pg-boss's queue creation; creating queues is idempotent, so a deadlock victim tries again.
    const b = boss;
    await retryOnDeadlock(() => setUpQueues(b));
    if (opts.work) {
      for (const d of definitions.values()) {
        const concurrency = d.concurrency ?? 2;
        for (let i = 0; i < concurrency; i++) {
          await boss.work(
            d.name,
            { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, batchSize: 1 },
            async (jobs) => {
              for (const job of jobs) {
                const { data, parent } = splitTraceContext(job.data);
                const attributes = {
                  'messaging.system': 'pg-boss',
                  'messaging.operation.type': 'process',
                  'messaging.destination.name': d.name,
                  'messaging.message.id': job.id,
                };
                await tracer.startActiveSpan(
                  `process ${d.name}`,
                  { kind: SpanKind.CONSUMER, attributes },
                  parent,
                  async (span) => {
                    const end = duration.startTimer({ queue: d.name });
                    try {
                      await d.handler(data as never, { id: job.id, name: job.name });
                      outcomes.inc({ queue: d.name, outcome: 'completed' });
                    } catch (err) {
                      outcomes.inc({ queue: d.name, outcome: 'failed' });
                      span.recordException(err as Error);
                      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
                      log.warn(
                        { err, queue: d.name, jobId: job.id },
                        'job failed; pg-boss retries it with backoff',
                      );
                      throw err;
                    } finally {
                      end();
                      span.end();
                    }
                  },
                );
              }
            },
          );
        }
        // A schedule is stored in the database: one taken out of the config must be removed there.
        if (d.cron) await boss.schedule(d.name, d.cron, {}, d.tz ? { tz: d.tz } : {});
        else await boss.unschedule(d.name);
      }
    }
  }

  return {
    /** Declares a job; call before start(). */
    define<N extends JobName>(definition: JobDefinition<N>) {
      definitions.set(definition.name, definition as unknown as JobDefinition);
    },

    /** Declares polling work that runs where handlers run (worker and all-in-one roles). */
    defineLoop(loop: LoopDefinition) {
      loops.push(loop);
    },

    get definitions(): ReadonlyMap<string, JobDefinition> {
      return definitions;
    },

    async start() {
      if (started) return;
      boss = new PgBoss({
        db,
        supervise: opts.work,
        schedule: opts.work,
        migrate: true,
      } as PgBoss.ConstructorOptions);
      boss.on('error', (err) => log.error({ err }, 'job queue error'));
      try {
        await startBoss(boss);
      } catch (err) {
        // A runner that failed half-way must not keep polling and supervising in the background.
        await boss.stop({ graceful: false, wait: true }).catch(() => {});
        boss = undefined;
        throw err;
      }
      started = true;
      if (opts.work) for (const l of loops) startLoop(l);
    },

    async send<N extends JobName>(name: N, data: JobCatalogue[N], options: PgBoss.SendOptions = {}) {
      const b = boss;
      if (!b) throw new Error('jobs are not started');
      const attributes = {
        'messaging.system': 'pg-boss',
        'messaging.operation.type': 'send',
        'messaging.destination.name': name,
      };
      return tracer.startActiveSpan(`send ${name}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
        try {
          const id = await b.send(name, withTraceContext(data) as object, options);
          if (id) span.setAttribute('messaging.message.id', id);
          return id;
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        } finally {
          span.end();
        }
      });
    },

    /** Jobs whose retries ran out, newest first. */
    async deadLetters(name: JobName, limit = 50) {
      if (!started) throw serviceUnavailable('jobs_unavailable', 'Background jobs are not running here');
      const res = await pool.query(
        `SELECT id, data, output, created_on FROM pgboss.job WHERE name = $1 ORDER BY created_on DESC LIMIT $2`,
        [`${name}.dead`, limit],
      );
      return res.rows as { id: string; data: unknown; output: unknown; created_on: Date }[];
    },

    /** Sends a dead-lettered job back to its queue and removes it from the dead letters. */
    async retryDeadLetter(name: JobName, id: string) {
      if (!boss || !started)
        throw serviceUnavailable('jobs_unavailable', 'Background jobs are not running here');
      const res = await pool.query(`DELETE FROM pgboss.job WHERE name = $1 AND id = $2 RETURNING data`, [
        `${name}.dead`,
        id,
      ]);
      if (!res.rows[0]) return null;
      return boss.send(name, res.rows[0].data);
    },

    get boss() {
      return boss;
    },

    async stop() {
      if (!boss || !started) return;
      started = false;
      for (const t of loopTimers) clearInterval(t);
      loopTimers = [];
      await Promise.allSettled([...loopRuns]);
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}

export type Jobs = ReturnType<typeof createJobs>;
