import type { ChangeFeed } from '../../../platform/db/change-feed.js';
import type { Logger } from '../../../platform/observability/logger.js';
import type { ModelCarRow, ModelRepository } from './model-repository.js';
import { createSearchModel } from './search-model.js';

/** The channel the cars_changed migration's trigger notifies, with the car's id as payload. */
export const CARS_CHANGED = 'cars_changed';
// Small pages: the rows of a page are garbage once applied, and the heap they grow stays.
const PAGE = 1000;
const BATCH = 1000;

export interface ModelSyncOptions {
  repo: ModelRepository;
  feed: ChangeFeed;
  log: Logger;
  /** How often every car changed since the last read is re-read anyway, in case a notice was lost. */
  sweepMs: number;
}

/**
 * Keeps a search model equal to the cars table. It listens first, then loads every car: a change
 * committed after LISTEN arrives as a notification (its car is re-read), one committed before is in
 * the load. Notified cars are re-read in batches; a sweep after a reconnect (and every `sweepMs`)
 * re-reads every car written since the previous read's snapshot.
 *
 * Reads run one at a time, so a later read (a newer snapshot) is always applied after an older one.
 */
export function createModelSync(opts: ModelSyncOptions) {
  const model = createSearchModel();
  const pending = new Set<string>();
  let xmin: string | undefined;
  let ready = false;
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  let flushQueued = false;
  let sweepTimer: NodeJS.Timeout | undefined;
  let rebuildTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  const stats = { notifications: 0, applied: 0, sweeps: 0, loadMs: 0, lastAppliedAt: 0 };

  /** Runs `task` after every read queued before it. */
  function serially(task: () => Promise<void>): Promise<void> {
    const run = chain.then(task).catch((err) => {
      opts.log.warn({ err }, 'search model: a read failed; the next sweep repeats it');
    });
    chain = run;
    return run;
  }

  function apply(rows: ModelCarRow[]) {
    for (const r of rows) model.upsert(r);
    stats.applied += rows.length;
    stats.lastAppliedAt = Date.now();
    if (model.wantsRebuild && !rebuildTimer) {
      // A rebuild walks every car: batched, at most once a second.
      rebuildTimer = setTimeout(() => {
        rebuildTimer = undefined;
        model.rebuild();
      }, 1000);
      rebuildTimer.unref();
    }
  }

  function queueFlush() {
    if (flushQueued || !ready || stopped) return;
    flushQueued = true;
    void serially(async () => {
      flushQueued = false;
      while (pending.size > 0 && !stopped) {
        const ids = [...pending].slice(0, BATCH);
        for (const id of ids) pending.delete(id);
        const rows = await opts.repo.byIds(ids);
        apply(rows);
        const found = new Set(rows.map((r) => r.id));
        for (const id of ids) if (!found.has(id)) model.remove(id);
      }
    });
  }

  function sweep(): Promise<void> {
    if (!ready || stopped || xmin === undefined) return Promise.resolve();
    return serially(async () => {
      const read = await opts.repo.changedSince(xmin!);
      apply(read.rows);
      xmin = read.xmin;
      stats.sweeps += 1;
    });
  }

  async function load() {
    const started = Date.now();
    let after: string | null = null;
    for (;;) {
      const read = await opts.repo.page(after, PAGE);
      // The first page's snapshot is the oldest: changes after it are notified or swept.
      xmin ??= read.xmin;
      for (const r of read.rows) model.upsert(r);
      if (read.rows.length < PAGE) break;
      after = read.rows[read.rows.length - 1]!.id;
    }
    model.rebuild();
    stats.loadMs = Date.now() - started;
  }

  return {
    model,
    stats,
    get ready() {
      return ready;
    },
    get connected() {
      return opts.feed.connected;
    },

    async start(): Promise<void> {
      unsubscribe = await opts.feed.subscribe(CARS_CHANGED, {
        message(id) {
          stats.notifications += 1;
          pending.add(id);
          queueFlush();
        },
        resync() {
          opts.log.info('search model: change feed reconnected; catching up');
          void sweep();
        },
      });
      // Before the migrations are applied (MIGRATE_ON_START=false) there are no cars to load yet:
      // the process stays up and not ready, and tries again.
      for (;;) {
        try {
          await load();
          break;
        } catch (err) {
          if (stopped) return;
          opts.log.warn({ err: (err as Error).message }, 'search model: cannot load the cars yet; retrying');
          await new Promise((resolve) => setTimeout(resolve, 2000));
          if (stopped) return;
        }
      }
      ready = true;
      opts.log.info({ cars: model.size, ms: stats.loadMs }, 'search model loaded');
      queueFlush();
      sweepTimer = setInterval(() => void sweep(), opts.sweepMs);
      sweepTimer.unref();
    },

    /** Re-reads every car written since the last read (what a lost notification would have said). */
    catchUp: sweep,

    /** Resolves once every notification received so far has been applied. */
    async settled(): Promise<void> {
      while (pending.size > 0 || flushQueued) await chain;
      await chain;
    },

    async stop() {
      stopped = true;
      clearInterval(sweepTimer);
      clearTimeout(rebuildTimer);
      await unsubscribe?.().catch(() => undefined);
      await chain;
    },
  };
}

export type ModelSync = ReturnType<typeof createModelSync>;
